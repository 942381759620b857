package org.careflow.config;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

/** Keys every careflow Kafka Streams app shares, and the Kafka Streams settings built from them. */
public final class StreamsAppConfig {

    public static final String APPLICATION_ID_CONFIG = "application.id";
    private static final String APPLICATION_ID_DOC =
        "Kafka Streams application id: instances with the same id share the work and the stores. Changing it starts from scratch.";

    public static final String STATE_DIR_CONFIG = "state.dir";
    private static final String STATE_DIR_DOC = "Directory of the RocksDB stores; keep it on a persistent volume so restarts need no restore.";

    public static final String HTTP_ADVERTISED_HOST_CONFIG = "http.advertised.host";
    private static final String HTTP_ADVERTISED_HOST_DOC =
        "Host name other instances use to reach this one for interactive queries (with http.port it becomes application.server).";

    public static final String PROCESSING_GUARANTEE_CONFIG = "processing.guarantee";
    private static final String PROCESSING_GUARANTEE_DOC = "exactly_once_v2 (default) or at_least_once.";

    public static final String NUM_STANDBY_REPLICAS_CONFIG = "num.standby.replicas";
    private static final String NUM_STANDBY_REPLICAS_DOC = "Warm copies of each store on other instances, for fast fail-over.";

    public static final String INTERNAL_REPLICATION_FACTOR_CONFIG = "internal.replication.factor";
    private static final String INTERNAL_REPLICATION_FACTOR_DOC =
        "Replication factor of changelog and repartition topics; -1 uses the broker's default.replication.factor.";

    public static final String QUERY_FORWARD_TIMEOUT_MS_CONFIG = "query.forward.timeout.ms";
    private static final String QUERY_FORWARD_TIMEOUT_MS_DOC = "How long a query forwarded to the instance owning the key may take.";

    public static final String QUERY_FORWARD_SECRET_CONFIG = "query.forward.secret";
    private static final String QUERY_FORWARD_SECRET_DOC = "The cluster secret the instances of an app share: every request one "
        + "instance forwards to another carries an HMAC-SHA256 of its method, path, time and caller token made with it, and an "
        + "instance accepts forwarding headers (and records the forwarder in the audit) only with a valid one. At least 32 "
        + "characters, the same on every instance of the app, e.g. the output of openssl rand -base64 32. Required when auth.enabled is true; "
        + "./careflow up makes one per data directory. Never logged.";
    /** The least length of {@value #QUERY_FORWARD_SECRET_CONFIG}. */
    public static final int QUERY_FORWARD_SECRET_MIN_LENGTH = 32;

    public static final String QUERY_FORWARD_MAX_AGE_MS_CONFIG = "query.forward.max.age.ms";
    private static final String QUERY_FORWARD_MAX_AGE_MS_DOC = "How old (or how far ahead, for clocks that differ) a forwarded "
        + "request's instance credential may be; older ones are refused with 401. Keep it above the clock difference between "
        + "instances and above query.forward.timeout.ms.";

    public static final String ROCKSDB_MEMORY_BYTES_CONFIG = "rocksdb.memory.bytes";
    private static final String ROCKSDB_MEMORY_BYTES_DOC = "Off-heap memory all RocksDB stores of the process share: one block cache "
        + "(index and filter blocks included) that also accounts for the memtables; the JVM heap comes on top of it. The default "
        + "(128 MiB) is the RocksDB part of the 512 MiB budget the README recommends for a streams app; raise it with the heap's "
        + "container limit for large stores (the benchmark's memory scenario shows the effect). 0 leaves each store at RocksDB's "
        + "defaults, unbounded: with dozens of stores per instance that is several GiB.";
    /** The default RocksDB budget of a streams app: for a container of 1 GiB or more. */
    public static final long DEFAULT_ROCKSDB_MEMORY_BYTES = 128L * 1024 * 1024;
    /**
     * The RocksDB part of the recommended budget of a streams app in a 512 MiB container (docker-compose.yml), measured
     * with a million patients by the benchmark's memory scenario.
     */
    public static final long SMALL_CONTAINER_ROCKSDB_MEMORY_BYTES = 64L * 1024 * 1024;

