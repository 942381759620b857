package org.careflow.triage.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A facility's triage statistics over a time range, by hour, and who is waiting now. */
public record StatsView(String facilityId, Instant from, Instant to, Map<String, Integer> waitingNowByBand, List<Hour> hours) {

    /**
     * One hour: new assessments by band, how many patients left the queue, and their time to be seen
     * (nearest-rank median and 90th percentile, minutes; null when nobody left in the hour). {@code seen} counts everyone
     * who left; the percentiles are exact up to 1,000 patients in the hour and drawn from a uniform sample of 1,000 beyond.
     */
    public record Hour(Instant start, Map<String, Integer> submissionsByBand, int seen, Long medianMinutesToBeSeen,
                       Long p90MinutesToBeSeen) {
    }

    /** The nearest-rank percentile {@code p} (0-100] of {@code values}, or null when there are none. */
    public static Long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(1, rank) - 1);
    }
}
