package org.careflow.triage.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.WindowStore;
import org.careflow.state.triage.FacilityHourStats;

/** Read-modify-write of one facility's statistics in one-hour tumbling windows. */
final class FacilityStatsWriter {

    static final Duration WINDOW = Duration.ofHours(1);

    private final WindowStore<String, FacilityHourStats> store;

    FacilityStatsWriter(WindowStore<String, FacilityHourStats> store) {
        this.store = store;
    }

    /** The start of the hour {@code at} falls in. */
    static long windowStart(Instant at) {
        long millis = at.toEpochMilli();
        return millis - Math.floorMod(millis, WINDOW.toMillis());
    }

    void update(String facilityId, Instant at, Consumer<FacilityHourStats> change) {
        long start = windowStart(at);
        FacilityHourStats stats = store.fetch(facilityId, start);
        if (stats == null) {
            stats = new FacilityHourStats(new HashMap<>(), new ArrayList<>());
        } else {
            stats = new FacilityHourStats(new HashMap<>(stats.getSubmissionsByBand()), new ArrayList<>(stats.getMinutesToBeSeen()));
        }
        change.accept(stats);
        store.put(facilityId, stats, start);
    }
}