    public static final String ROCKSDB_WRITE_BUFFER_PERCENT_CONFIG = "rocksdb.write.buffer.percent";
    private static final String ROCKSDB_WRITE_BUFFER_PERCENT_DOC = "Share of rocksdb.memory.bytes the stores' memtables may take.";

    public static final String COMMIT_INTERVAL_MS_CONFIG = "commit.interval.ms";
    private static final String COMMIT_INTERVAL_MS_DOC = "How often Kafka Streams commits (with exactly_once_v2: ends a transaction, "
        + "so results become readable downstream only then). -1 (the default) keeps Kafka Streams' default for the guarantee: "
        + "100 with exactly_once_v2, 30000 with at_least_once. Longer intervals cost fewer transactions and merge more "
        + "updates in the store caches, but delay what read_committed consumers see by up to the interval.";

    public static final String STATESTORE_CACHE_MAX_BYTES_CONFIG = "statestore.cache.max.bytes";
    private static final String STATESTORE_CACHE_MAX_BYTES_DOC = "Heap the cached stores of the process share for their record "
        + "caches: updates of one key between commits reach RocksDB and the changelog once, at the commit. 0 disables the caches.";
    /** Kafka Streams' own default of statestore.cache.max.bytes. */
    public static final long DEFAULT_STATESTORE_CACHE_MAX_BYTES = 10L * 1024 * 1024;

    public static final String CLIENT_BUFFER_MAX_BYTES_CONFIG = "client.buffer.max.bytes";
    private static final String CLIENT_BUFFER_MAX_BYTES_DOC = "Heap each Kafka client of the process may fill with records: "
        + "the most one fetch of each consumer (main, restore, global) may return, a thirty-second of it per partition "
        + "(64 KiB to 1 MiB), and the producer's buffer. Kafka's own defaults (50 MiB a fetch, 1 MiB per partition kept "
        + "until the partition is drained, 32 MiB for the producer) add up to more than a small container's whole heap while an "
        + "app catches up on a backlog (after an outage, or a new instance loading its state): it would run out of heap "
        + "and restart over and over without getting through it.";
    /** Enough for a stream thread never to wait for input or output here, far below a small container's heap. */
    public static final long DEFAULT_CLIENT_BUFFER_MAX_BYTES = 8L * 1024 * 1024;

    /** Parsed and checked against the catalogue by {@code org.careflow.topics.TopicLayout}, which holds its documentation. */
    public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partition counts of catalogue topics that differ from the catalogue's "
        + "default (6 for event topics), as topic-name:count pairs separated by commas, e.g. triage-submissions:12. Topic "
        + "creation (./careflow up, ./careflow ops create-topics) applies it and every streams app sizes its repartition "
        + "topics from it, so give every app and the topic creation the same value. Unknown topics and counts below 1 are "
        + "refused, and so are unequal counts for topics an app reads co-partitioned (the error names them). It only "
        + "applies when topics are created: change an existing topic with ./careflow ops scale-partitions.";

    private StreamsAppConfig() {
    }

