package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    private static final ConfigDef DEF = StreamsAppConfig.define(new ConfigDef(), "careflow-test", 8089, true);

    /** A typical in-process app: what the launcher, the tests and the bench hand an app. */
    private static StreamsSettings.Builder typical() {
        return StreamsSettings.builder()
            .bootstrapServers("127.0.0.1:9092")
            .registry("http://127.0.0.1:8085/apis/registry/v3")
            .http("127.0.0.1", 0)
            .advertisedHost("127.0.0.1")
            .applicationId("careflow-triage-test")
            .stateDir("/var/lib/careflow/state")
            .guarantee(StreamsConfig.AT_LEAST_ONCE)
            .standbyReplicas(1)
            .override("auth.enabled", "false");
    }

    @Test
    void shouldWriteTheAppConfigurationKeysWhenBuiltForAnApp() {
        // When
        Map<String, Object> config = typical().appConfig();

        // Then: exactly these careflow keys, nothing the caller did not set
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        expected.put("registry.url", "http://127.0.0.1:8085/apis/registry/v3");
        expected.put("registry.auto.register", false);
        expected.put("http.host", "127.0.0.1");
        expected.put("http.port", 0);
        expected.put("http.advertised.host", "127.0.0.1");
        expected.put("application.id", "careflow-triage-test");
        expected.put("state.dir", "/var/lib/careflow/state");
        expected.put("processing.guarantee", "at_least_once");
        expected.put("num.standby.replicas", 1);
        expected.put("auth.enabled", "false");
        assertThat(config).containsExactlyEntriesOf(expected);
    }

    @Test
    void shouldBuildTheKafkaStreamsPropertiesWhenReadFromATypicalConfig() {
        // Given: the app configuration above, parsed as an app parses it (the auth key belongs to another module)
        Map<String, Object> settings = typical().appConfig();
        settings.remove("auth.enabled");
        settings.put(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        AbstractConfig config = new AbstractConfig(DEF, settings, false);

        // When
        Properties props = StreamsSettings.from(config).httpPort(8089).deadLetterTopic("triage-dead-letters").streamsProperties();

        // Then: pinned, key by key
        Map<Object, Object> expected = new LinkedHashMap<>();
        expected.put("security.protocol", "PLAINTEXT");
        expected.put(StreamsConfig.APPLICATION_ID_CONFIG, "careflow-triage-test");
        expected.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        expected.put(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/careflow/state");
        expected.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:8089");
        expected.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once");
        expected.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        expected.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        expected.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        expected.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        expected.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        expected.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "triage-dead-letters");
        expected.put(StreamsAppConfig.REGISTRY_URL_PROPERTY, "http://127.0.0.1:8085/apis/registry/v3");
        expected.put(StreamsAppConfig.REGISTRY_CLIENT_ID_PROPERTY, "");
        expected.put(StreamsAppConfig.REGISTRY_CLIENT_SECRET_PROPERTY, "");
        expected.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000L);
        expected.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, StreamsAppConfig.DEFAULT_STATESTORE_CACHE_MAX_BYTES);
        expected.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), (int) StreamsAppConfig.DEFAULT_CLIENT_BUFFER_MAX_BYTES);
        expected.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 256 * 1024);
        expected.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), StreamsAppConfig.DEFAULT_CLIENT_BUFFER_MAX_BYTES);
        expected.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
        expected.put(BoundedMemoryRocksDbConfig.MEMORY_BYTES, StreamsAppConfig.DEFAULT_ROCKSDB_MEMORY_BYTES);
        expected.put(BoundedMemoryRocksDbConfig.WRITE_BUFFER_PERCENT, 25);
        assertThat(props).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(StreamsAppConfig.streamsProperties(config, 8089, "triage-dead-letters")).isEqualTo(props);
    }

    @Test
    void shouldShareTheRocksDbBudgetWhenOneIsSet() {
        // When
        Properties props = StreamsSettings.builder().rocksDbMemory(64L << 20, 30).streamsProperties();

        // Then
        assertThat(props).containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class)
            .containsEntry(BoundedMemoryRocksDbConfig.MEMORY_BYTES, 64L << 20)
            .containsEntry(BoundedMemoryRocksDbConfig.WRITE_BUFFER_PERCENT, 30);
        assertThat(StreamsSettings.builder().rocksDbMemory(0, 30).streamsProperties())
            .doesNotContainKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
    }

    @Test
    void shouldApplyOverridesLastWhenTheyNameAFieldKey() {
        // When: a benchmark's own setting names a key a field also writes
        Map<String, Object> config = typical().override(StreamsAppConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2").appConfig();

        // Then
        assertThat(config).containsEntry(StreamsAppConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2");
    }

    @Test
    void shouldLetTheFieldsWinWhenADefaultNamesTheSameKey() {
        // When: a user's setting is given as a default and the caller sets the same key as a field
        Map<String, Object> config = typical().defaults(Map.of(StreamsAppConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2",
            StreamsAppConfig.ROCKSDB_MEMORY_BYTES_CONFIG, "1048576")).appConfig();

        // Then: the field wins, the other default stays
        assertThat(config).containsEntry(StreamsAppConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
            .containsEntry(StreamsAppConfig.ROCKSDB_MEMORY_BYTES_CONFIG, "1048576");
    }

    @Test
    void shouldGiveEachPartitionAThirtySecondOfTheClientBufferWithinBounds() {
        assertThat(StreamsSettings.partitionFetchBytes(8L << 20)).isEqualTo(256 * 1024);
        assertThat(StreamsSettings.partitionFetchBytes(1L << 20)).as("never below 64 KiB").isEqualTo(64 * 1024);
        assertThat(StreamsSettings.partitionFetchBytes(1L << 30)).as("never above Kafka's default")
            .isEqualTo(ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES);
    }
}
