package org.careflow.query;

import org.careflow.http.Readiness;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.careflow.http.health.DependencyHealth;

/**
 * Readiness of a Kafka Streams app: ready only when the client is {@code RUNNING} and every store of the topology is
 * queryable here. A store counts as queryable when each of this instance's active tasks holding it has it open and
 * serving (not restoring): a store whose partitions are all active elsewhere has nothing this instance must answer
 * (reads for its keys are forwarded to their owner), so it never holds readiness back. Global stores, which every
 * instance holds whole, must always be open. Standby copies are not required: they serve only stale reads.
 */
public final class StreamsReadiness implements Readiness.Check {

    private final Supplier<KafkaStreams> streams;
    private final DependencyHealth dependencies;
    private final Map<Integer, Set<String>> storesBySubtopology;
    private final Set<String> globalStores;

    /**
     * @param streams yields the stream processor, or null before it exists (not ready)
     */
    public StreamsReadiness(Supplier<KafkaStreams> streams, Topology topology) {
        this(streams, topology, new DependencyHealth());
    }

    /**
     * @param streams yields the stream processor, or null before it exists (not ready)
     * @param dependencies what processing found down (the schema registry): not ready while any is
     */
    public StreamsReadiness(Supplier<KafkaStreams> streams, Topology topology, DependencyHealth dependencies) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
        TopologyDescription description = topology.describe();
        Map<Integer, Set<String>> bySubtopology = new HashMap<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            Set<String> stores = new TreeSet<>();
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
            if (!stores.isEmpty()) {
                bySubtopology.put(sub.id(), stores);
            }
        }
        Set<String> global = new TreeSet<>();
        description.globalStores().forEach(g -> global.addAll(g.processor().stores()));
        this.storesBySubtopology = Map.copyOf(bySubtopology);
        this.globalStores = Set.copyOf(global);
    }

    @Override
    public Readiness check() {
        KafkaStreams kafkaStreams = streams.get();
        if (kafkaStreams == null) {
            return Readiness.down(Map.of("state", "CREATED"));
        }
        KafkaStreams.State state = kafkaStreams.state();
        // A dependency processing waits for is named whatever the state (waiting on it, stream threads fail and rejoin).
        Map<String, String> down = dependencies.current();
        if (!down.isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", state.name());
            details.put("dependenciesDown", down);
            return Readiness.down(details);
        }
        if (state != KafkaStreams.State.RUNNING) {
            return Readiness.down(Map.of("state", state.name()));
        }
        List<String> notQueryable = notQueryableStores(kafkaStreams);
        // The state again: a rebalance that began while the stores were checked makes the answer moot.
        KafkaStreams.State after = kafkaStreams.state();
        if (after != KafkaStreams.State.RUNNING) {
            return Readiness.down(Map.of("state", after.name()));
        }
        if (!notQueryable.isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", state.name());
            details.put("storesNotQueryable", notQueryable);
            return Readiness.down(details);
        }
        return Readiness.up(Map.of("state", state.name()));
    }

    /** Stores this instance should serve but cannot yet, sorted by name. */
    List<String> notQueryableStores(KafkaStreams kafkaStreams) {
        Map<String, Integer> activeTasksByStore = new TreeMap<>();
        for (ThreadMetadata thread : kafkaStreams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                for (String store : storesBySubtopology.getOrDefault(task.taskId().subtopology(), Set.of())) {
                    activeTasksByStore.merge(store, 1, Integer::sum);
                }
            }
        }
        List<String> notQueryable = new ArrayList<>();
        for (String store : new TreeSet<>(globalStores)) {
            if (openStores(kafkaStreams, store) < 1) {
                notQueryable.add(store);
            }
        }
        activeTasksByStore.forEach((store, tasks) -> {
            // Only active, running tasks' stores are returned: one restoring partition leaves the count short.
            if (openStores(kafkaStreams, store) < tasks) {
                notQueryable.add(store);
            }
        });
        return notQueryable;
    }

    private static int openStores(KafkaStreams kafkaStreams, String store) {
        try {
            return kafkaStreams.store(StoreQueryParameters.fromNameAndType(store, AnyStore.INSTANCE)).size();
        } catch (InvalidStateStoreException e) {
            return 0;
        }
    }

    /** Accepts a store of any kind and lists the open copies at once: store types like keyValueStore() check nothing until read. */
    private static final class AnyStore implements QueryableStoreType<List<StateStore>> {
        static final AnyStore INSTANCE = new AnyStore();

        @Override
        public boolean accepts(StateStore stateStore) {
            return true;
        }

        @Override
        public List<StateStore> create(StateStoreProvider storeProvider, String storeName) {
            return storeProvider.stores(storeName, new QueryableStoreType<StateStore>() {
                @Override
                public boolean accepts(StateStore stateStore) {
                    return true;
                }

                /** Never called: {@code stores(...)} only lists the open stores this type accepts, it wraps none. */
                @Override
                public StateStore create(StateStoreProvider provider, String name) {
                    throw new UnsupportedOperationException("only listed");
                }
            });
        }
    }
}
