package org.careflow.bench.report;

import java.util.List;
import java.util.Objects;

/**
 * One measured figure of a scenario: its value in every measured round, and optionally the ceiling metric it is
 * compared with (a ratio is reported when that metric was measured in the same run).
 *
 * @param name    what is measured, unique within its scenario, e.g. {@code produce} or {@code p99 c=8}
 * @param unit    e.g. {@code records/s}, {@code ms}
 * @param rounds  the value of each measured round, in the order measured
 * @param ceiling the metric this one is a fraction of, or null
 */
public record Metric(String name, String unit, List<Double> rounds, CeilingRef ceiling) {

    /** A metric of another scenario, e.g. {@code ceiling} / {@code streams aggregate exactly_once_v2}. */
    public record CeilingRef(String scenario, String metric) {
        public CeilingRef {
            Objects.requireNonNull(scenario, "scenario");
            Objects.requireNonNull(metric, "metric");
        }
    }

    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        rounds = List.copyOf(rounds);
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("Metric " + name + " has no measured round");
        }
    }

    public static Metric of(String name, String unit, List<Double> rounds) {
        return new Metric(name, unit, rounds, null);
    }

    public Metric comparedWith(String scenario, String metric) {
        return new Metric(name, unit, rounds, new CeilingRef(scenario, metric));
    }

    public double median() {
        return Stats.median(rounds);
    }

    public double min() {
        return Stats.min(rounds);
    }

    public double max() {
        return Stats.max(rounds);
    }

    /** (max - min) / median, in percent: how much the rounds disagree. */
    public double spreadPercent() {
        return Stats.spreadPercent(rounds);
    }
}
