package org.careflow.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Summaries of repeated measurements (median and spread) and latency percentiles. */
public final class Stats {

    /** Latencies are recorded in microseconds, up to this, with three significant digits. */
    public static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(2);

    private Stats() {
    }

    public static double median(List<Double> values) {
        List<Double> sorted = sorted(values);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public static double min(List<Double> values) {
        return sorted(values).get(0);
    }

    public static double max(List<Double> values) {
        List<Double> sorted = sorted(values);
        return sorted.get(sorted.size() - 1);
    }

    /** (max - min) / median in percent; 0 for a single value. */
    public static double spreadPercent(List<Double> values) {
        double median = median(values);
        return median == 0 ? 0 : (max(values) - min(values)) / median * 100;
    }

    /** A histogram for latencies in microseconds. */
    public static Histogram latencyHistogram() {
        return new Histogram(MAX_LATENCY_MICROS, 3);
    }

    /** Records a latency of {@code nanos} in a histogram of {@link #latencyHistogram()}, clamped to its range. */
    public static void recordLatency(Histogram micros, long nanos) {
        micros.recordValue(Math.min(Math.max(1, nanos / 1_000), MAX_LATENCY_MICROS));
    }

    /** The {@code percentile} (e.g. 99.9) of a histogram of microseconds, in milliseconds. */
    public static double percentileMillis(Histogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Records/s of {@code count} items done in {@code nanos}. */
    public static double perSecond(long count, long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("Elapsed time must be positive, was " + nanos + " ns");
        }
        return count * 1e9 / nanos;
    }

    private static List<Double> sorted(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("No values to summarise");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }
}
