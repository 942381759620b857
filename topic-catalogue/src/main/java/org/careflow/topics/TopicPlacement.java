package org.careflow.topics;

import java.util.OptionalInt;

/**
 * Where a record of a catalogue topic goes, for the topics whose partition is not Kafka's built-in partitioner of the
 * whole key: today {@link Topics#PROVIDER_SCHEDULES}, keyed by provider and facility but partitioned by the provider
 * ({@link ProviderScheduleKeys}). Every writer that chooses partitions (the ingest API's publisher, the ops command
 * that refills a topic after growing it) asks here, so the rule lives in one place.
 */
public final class TopicPlacement {

    private TopicPlacement() {
    }

    /** The partition of {@code key}'s record among {@code numPartitions} of {@code topic}; empty when the built-in partitioner decides. */
    public static OptionalInt partition(String topic, String key, int numPartitions) {
        if (key != null && Topics.PROVIDER_SCHEDULES.name().equals(topic)) {
            return OptionalInt.of(ProviderScheduleKeys.partition(ProviderScheduleKeys.providerOf(key), numPartitions));
        }
        return OptionalInt.empty();
    }
}