    /** Adds the shared keys (and {@link CommonConfig}'s) to {@code def}, with the app's defaults. */
    public static ConfigDef define(ConfigDef def, String defaultApplicationId, int defaultHttpPort, boolean guaranteeConfigurable) {
        CommonConfig.define(def, defaultHttpPort)
            .define(APPLICATION_ID_CONFIG, Type.STRING, defaultApplicationId, new ConfigDef.NonEmptyString(), Importance.HIGH, APPLICATION_ID_DOC)
            .define(STATE_DIR_CONFIG, Type.STRING, "data/" + defaultApplicationId, new ConfigDef.NonEmptyString(), Importance.HIGH, STATE_DIR_DOC)
            .define(HTTP_ADVERTISED_HOST_CONFIG, Type.STRING, "localhost", new ConfigDef.NonEmptyString(), Importance.HIGH, HTTP_ADVERTISED_HOST_DOC)
            .define(NUM_STANDBY_REPLICAS_CONFIG, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.MEDIUM, NUM_STANDBY_REPLICAS_DOC)
            .define(INTERNAL_REPLICATION_FACTOR_CONFIG, Type.INT, -1, ConfigDef.Range.between(-1, 10), Importance.MEDIUM,
                INTERNAL_REPLICATION_FACTOR_DOC)
            .define(QUERY_FORWARD_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.between(100L, 60_000L), Importance.LOW,
                QUERY_FORWARD_TIMEOUT_MS_DOC)
            .define(QUERY_FORWARD_SECRET_CONFIG, Type.PASSWORD, "", Importance.HIGH, QUERY_FORWARD_SECRET_DOC)
            .define(QUERY_FORWARD_MAX_AGE_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(1_000L, 300_000L), Importance.LOW,
                QUERY_FORWARD_MAX_AGE_MS_DOC)
            .define(ROCKSDB_MEMORY_BYTES_CONFIG, Type.LONG, DEFAULT_ROCKSDB_MEMORY_BYTES, ConfigDef.Range.between(0L, 64L << 30),
                Importance.MEDIUM, ROCKSDB_MEMORY_BYTES_DOC)
            .define(ROCKSDB_WRITE_BUFFER_PERCENT_CONFIG, Type.INT, 25, ConfigDef.Range.between(5, 75), Importance.LOW,
                ROCKSDB_WRITE_BUFFER_PERCENT_DOC)
            .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, -1L, ConfigDef.Range.between(-1L, 600_000L), Importance.LOW,
                COMMIT_INTERVAL_MS_DOC)
            .define(STATESTORE_CACHE_MAX_BYTES_CONFIG, Type.LONG, DEFAULT_STATESTORE_CACHE_MAX_BYTES, ConfigDef.Range.between(0L, 16L << 30),
                Importance.LOW, STATESTORE_CACHE_MAX_BYTES_DOC)
            .define(CLIENT_BUFFER_MAX_BYTES_CONFIG, Type.LONG, DEFAULT_CLIENT_BUFFER_MAX_BYTES, ConfigDef.Range.between(1L << 20, 1L << 30),
                Importance.LOW, CLIENT_BUFFER_MAX_BYTES_DOC)
            .define(TOPIC_PARTITIONS_CONFIG, Type.LIST, "", new TopicPartitionsSyntax(), Importance.MEDIUM, TOPIC_PARTITIONS_DOC);
        if (guaranteeConfigurable) {
            def.define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, StreamsConfig.EXACTLY_ONCE_V2,
                ConfigDef.ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE), Importance.MEDIUM, PROCESSING_GUARANTEE_DOC);
        }
        return def;
    }

    public static Duration queryForwardTimeout(AbstractConfig config) {
        return Duration.ofMillis(config.getLong(QUERY_FORWARD_TIMEOUT_MS_CONFIG));
    }

    /** The Kafka Streams properties carrying the registry the app's serdes use, and its login (read by StreamsHttpApp). */
    public static final String REGISTRY_URL_PROPERTY = "careflow.registry.url";
    public static final String REGISTRY_CLIENT_ID_PROPERTY = "careflow.registry.client.id";
    public static final String REGISTRY_CLIENT_SECRET_PROPERTY = "careflow.registry.client.secret";

    /**
     * The Kafka Streams settings, with this instance reachable for queries at {@code httpPort} (the port the
     * HTTP server really bound) and unreadable or failing records sent to {@code deadLetterTopic}.
     */
    public static Properties streamsProperties(AbstractConfig config, int httpPort, String deadLetterTopic) {
        return StreamsSettings.from(config).httpPort(httpPort).deadLetterTopic(deadLetterTopic).streamsProperties();
    }

    /** Checks the form of topic.partitions entries (name:count, count at least 1); the catalogue checks the names. */
    static final class TopicPartitionsSyntax implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof java.util.List<?> entries)) {
                return;
            }
            for (Object entry : entries) {
                String text = entry.toString().trim();
                int colon = text.lastIndexOf(':');
                boolean valid = colon > 0 && text.substring(colon + 1).trim().matches("\\d{1,6}")
                    && Integer.parseInt(text.substring(colon + 1).trim()) >= 1;
                if (!text.isEmpty() && !valid) {
                    throw new org.apache.kafka.common.config.ConfigException(name, value,
                        "'" + text + "' is not topic-name:count with a count of at least 1 (e.g. triage-submissions:12)");
                }
            }
        }

        @Override
        public String toString() {
            return "topic-name:count pairs, count at least 1";
        }
    }
}
