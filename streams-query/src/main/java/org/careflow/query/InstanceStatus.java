package org.careflow.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What only a running instance knows about itself, for {@code GET /admin/status} and {@code ./careflow ops status}:
 * its state, its threads' active and standby tasks, each local store partition's approximate size and lag behind its
 * changelog, and the restoration of its stores. Holds no keys or values: safe for the OPS endpoint class.
 */
public final class InstanceStatus {

    private final String app;
    private final String applicationId;
    private final String host;
    private final RestoreProgress restores;

    public InstanceStatus(String app, String applicationId, String host, RestoreProgress restores) {
        this.app = Objects.requireNonNull(app, "app");
        this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
        this.host = Objects.requireNonNull(host, "host");
        this.restores = Objects.requireNonNull(restores, "restores");
    }

    /** The instance's status as a JSON-ready map; {@code streams} null means it has not started yet. */
    public Map<String, Object> snapshot(KafkaStreams streams) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", app);
        out.put("applicationId", applicationId);
        out.put("host", host);
        out.put("state", streams == null ? "NOT_STARTED" : streams.state().name());
        List<Map<String, Object>> threads = new ArrayList<>();
        List<Map<String, Object>> stores = new ArrayList<>();
        if (streams != null) {
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("name", thread.threadName());
                t.put("state", thread.threadState());
                t.put("activeTasks", tasks(thread.activeTasks()));
                t.put("standbyTasks", tasks(thread.standbyTasks()));
                threads.add(t);
            }
            stores = stores(streams);
            // Every instance of the app, so that a tool given one instance finds the others.
            try {
                out.put("instances", streams.metadataForAllStreamsClients().stream()
                    .map(m -> m.hostInfo().host() + ":" + m.hostInfo().port()).sorted().toList());
            } catch (RuntimeException e) {
                out.put("instances", List.of());
            }
        }
        out.put("threads", threads);
        out.put("stores", stores);
        out.put("restores", restores.snapshot().stream().map(e -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("store", e.store());
            r.put("changelog", e.changelog());
            r.put("partition", e.partition());
            r.put("restored", e.restored());
            r.put("total", e.total());
            r.put("done", e.done());
            return r;
        }).toList());
        return out;
    }

    private static List<Map<String, Object>> tasks(java.util.Set<TaskMetadata> tasks) {
        return tasks.stream().sorted(java.util.Comparator.comparing(t -> t.taskId().toString())).map(task -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("taskId", task.taskId().toString());
            m.put("partitions", task.topicPartitions().stream().map(Object::toString).sorted().toList());
            return m;
        }).toList();
    }

    /** Every local store partition with a changelog: its lag (standbys and restoring actives) and approximate entries. */
    private static List<Map<String, Object>> stores(KafkaStreams streams) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Map<Integer, org.apache.kafka.streams.LagInfo>> lags;
        try {
            lags = streams.allLocalStorePartitionLags();
        } catch (RuntimeException e) {
            return out;
        }
        new java.util.TreeMap<>(lags).forEach((store, partitions) -> new java.util.TreeMap<>(partitions).forEach((partition, lag) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("store", store);
            s.put("partition", partition);
            s.put("approximateEntries", approximateEntries(streams, store, partition));
            s.put("offset", lag.currentOffsetPosition());
            s.put("endOffset", lag.endOffsetPosition());
            s.put("lag", lag.offsetLag());
            out.add(s);
        }));
        return out;
    }

    /** RocksDB's estimate for a key-value store partition; null for window stores or a store that is not open. */
    private static Long approximateEntries(KafkaStreams streams, String store, int partition) {
        try {
            ReadOnlyKeyValueStore<Object, Object> kv = streams.store(StoreQueryParameters
                .fromNameAndType(store, QueryableStoreTypes.keyValueStore()).withPartition(partition).enableStaleStores());
            return kv.approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return null;
        }
    }
}
