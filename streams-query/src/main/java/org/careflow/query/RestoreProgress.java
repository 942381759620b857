package org.careflow.query;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Tracks the restoration of this instance's stores from their changelogs, per store and changelog partition:
 * how many records were to be restored, how many are, and whether it is done. Registered on the KafkaStreams
 * before it starts; read by {@code GET /admin/status}.
 */
public final class RestoreProgress implements StateRestoreListener {

    /** One store partition's restoration. {@code total} is the changelog range to restore (end minus start offset). */
    public record Entry(String store, String changelog, int partition, long startOffset, long endOffset, long restored, boolean done) {
        public long total() {
            return Math.max(0, endOffset - startOffset);
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        entries.put(key(partition, storeName), new Entry(storeName, partition.topic(), partition.partition(), startingOffset, endingOffset, 0, false));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        entries.computeIfPresent(key(partition, storeName),
            (k, e) -> new Entry(e.store(), e.changelog(), e.partition(), e.startOffset(), e.endOffset(), e.restored() + numRestored, false));
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        entries.compute(key(partition, storeName), (k, e) -> e == null
            ? new Entry(storeName, partition.topic(), partition.partition(), 0, totalRestored, totalRestored, true)
            : new Entry(e.store(), e.changelog(), e.partition(), e.startOffset(), e.endOffset(), totalRestored, true));
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        // The task moved to another instance: its restoration is no longer this instance's to report.
        entries.remove(key(partition, storeName));
    }

    /** Every store partition restored or restoring since start, by store then partition. */
    public List<Entry> snapshot() {
        return entries.values().stream().sorted(Comparator.comparing(Entry::store).thenComparingInt(Entry::partition)).toList();
    }

    private static String key(TopicPartition partition, String store) {
        return store + "/" + partition;
    }
}
