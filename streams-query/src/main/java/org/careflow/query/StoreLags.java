package org.careflow.query;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far behind this instance's copies of its stores are: the changelog offset lag of each copy and, from samples
 * kept by a {@link StalenessClock}, how long ago at most each copy held everything its changelog had (for
 * {@code maxLagMs}). Snapshots are kept briefly, so a burst of stale reads makes few calls to the brokers.
 */
final class StoreLags {

    private static final Logger LOG = LoggerFactory.getLogger(StoreLags.class);
    private static final Duration SNAPSHOT_AGE = Duration.ofMillis(500);

    private final KafkaStreams streams;
    private final StalenessClock clock;
    private volatile Snapshot snapshot;

    /**
     * @param transactionalChangelogs the app runs exactly_once_v2: each transaction's commit marker takes a changelog
     *                                offset, so a copy one offset short of the end holds every committed record
     */
    StoreLags(KafkaStreams streams, boolean transactionalChangelogs) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.clock = new StalenessClock(StalenessClock.HISTORY, transactionalChangelogs ? 1 : 0);
    }

    /** The offset lag of the local copy of {@code storeName}'s {@code partition} (null: the largest of all); null when unknown. */
    Long offsetLag(String storeName, Integer partition) {
        Map<Integer, LagInfo> lags = current().get(storeName);
        if (lags == null || lags.isEmpty()) {
            return null;
        }
        if (partition == null) {
            return lags.values().stream().mapToLong(LagInfo::offsetLag).max().orElse(0L);
        }
        LagInfo lag = lags.get(partition);
        return lag == null ? null : lag.offsetLag();
    }

    /**
     * How long ago, at most, the local copy of {@code storeName}'s {@code partition} (null: the largest of all) was last
     * known to hold everything its changelog had; null when unknown.
     */
    Long stalenessBoundMs(String storeName, Integer partition) {
        Map<Integer, LagInfo> lags = current().get(storeName);
        if (lags == null || lags.isEmpty() || partition != null && !lags.containsKey(partition)) {
            return null;
        }
        long now = System.currentTimeMillis();
        long largest = 0L;
        for (Map.Entry<Integer, LagInfo> entry : lags.entrySet()) {
            if (partition != null && !entry.getKey().equals(partition)) {
                continue;
            }
            Long bound = clock.boundMs(storeName, entry.getKey(), entry.getValue().currentOffsetPosition(), now);
            if (bound == null) {
                return null;
            }
            largest = Math.max(largest, bound);
        }
        return largest;
    }

    /** Takes a sample now unless a fresh one exists: the app calls it about once a second. */
    void sample() {
        current();
    }

    private Map<String, Map<Integer, LagInfo>> current() {
        Snapshot current = snapshot;
        long now = System.nanoTime();
        if (current == null || now - current.takenAtNanos() > SNAPSHOT_AGE.toNanos()) {
            try {
                // Asks the brokers for the changelogs' end offsets.
                current = new Snapshot(now, streams.allLocalStorePartitionLags());
                clock.record(System.currentTimeMillis(), current.lags());
            } catch (RuntimeException e) {
                LOG.debug("Store lags unavailable: {}", e.getClass().getSimpleName());
                current = new Snapshot(now, Map.of());
            }
            snapshot = current;
        }
        return current.lags();
    }

    private record Snapshot(long takenAtNanos, Map<String, Map<Integer, LagInfo>> lags) {
    }
}
