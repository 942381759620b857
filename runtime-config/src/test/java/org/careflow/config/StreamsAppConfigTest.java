package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsAppConfigTest {

    private static final ConfigDef DEF = StreamsAppConfig.define(new ConfigDef(), "careflow-test", 8089, true);

    private static Properties streamsProperties(Map<String, Object> settings) {
        return StreamsAppConfig.streamsProperties(new AbstractConfig(DEF, settings, false), 8089, "test-dead-letters");
    }

    @Test
    void shouldKeepKafkaCommitIntervalAndCacheWhenNothingIsSet() {
        // When
        Properties props = streamsProperties(Map.of());

        // Then
        assertThat(props).doesNotContainKey(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)
            .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, StreamsAppConfig.DEFAULT_STATESTORE_CACHE_MAX_BYTES);
    }

    @Test
    void shouldPassCommitIntervalAndCacheWhenSet() {
        // When
        Properties props = streamsProperties(Map.of(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG, "500",
            StreamsAppConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0"));

        // Then
        assertThat(props).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500L)
            .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    }

    @Test
    void shouldNameTheKeyWhenCommitIntervalOrCacheIsOutOfRange() {
        assertThatThrownBy(() -> streamsProperties(Map.of(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG, "-2")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG);
        assertThatThrownBy(() -> streamsProperties(Map.of(StreamsAppConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "-1")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(StreamsAppConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);
    }

    @Test
    void shouldRefuseTopicPartitionsWhenAnEntryIsNotNameAndCount() {
        // Given a well-formed layout, the key parses to its entries
        assertThat(new AbstractConfig(DEF, Map.of(StreamsAppConfig.TOPIC_PARTITIONS_CONFIG, "triage-submissions:12, audit-events:3"), false)
            .getList(StreamsAppConfig.TOPIC_PARTITIONS_CONFIG)).containsExactly("triage-submissions:12", "audit-events:3");

        // Then malformed entries and counts below 1 are refused, naming the key and the entry
        assertThatThrownBy(() -> new AbstractConfig(DEF, Map.of(StreamsAppConfig.TOPIC_PARTITIONS_CONFIG, "triage-submissions=12"), false))
            .isInstanceOf(ConfigException.class).hasMessageContaining("topic.partitions")
            .hasMessageContaining("'triage-submissions=12' is not topic-name:count");
        assertThatThrownBy(() -> new AbstractConfig(DEF, Map.of(StreamsAppConfig.TOPIC_PARTITIONS_CONFIG, "triage-submissions:0"), false))
            .isInstanceOf(ConfigException.class).hasMessageContaining("with a count of at least 1");
    }
}
