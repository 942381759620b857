package org.careflow.topics;

import java.util.Objects;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The start every streams app's topology factory shares: its configuration and event serdes checked, an empty
 * {@link StreamsBuilder}, the partition counts of its {@link TopicLayout}, and its own key-value stores. Every careflow
 * store is persistent (RocksDB, with a changelog), keyed by a String, and holds a state record in the serde
 * {@link EventSerdes#internalValueSerde} gives its type; this is the one place that spells that out, so a factory
 * lists its stores by name and type only. Builds nothing by itself and does no I/O.
 */
public final class AppGraph {

    private final StreamsBuilder builder = new StreamsBuilder();
    private final AbstractConfig config;
    private final EventSerdes serdes;

    private AppGraph(AbstractConfig config, EventSerdes serdes) {
        this.config = Objects.requireNonNull(config, "config");
        this.serdes = Objects.requireNonNull(serdes, "serdes");
    }

    /** An empty graph of the app configured by {@code config}, whose events and stores use {@code serdes}. */
    public static AppGraph start(AbstractConfig config, EventSerdes serdes) {
        return new AppGraph(config, serdes);
    }

    /** The builder the factory adds its sources, processors and sinks to. */
    public StreamsBuilder builder() {
        return builder;
    }

    /** The partition count of {@code topic} in this app's layout ({@value TopicLayout#TOPIC_PARTITIONS_CONFIG}). */
    public int partitions(Topic<?, ?> topic) {
        return TopicLayout.from(config).partitions(topic);
    }

    /** A store of {@code stateType} records, written straight through (no record cache). */
    public <V> AppGraph keyValueStore(String name, Class<V> stateType) {
        builder.addStateStore(storeOf(name, stateType));
        return this;
    }

    /**
     * A store of {@code stateType} records behind the record cache ({@code statestore.cache.max.bytes}): a key written
     * again before the next commit costs one RocksDB write and one changelog record.
     */
    public <V> AppGraph cachedKeyValueStore(String name, Class<V> stateType) {
        builder.addStateStore(storeOf(name, stateType).withCachingEnabled());
        return this;
    }

    /** A store of plain String values (indexes whose value is an id). */
    public AppGraph stringStore(String name) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.String()));
        return this;
    }

    /** The topology built so far. */
    public Topology build() {
        return builder.build();
    }

    private <V> StoreBuilder<KeyValueStore<String, V>> storeOf(String name, Class<V> stateType) {
        // careflow's pinned format, which still reads what earlier versions wrote through the registry.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), serdes.stateSerde(stateType));
    }
}
