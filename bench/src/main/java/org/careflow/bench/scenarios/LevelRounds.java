package org.careflow.bench.scenarios;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Stats;

/**
 * The measured rounds of one HTTP level of one server (careflow's or a floor's), gathered into its metrics: throughput,
 * latency percentiles, and CPU per accepted item of each measured process, named
 * {@code <throughput metric> CPU <process>}. The HTTP scenarios share it so that careflow and its floor are reported alike.
 */
final class LevelRounds {

    private final String throughputName;
    private final String unit;
    private final double[] percentiles;
    private final DoubleFunction<String> latencyName;
    private final String cpuUnit;
    private final List<Double> throughput = new ArrayList<>();
    private final Map<Double, List<Double>> latencies = new TreeMap<>();
    private final Map<String, List<Double>> cpu = new LinkedHashMap<>();
    private final Map<Integer, Long> statuses = new TreeMap<>();
    private long requests;
    private long accepted;
    private long errors;

    /**
     * @param throughputName e.g. {@code POST c=16} or {@code bare POST c=16}
     * @param unit           of the throughput, e.g. {@code requests/s}
     * @param latencyName    the name of a percentile's metric, e.g. {@code p99 c=16}
     * @param cpuUnit        of CPU per item, e.g. {@code µs/request}
     */
    LevelRounds(String throughputName, String unit, double[] percentiles, DoubleFunction<String> latencyName, String cpuUnit) {
        this.throughputName = Objects.requireNonNull(throughputName, "throughputName");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.percentiles = percentiles.clone();
        this.latencyName = Objects.requireNonNull(latencyName, "latencyName");
        this.cpuUnit = Objects.requireNonNull(cpuUnit, "cpuUnit");
    }

    /** The name of the metric of CPU per item of {@code process} for the level named {@code throughputName}. */
    static String cpuMetric(String throughputName, String process) {
        return throughputName + " CPU " + process;
    }

    void add(HttpLoad.RoundResult round) {
        throughput.add(round.perSecond());
        for (double p : percentiles) {
            latencies.computeIfAbsent(p, k -> new ArrayList<>()).add(Stats.percentileMillis(round.latencies(), p));
        }
        round.cpuMicrosPerItem().forEach((process, micros) -> cpu.computeIfAbsent(process, k -> new ArrayList<>()).add(micros));
        requests += round.requests();
        accepted += round.accepted();
        errors += round.errors();
        round.statuses().forEach((status, n) -> statuses.merge(status, n, Long::sum));
    }

    String throughputName() {
        return throughputName;
    }

    /** The throughput metric, to be compared with a ceiling or floor by the caller. */
    Metric throughput() {
        return Metric.of(throughputName, unit, throughput);
    }

    /** The latency metrics, in percentile order. */
    List<Metric> latencies() {
        List<Metric> metrics = new ArrayList<>();
        latencies.forEach((p, values) -> metrics.add(Metric.of(latencyName.apply(p), "ms", values)));
        return metrics;
    }

    /**
     * CPU per item of every process measured in every round (a process missing from some round is left out); each is
     * compared with the same process's figure of {@code floor} when given (same scenario).
     */
    List<Metric> cpu(String scenario, LevelRounds floor) {
        List<Metric> metrics = new ArrayList<>();
        cpu.forEach((process, values) -> {
            if (values.size() == throughput.size()) {
                Metric metric = Metric.of(cpuMetric(throughputName, process), cpuUnit, values);
                metrics.add(floor == null ? metric : metric.comparedWith(scenario, cpuMetric(floor.throughputName, process)));
            }
        });
        return metrics;
    }

    long errors() {
        return errors;
    }

    long accepted() {
        return accepted;
    }

    Map<Integer, Long> statuses() {
        return statuses;
    }

    /** Requests, accepted items, items not accepted and those by status, for the report's details. */
    Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("requests", requests);
        details.put("accepted", accepted);
        details.put("errors", errors);
        details.put("notAcceptedByStatus", statuses);
        return details;
    }
}
