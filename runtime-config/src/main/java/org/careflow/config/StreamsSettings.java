package org.careflow.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The one place the Kafka Streams settings of a careflow app are assembled, from named fields.
 *
 * <p>The same settings are written in one of two forms: {@link #appConfig()}, the careflow configuration keys an app's
 * {@code XxxConfig} reads (what the launcher, the tests and the bench hand to an app in-process or write to a child
 * process's file), and {@link #streamsProperties()}, the Kafka Streams properties an app builds from its configuration
 * ({@link #from(AbstractConfig)}). Only fields that were set are written, so an unset field keeps the app's default.
 * Keeping both forms here means a new setting, or a caller's override, cannot reach one form and miss the other.
 */
public final class StreamsSettings {

    private final Map<String, Object> fields;

    private StreamsSettings(Builder builder) {
        this.fields = builder.fields;
    }

    /** An empty builder: every field unset. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding what {@code config} (defined with {@link StreamsAppConfig#define}) says, with the Kafka client
     * security and the registry login it resolves; the caller adds the bound HTTP port and the dead-letter topic.
     */
    public static Builder from(AbstractConfig config) {
        Builder builder = builder()
            .clientSecurity(CommonConfig.kafkaClientSecurity(config))
            .applicationId(config.getString(StreamsAppConfig.APPLICATION_ID_CONFIG))
            .bootstrapServers(String.join(",", config.getList(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG)))
            .stateDir(config.getString(StreamsAppConfig.STATE_DIR_CONFIG))
            .advertisedHost(config.getString(StreamsAppConfig.HTTP_ADVERTISED_HOST_CONFIG))
            .guarantee(config.values().containsKey(StreamsAppConfig.PROCESSING_GUARANTEE_CONFIG)
                ? config.getString(StreamsAppConfig.PROCESSING_GUARANTEE_CONFIG) : StreamsConfig.EXACTLY_ONCE_V2)
            .standbyReplicas(config.getInt(StreamsAppConfig.NUM_STANDBY_REPLICAS_CONFIG))
            .replicationFactor(config.getInt(StreamsAppConfig.INTERNAL_REPLICATION_FACTOR_CONFIG))
            .registry(config.getString(CommonConfig.REGISTRY_URL_CONFIG), config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG),
                CommonConfig.registryClientSecret(config))
            .cacheMaxBytes(config.getLong(StreamsAppConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
            .clientBufferMaxBytes(config.getLong(StreamsAppConfig.CLIENT_BUFFER_MAX_BYTES_CONFIG))
            .rocksDbMemory(config.getLong(StreamsAppConfig.ROCKSDB_MEMORY_BYTES_CONFIG),
                config.getInt(StreamsAppConfig.ROCKSDB_WRITE_BUFFER_PERCENT_CONFIG));
        // -1 keeps Kafka Streams' default for the guarantee.
        if (config.getLong(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG) >= 0) {
            builder.commitIntervalMs(config.getLong(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG));
        }
        return builder;
    }

    /**
     * The defaults, the careflow configuration keys of the set fields, then the overrides: what an app's config class reads. The
     * registry is never auto-registered into: the schemas are registered with the topics.
     */
    public Map<String, Object> appConfig() {
        Map<String, Object> out = new LinkedHashMap<>(defaults());
        copy(out, Field.BOOTSTRAP, CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG);
        if (fields.containsKey(Field.REGISTRY_URL.name())) {
            out.put(CommonConfig.REGISTRY_URL_CONFIG, fields.get(Field.REGISTRY_URL.name()));
            out.put(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG, false);
        }
        copy(out, Field.REGISTRY_CLIENT_ID, CommonConfig.REGISTRY_CLIENT_ID_CONFIG);
        copy(out, Field.REGISTRY_CLIENT_SECRET, CommonConfig.REGISTRY_CLIENT_SECRET_CONFIG);
        copy(out, Field.HTTP_HOST, CommonConfig.HTTP_HOST_CONFIG);
        copy(out, Field.HTTP_PORT, CommonConfig.HTTP_PORT_CONFIG);
        copy(out, Field.ADVERTISED_HOST, StreamsAppConfig.HTTP_ADVERTISED_HOST_CONFIG);
        copy(out, Field.APPLICATION_ID, StreamsAppConfig.APPLICATION_ID_CONFIG);
        copy(out, Field.STATE_DIR, StreamsAppConfig.STATE_DIR_CONFIG);
        copy(out, Field.GUARANTEE, StreamsAppConfig.PROCESSING_GUARANTEE_CONFIG);
        copy(out, Field.COMMIT_INTERVAL_MS, StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG);
        copy(out, Field.STANDBYS, StreamsAppConfig.NUM_STANDBY_REPLICAS_CONFIG);
        copy(out, Field.REPLICATION_FACTOR, StreamsAppConfig.INTERNAL_REPLICATION_FACTOR_CONFIG);
        copy(out, Field.CACHE_MAX_BYTES, StreamsAppConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);
        copy(out, Field.CLIENT_BUFFER_MAX_BYTES, StreamsAppConfig.CLIENT_BUFFER_MAX_BYTES_CONFIG);
        copy(out, Field.ROCKSDB_MEMORY_BYTES, StreamsAppConfig.ROCKSDB_MEMORY_BYTES_CONFIG);
        copy(out, Field.ROCKSDB_WRITE_BUFFER_PERCENT, StreamsAppConfig.ROCKSDB_WRITE_BUFFER_PERCENT_CONFIG);
        out.putAll(overrides());
        return out;
    }

    /**
     * The defaults, the Kafka Streams properties of the set fields, then the overrides: client security, identity, where this instance
     * answers queries ({@code application.server} from the advertised host and the HTTP port), the dead-letter handlers
     * when a dead-letter topic is set, the registry the serdes read, and the commit, cache and RocksDB budget settings.
     */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.putAll(defaults());
        // Kafka Streams passes these on to its producers, consumers and admin client.
        props.putAll(clientSecurity());
        put(props, Field.APPLICATION_ID, StreamsConfig.APPLICATION_ID_CONFIG);
        put(props, Field.BOOTSTRAP, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        put(props, Field.STATE_DIR, StreamsConfig.STATE_DIR_CONFIG);
        if (fields.containsKey(Field.ADVERTISED_HOST.name()) && fields.containsKey(Field.HTTP_PORT.name())) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, fields.get(Field.ADVERTISED_HOST.name()) + ":" + fields.get(Field.HTTP_PORT.name()));
        }
        put(props, Field.GUARANTEE, StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        put(props, Field.STANDBYS, StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
        put(props, Field.REPLICATION_FACTOR, StreamsConfig.REPLICATION_FACTOR_CONFIG);
        if (fields.containsKey(Field.DEAD_LETTER_TOPIC.name())) {
            // A record that cannot be read or processed goes to the dead-letter topic, with the reason in its headers.
            props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
            props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
            props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
            props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, fields.get(Field.DEAD_LETTER_TOPIC.name()));
        }
        // Where the serdes read schemas, and as whom: a record unreadable while the registry does not serve the app is
        // read again, not dead-lettered (the app's deserialization handler asks the registry, see StreamsHttpApp).
        put(props, Field.REGISTRY_URL, StreamsAppConfig.REGISTRY_URL_PROPERTY);
        put(props, Field.REGISTRY_CLIENT_ID, StreamsAppConfig.REGISTRY_CLIENT_ID_PROPERTY);
        put(props, Field.REGISTRY_CLIENT_SECRET, StreamsAppConfig.REGISTRY_CLIENT_SECRET_PROPERTY);
        put(props, Field.COMMIT_INTERVAL_MS, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        put(props, Field.CACHE_MAX_BYTES, StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);
        Object clientBuffer = fields.get(Field.CLIENT_BUFFER_MAX_BYTES.name());
        if (clientBuffer != null) {
            long bytes = Long.parseLong(clientBuffer.toString());
            // Each consumer (main, restore, global) keeps what it fetched for a partition until the partition is drained, and
            // Kafka Streams drains a paused partition (its queue full) only as it processes it: with dozens of partitions
            // the buffered fetches add up to partitions x max.partition.fetch.bytes, whatever fetch.max.bytes says. So
            // both are bounded; the producer's batches too.
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG),
                (int) Math.min(bytes, ConsumerConfig.DEFAULT_FETCH_MAX_BYTES));
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), partitionFetchBytes(bytes));
            props.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), bytes);
        }
        // When a budget is set, every store of the process shares it.
        Object budget = fields.get(Field.ROCKSDB_MEMORY_BYTES.name());
        if (budget != null && Long.parseLong(budget.toString()) > 0) {
            props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
            props.put(BoundedMemoryRocksDbConfig.MEMORY_BYTES, budget);
            put(props, Field.ROCKSDB_WRITE_BUFFER_PERCENT, BoundedMemoryRocksDbConfig.WRITE_BUFFER_PERCENT);
        }
        props.putAll(overrides());
        return props;
    }

    /**
     * A partition's share of one fetch: {@code clientBufferBytes / 32}, between 64 KiB and Kafka's default (1 MiB). A record
     * batch larger than that is still fetched whole, so this bounds memory without ever stopping a partition.
     */
    static int partitionFetchBytes(long clientBufferBytes) {
        return (int) Math.max(PARTITION_FETCH_FLOOR_BYTES, Math.min(ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES, clientBufferBytes / 32));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> clientSecurity() {
        return (Map<String, Object>) fields.getOrDefault(Field.CLIENT_SECURITY.name(), Map.of());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> overrides() {
        return (Map<String, Object>) fields.getOrDefault(Field.OVERRIDES.name(), Map.of());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> defaults() {
        return (Map<String, Object>) fields.getOrDefault(Field.DEFAULTS.name(), Map.of());
    }

    private void copy(Map<String, Object> out, Field field, String key) {
        if (fields.containsKey(field.name())) {
            out.put(key, fields.get(field.name()));
        }
    }

    private void put(Properties props, Field field, String key) {
        if (fields.containsKey(field.name())) {
            props.put(key, fields.get(field.name()));
        }
    }

    private static final long PARTITION_FETCH_FLOOR_BYTES = 64 * 1024;

    private enum Field {
        APPLICATION_ID, BOOTSTRAP, REGISTRY_URL, REGISTRY_CLIENT_ID, REGISTRY_CLIENT_SECRET, HTTP_HOST, HTTP_PORT, ADVERTISED_HOST,
        STATE_DIR, GUARANTEE, COMMIT_INTERVAL_MS, STANDBYS, REPLICATION_FACTOR, CACHE_MAX_BYTES, CLIENT_BUFFER_MAX_BYTES, ROCKSDB_MEMORY_BYTES,
        ROCKSDB_WRITE_BUFFER_PERCENT, DEAD_LETTER_TOPIC, CLIENT_SECURITY, DEFAULTS, OVERRIDES
    }

    /** Named fields; each setter replaces what was set before. */
    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();
        private final Map<String, Object> overrides = new LinkedHashMap<>();
        private final Map<String, Object> defaults = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder set(Field field, Object value) {
            fields.put(field.name(), Objects.requireNonNull(value, field.name()));
            return this;
        }

        /** {@code application.id}: instances with the same id share the work and the stores. */
        public Builder applicationId(String value) {
            return set(Field.APPLICATION_ID, value);
        }

        /** The brokers, comma-separated. */
        public Builder bootstrapServers(String value) {
            return set(Field.BOOTSTRAP, value);
        }

        /** The registry the serdes read schemas from, without a login. */
        public Builder registry(String url) {
            return set(Field.REGISTRY_URL, url);
        }

        /** The registry the serdes read schemas from, and the app's login to it (empty id and secret: none). */
        public Builder registry(String url, String clientId, String clientSecret) {
            return set(Field.REGISTRY_URL, url).set(Field.REGISTRY_CLIENT_ID, clientId).set(Field.REGISTRY_CLIENT_SECRET, clientSecret);
        }

        /** The interface and port the app's HTTP server binds (port 0: any free one). */
        public Builder http(String host, int port) {
            return set(Field.HTTP_HOST, host).httpPort(port);
        }

        /** The port the app's HTTP server really bound: with the advertised host it becomes {@code application.server}. */
        public Builder httpPort(int port) {
            return set(Field.HTTP_PORT, port);
        }

        /** The host other instances reach this one at, for forwarded queries. */
        public Builder advertisedHost(String value) {
            return set(Field.ADVERTISED_HOST, value);
        }

        public Builder stateDir(Path value) {
            return stateDir(value.toString());
        }

        public Builder stateDir(String value) {
            return set(Field.STATE_DIR, value);
        }

        /** {@code exactly_once_v2} or {@code at_least_once}. */
        public Builder guarantee(String value) {
            return set(Field.GUARANTEE, value);
        }

        public Builder commitIntervalMs(long value) {
            return set(Field.COMMIT_INTERVAL_MS, value);
        }

        public Builder standbyReplicas(int value) {
            return set(Field.STANDBYS, value);
        }

        /** Replication factor of changelog and repartition topics; -1 uses the broker's default. */
        public Builder replicationFactor(int value) {
            return set(Field.REPLICATION_FACTOR, value);
        }

        public Builder cacheMaxBytes(long value) {
            return set(Field.CACHE_MAX_BYTES, value);
        }

        /** Heap each Kafka client may fill with records: the most one fetch of each consumer returns, the producer's buffer. */
        public Builder clientBufferMaxBytes(long value) {
            return set(Field.CLIENT_BUFFER_MAX_BYTES, value);
        }

        /** The RocksDB budget every store of the process shares (0: unbounded), and the memtables' share of it. */
        public Builder rocksDbMemory(long bytes, int writeBufferPercent) {
            return set(Field.ROCKSDB_MEMORY_BYTES, bytes).set(Field.ROCKSDB_WRITE_BUFFER_PERCENT, writeBufferPercent);
        }

        /** Where unreadable or failing records go; sets the dead-letter handlers in the Kafka Streams form. */
        public Builder deadLetterTopic(String value) {
            return set(Field.DEAD_LETTER_TOPIC, value);
        }

        /** Kafka client security properties (security.protocol, sasl.*, ssl.*), for the Kafka Streams form. */
        public Builder clientSecurity(Map<String, Object> value) {
            return set(Field.CLIENT_SECURITY, Map.copyOf(value));
        }

        /** One more key of the written form, applied last (e.g. an app's own key, or a benchmark's setting). */
        public Builder override(String key, Object value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
            return this;
        }

        /**
         * Keys of the written form applied first, under every field and override: settings a user gave that the
         * caller's own fields take precedence over.
         */
        public Builder defaults(Map<String, ?> values) {
            values.forEach((k, v) -> defaults.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, k)));
            return this;
        }

        /** More keys of the written form, applied last in their order. */
        public Builder overrides(Map<String, ?> values) {
            values.forEach(this::override);
            return this;
        }

        public StreamsSettings build() {
            Builder copy = new Builder();
            copy.fields.putAll(fields);
            copy.fields.put(Field.OVERRIDES.name(), Map.copyOf(overrides));
            copy.fields.put(Field.DEFAULTS.name(), Map.copyOf(defaults));
            return new StreamsSettings(copy);
        }

        /** Shorthand for {@code build().appConfig()}. */
        public Map<String, Object> appConfig() {
            return build().appConfig();
        }

        /** Shorthand for {@code build().streamsProperties()}. */
        public Properties streamsProperties() {
            return build().streamsProperties();
        }
    }
}
