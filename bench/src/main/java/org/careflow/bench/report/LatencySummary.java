package org.careflow.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The percentiles a latency is reported with, in milliseconds, from a histogram of microseconds
 * ({@link Stats#latencyHistogram()}).
 *
 * @param count how many latencies were recorded
 */
public record LatencySummary(long count, double p50, double p95, double p99, double max) {

    public static LatencySummary of(Histogram micros) {
        return new LatencySummary(micros.getTotalCount(), Stats.percentileMillis(micros, 50), Stats.percentileMillis(micros, 95),
            Stats.percentileMillis(micros, 99), micros.getTotalCount() == 0 ? 0 : micros.getMaxValue() / 1000.0);
    }

    /** For the report's details. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", count);
        out.put("p50Ms", p50);
        out.put("p95Ms", p95);
        out.put("p99Ms", p99);
        out.put("maxMs", max);
        return out;
    }
}
