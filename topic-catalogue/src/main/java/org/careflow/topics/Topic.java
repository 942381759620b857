package org.careflow.topics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * One topic: its name, the types of its keys and values, its partition count and cleanup policy.
 * Serdes are bound at run time through {@link EventSerdes}, so a descriptor holds no mutable state.
 *
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Class<K> keyType, Class<V> valueType, int partitions, Cleanup cleanup) {

    /** How the broker reclaims space: delete old segments, or keep the latest value per key. */
    public enum Cleanup {
        DELETE(TopicConfig.CLEANUP_POLICY_DELETE),
        COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT);

        private final String policy;

        Cleanup(String policy) {
            this.policy = policy;
        }

        public String policy() {
            return policy;
        }
    }

    /** How long a dead-letter topic keeps its records (see {@link #deadLetters()}). */
    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(cleanup, "cleanup");
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic " + name + " needs at least one partition, got " + partitions);
        }
    }

    /** How a streams app reads this topic; {@code processorName} names the source node. */
    public Consumed<K, V> consumed(EventSerdes serdes, String processorName) {
        return Consumed.with(serdes.keySerde(this), serdes.valueSerde(this)).withName(processorName);
    }

    /** How a streams app writes this topic; {@code processorName} names the sink node. */
    public Produced<K, V> produced(EventSerdes serdes, String processorName) {
        return Produced.with(serdes.keySerde(this), serdes.valueSerde(this)).withName(processorName);
    }

    /** The topic as the admin client creates it, with a replication factor chosen by the cluster. */
    public NewTopic newTopic(short replicationFactor) {
        Map<String, String> configs = new java.util.TreeMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup.policy());
        if (deadLetters()) {
            // Long enough for ops to find, read and replay them (./careflow dlq); the broker's default is 7 days.
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(DEAD_LETTER_RETENTION.toMillis()));
        }
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }

    /** Whether this is a dead-letter topic: records careflow could not read or gave up on, kept {@link #DEAD_LETTER_RETENTION}. */
    public boolean deadLetters() {
        return name.endsWith("-dead-letters");
    }

    /** The topic with another partition count, for deployments that size it differently. */
    public Topic<K, V> withPartitions(int count) {
        return new Topic<>(name, keyType, valueType, count, cleanup);
    }
}
