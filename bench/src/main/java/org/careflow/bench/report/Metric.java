package org.careflow.bench.report;

import java.util.List;
import java.util.Objects;

/**
 * One measured figure of a scenario: its value in every measured round, and the ceiling metrics it is compared with
 * (a ratio is reported for each that was measured in the same run), each with the target ratio if it has one.
 *
 * @param name     what is measured, unique within its scenario, e.g. {@code produce} or {@code p99 c=8}
 * @param unit     e.g. {@code records/s}, {@code ms}
 * @param rounds   the value of each measured round, in the order measured
 * @param ceilings the metrics this one is a fraction of, in report order; may be empty
 * @param atMost   the upper bound for the median, in {@code unit} (a latency target), or null when there is none
 */
public record Metric(String name, String unit, List<Double> rounds, List<CeilingRef> ceilings, Double atMost) {

    /**
     * A metric of another scenario, e.g. {@code ceiling} / {@code streams aggregate exactly_once_v2}, and the ratio to it
     * that is the target, or null when there is none.
     */
    public record CeilingRef(String scenario, String metric, Double target) {
        public CeilingRef {
            Objects.requireNonNull(scenario, "scenario");
            Objects.requireNonNull(metric, "metric");
            if (target != null && !(target > 0)) {
                throw new IllegalArgumentException("A target ratio is positive, was " + target);
            }
        }
    }

    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        rounds = List.copyOf(rounds);
        ceilings = List.copyOf(ceilings);
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("Metric " + name + " has no measured round");
        }
        if (atMost != null && !(atMost > 0)) {
            throw new IllegalArgumentException("An upper bound is positive, was " + atMost);
        }
    }

    public static Metric of(String name, String unit, List<Double> rounds) {
        return new Metric(name, unit, rounds, List.of(), null);
    }

    /** This metric, also compared with {@code metric} of {@code scenario}, without a target. */
    public Metric comparedWith(String scenario, String metric) {
        return comparedWith(new CeilingRef(scenario, metric, null));
    }

    /** This metric, also compared with {@code metric} of {@code scenario}, whose target ratio is {@code target} (0.6: 60%). */
    public Metric comparedWith(String scenario, String metric, double target) {
        return comparedWith(new CeilingRef(scenario, metric, target));
    }

    private Metric comparedWith(CeilingRef ceiling) {
        List<CeilingRef> all = new java.util.ArrayList<>(ceilings);
        all.add(ceiling);
        return new Metric(name, unit, rounds, all, atMost);
    }

    /** This metric with the target that its median stays at or below {@code bound} (a latency's), in its own unit. */
    public Metric withTargetAtMost(double bound) {
        return new Metric(name, unit, rounds, ceilings, bound);
    }

    /** Whether the median is within {@link #atMost}; null when there is no such target. */
    public Boolean atMostMet() {
        return atMost == null ? null : median() <= atMost;
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
