package org.careflow.triage.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.WindowStore;
import org.careflow.state.triage.FacilityHourStats;

/**
 * Read-modify-write of one facility's statistics in one-hour tumbling windows. An hour's entry is bounded: it counts
 * every patient who left the queue, but keeps at most {@link #MAX_WAIT_SAMPLES} waits, a uniform sample once more
 * left (reservoir sampling), so that a facility's busiest hour cannot grow its entry without bound.
 */
final class FacilityStatsWriter {

    static final Duration WINDOW = Duration.ofHours(1);
    /** Waits kept per facility and hour for the percentiles: exact up to this many patients, a sample beyond. */
    static final int MAX_WAIT_SAMPLES = 1000;

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
            stats = new FacilityHourStats(new HashMap<>(), new ArrayList<>(), 0);
        } else {
            stats = new FacilityHourStats(new HashMap<>(stats.getSubmissionsByBand()), new ArrayList<>(stats.getMinutesToBeSeen()),
                left(stats));
        }
        change.accept(stats);
        store.put(facilityId, stats, start);
    }

    /** Patients who left the queue in the hour (entries written before the count was kept count their waits). */
    static int left(FacilityHourStats stats) {
        return Math.max(stats.getLeft(), stats.getMinutesToBeSeen().size());
    }

    /**
     * Counts one patient who left, and keeps their wait in the hour's sample (Algorithm R). The slot a wait replaces is
     * drawn from {@code seed}, not a random source, so that reprocessing the same dispositions rebuilds the same sample.
     */
    static void recordWait(FacilityHourStats stats, long minutes, String seed) {
        int before = left(stats);
        List<Long> waits = stats.getMinutesToBeSeen();
        if (waits.size() < MAX_WAIT_SAMPLES) {
            waits.add(minutes);
        } else {
            long slot = Math.floorMod(mix(seed.hashCode() * 0x9E3779B97F4A7C15L + before), (long) before + 1);
            if (slot < MAX_WAIT_SAMPLES) {
                waits.set((int) slot, minutes);
            }
        }
        stats.setLeft(before + 1);
    }

    /** A 64-bit finaliser (SplitMix64): spreads nearby seeds over the whole range. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
