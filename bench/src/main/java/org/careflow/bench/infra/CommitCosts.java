package org.careflow.bench.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careflow.http.metrics.PrometheusSamples;

/**
 * What the exactly-once commits of a careflow streams app cost, from the Kafka client metrics its {@code GET /metrics}
 * serves: taken once before and once after a measured stretch, the difference gives the commits made and, per commit, the
 * time its stream threads spent committing and the time its producers spent flushing (waiting for every record still held
 * or in flight to be acknowledged), sending the consumed offsets and ending the transaction. Processing stops while a
 * thread commits, and a result becomes readable downstream only once its transaction has ended, so these lie under
 * end-to-end latency. The mean and longest commit are Kafka Streams' own figures of its last metrics window, summed over
 * the app's stream threads as the counters are: exact for one thread, which is what streams-triage runs by default.
 */
public final class CommitCosts {

    static final String COMMITS = "kafka_stream_thread_commit_total";
    static final String COMMIT_LATENCY_AVG = "kafka_stream_thread_commit_latency_avg";
    static final String COMMIT_LATENCY_MAX = "kafka_stream_thread_commit_latency_max";
    /** Producer time counters, nanoseconds since the producer started, and the name each part is reported under. */
    static final Map<String, String> PRODUCER_PARTS = partNames();

    private final Map<String, Double> totals;
    private final double commitLatencyAvgMs;
    private final double commitLatencyMaxMs;

    private CommitCosts(Map<String, Double> totals, double commitLatencyAvgMs, double commitLatencyMaxMs) {
        this.totals = totals;
        this.commitLatencyAvgMs = commitLatencyAvgMs;
        this.commitLatencyMaxMs = commitLatencyMaxMs;
    }

    /** The figures in {@code prometheusText} (what the app's {@code GET /metrics} answered), summed over its threads and producers. */
    public static CommitCosts of(String scraped) {
        // A client that has not measured a figure yet reports NaN, which would make the whole sum NaN.
        String prometheusText = scraped.lines().filter(line -> !line.endsWith(" NaN")).collect(java.util.stream.Collectors.joining("\n"));
        Map<String, Double> totals = new LinkedHashMap<>();
        for (String name : List.copyOf(namesSummed())) {
            double value = PrometheusSamples.sum(prometheusText, name, Map.of());
            totals.put(name, Double.isNaN(value) ? 0 : value);
        }
        return new CommitCosts(totals, orZero(PrometheusSamples.sum(prometheusText, COMMIT_LATENCY_AVG, Map.of())),
            orZero(PrometheusSamples.sum(prometheusText, COMMIT_LATENCY_MAX, Map.of())));
    }

    /** Whether {@code prometheusText} has the commit counter at all (the app's metrics bind Kafka Streams' own). */
    public static boolean present(String prometheusText) {
        return PrometheusSamples.has(prometheusText, COMMITS);
    }

    /**
     * From {@code before} to this: the commits made, the mean milliseconds per commit of each producer part, and the mean
     * and longest commit of the last stretch Kafka Streams' own metrics keep.
     */
    public Map<String, Object> since(CommitCosts before) {
        Map<String, Object> out = new LinkedHashMap<>();
        double commits = delta(before, COMMITS);
        out.put("commits", Math.round(commits));
        PRODUCER_PARTS.forEach((metric, part) -> out.put(part + " ms per commit",
            commits > 0 ? round2(delta(before, metric) / commits / 1e6) : 0.0));
        out.put("commit ms, mean of the last stretch", round2(commitLatencyAvgMs));
        out.put("commit ms, longest of the last stretch", round2(commitLatencyMaxMs));
        return out;
    }

    private static Map<String, String> partNames() {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("kafka_producer_flush_time_ns_total", "producer flush");
        parts.put("kafka_producer_txn_send_offsets_time_ns_total", "offsets sent to the transaction");
        parts.put("kafka_producer_txn_commit_time_ns_total", "transaction ended");
        return parts;
    }

    private static List<String> namesSummed() {
        List<String> names = new java.util.ArrayList<>(PRODUCER_PARTS.keySet());
        names.add(COMMITS);
        return names;
    }

    private double delta(CommitCosts before, String key) {
        return totals.getOrDefault(key, 0.0) - before.totals.getOrDefault(key, 0.0);
    }

    private static double orZero(double value) {
        return Double.isNaN(value) ? 0 : value;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
