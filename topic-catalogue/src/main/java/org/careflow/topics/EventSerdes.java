package org.careflow.topics;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Binds topic descriptors to serdes. Keys are strings; values are Avro records, written through the
 * schema registry in production ({@link RegistryEventSerdes}) and as plain Avro binary in topology tests
 * ({@link PlainAvroEventSerdes}).
 */
public interface EventSerdes {

    /** The serde for values of {@code topic}. */
    <V> Serde<V> valueSerde(Topic<?, V> topic);

    /**
     * The serde for Avro values of a store's changelog or a repartition topic. Those topics belong to one
     * app and are named after its application id, so their schemas are registered by the app itself.
     */
    <V> Serde<V> internalValueSerde(Class<V> type);

    /**
     * The serde for values of an app's own stores and repartition topics in careflow's pinned format
     * ({@link PinnedAvroSerde}): no registry on the hot path; what an earlier version wrote with
     * {@link #internalValueSerde} is still read.
     */
    default <V> Serde<V> stateSerde(Class<V> type) {
        return PinnedAvroSerde.of(type, internalValueSerde(type).deserializer());
    }

    /**
     * As {@link #stateSerde(Class)}, for a store or topic whose values were of {@code legacyType} in an earlier
     * version: those are read with {@link #internalValueSerde} and turned into {@code type} by {@code upgrade}.
     */
    default <V, L> Serde<V> stateSerde(Class<V> type, Class<L> legacyType, java.util.function.Function<L, V> upgrade) {
        return PinnedAvroSerde.of(type, internalValueSerde(legacyType).deserializer(), old -> upgrade.apply(legacyType.cast(old)));
    }

    /** The serde for keys of {@code topic}. */
    @SuppressWarnings("unchecked")
    default <K> Serde<K> keySerde(Topic<K, ?> topic) {
        if (topic.keyType() == String.class) {
            return (Serde<K>) Serdes.String();
        }
        if (topic.keyType() == byte[].class) {
            return (Serde<K>) Serdes.ByteArray();
        }
        throw new IllegalArgumentException("No key serde for " + topic.keyType().getName() + " on topic " + topic.name());
    }
}
