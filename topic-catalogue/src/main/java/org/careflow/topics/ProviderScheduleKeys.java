package org.careflow.topics;

import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Keys and partitions of {@link Topics#PROVIDER_SCHEDULES}. A provider belongs to the facility that publishes its
 * schedule, so the topic's key is the pair (providerId, facilityId): the topic is compacted, and two facilities using
 * the same provider id keep two records that compaction never merges (keyed by the provider alone, one facility's
 * schedule would replace the other's in the log, and a reprocess, after {@code ops scale-partitions} or a lost state
 * directory, would restore only one of them).
 *
 * <p>The record still goes to the partition of its provider, the one a record keyed by the provider id alone gets
 * from Kafka's built-in partitioner: streams-scheduling decides bookings for a provider in the task that holds its
 * schedule, and {@link Topics#BOOKING_REQUESTS} is keyed by the provider id. Every writer of the topic therefore sets
 * the partition with {@link #partition} (or {@link #partitioner()} in a streams app). A key of the provider id alone
 * is an earlier release's record: it is read as the schedule of the facility its value names, and lands in the same
 * partition as the new keys of that provider, so the two stay in order.
 */
public final class ProviderScheduleKeys {

    private static final CompositeKey KEY = CompositeKey.NUL;

    private ProviderScheduleKeys() {
    }

    /** The key of {@code facilityId}'s schedule for {@code providerId}. Ids never contain NUL (the ingest API's id pattern excludes it). */
    public static String of(String providerId, String facilityId) {
        Objects.requireNonNull(providerId, "providerId");
        Objects.requireNonNull(facilityId, "facilityId");
        return KEY.of(providerId, facilityId);
    }

    /** The provider a key names. */
    public static String providerOf(String key) {
        return KEY.first(key);
    }

    /** The facility a key names; empty for an earlier release's key, the provider id alone. */
    public static Optional<String> facilityOf(String key) {
        return KEY.afterFirst(key);
    }

    /**
     * The partition of {@code providerId}'s schedules among {@code numPartitions}: the one Kafka's built-in
     * partitioner gives a record keyed by the provider id (murmur2 of its UTF-8 bytes), as for booking requests.
     */
    public static int partition(String providerId, int numPartitions) {
        return CompositeKey.partitionOf(providerId, numPartitions);
    }

    /** {@link #partition} for a streams app's sink of the topic. */
    public static <V> StreamPartitioner<String, V> partitioner() {
        return KEY.byFirst();
    }
}
