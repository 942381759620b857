package org.careflow.query;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.streams.LagInfo;

/**
 * Bounds, in time, how stale a local copy of a store partition may be. Kafka Streams reports a copy's lag in changelog
 * offsets only; this clock remembers, from samples of {@code KafkaStreams#allLocalStorePartitionLags()}, when the
 * changelog ended where. A copy whose position has reached the end offset sampled at time t holds everything written
 * before t, so it is at most {@code now - t} behind: the bound is the age of the newest sample the copy has reached. It
 * is an upper bound, never an estimate that could be too small; with no such sample kept (the copy is further behind
 * than the history, or no sample was taken yet) the bound is unknown. Under exactly_once_v2 every transaction ends with a
 * commit marker that takes a changelog offset but holds no record, so a caught-up copy stays one offset short of the end:
 * such apps give a slack of one offset.
 */
final class StalenessClock {

    /** How far back samples are kept: a copy further behind than this has no known bound. */
    static final Duration HISTORY = Duration.ofMinutes(10);

    private final long historyMs;
    private final long slack;
    private final Map<String, Map<Integer, Deque<long[]>>> samples = new HashMap<>();

    /** @param slack offsets a copy may be short of a sampled end and still hold every record before it: 0, or 1 under exactly_once_v2 */
    StalenessClock(Duration history, long slack) {
        this.historyMs = history.toMillis();
        this.slack = slack;
    }

    /** Records the changelog end offsets of every local copy as seen at {@code nowMs}. */
    void record(long nowMs, Map<String, Map<Integer, LagInfo>> lags) {
        lags.forEach((store, partitions) -> partitions.forEach((partition, lag) ->
            record(nowMs, store, partition, lag.endOffsetPosition())));
    }

    /** Records that the changelog of {@code store}'s {@code partition} ended at {@code endOffset} at {@code nowMs}. */
    synchronized void record(long nowMs, String store, int partition, long endOffset) {
        Deque<long[]> kept = samples.computeIfAbsent(store, s -> new HashMap<>()).computeIfAbsent(partition, p -> new ArrayDeque<>());
        kept.addLast(new long[] {nowMs, endOffset});
        while (kept.size() > 1 && kept.peekFirst()[0] < nowMs - historyMs) {
            kept.removeFirst();
        }
    }

    /**
     * The most a copy of {@code store}'s {@code partition} at changelog {@code position} can be behind at {@code nowMs},
     * in milliseconds; null when unknown.
     */
    synchronized Long boundMs(String store, int partition, long position, long nowMs) {
        Deque<long[]> kept = samples.getOrDefault(store, Map.of()).get(partition);
        if (kept == null) {
            return null;
        }
        for (Iterator<long[]> newestFirst = kept.descendingIterator(); newestFirst.hasNext(); ) {
            long[] sample = newestFirst.next();
            if (sample[1] <= position + slack) {
                return Math.max(0, nowMs - sample[0]);
            }
        }
        return null;
    }
}
