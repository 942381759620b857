package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void shouldSendAtOnceWhenLingerIsNotSet() {
        assertThat(new IngestConfig(Map.of()).kafkaLinger()).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldReadLingerWhenSet() {
        assertThat(new IngestConfig(Map.of(IngestConfig.KAFKA_LINGER_MS_CONFIG, "5")).kafkaLinger()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void shouldNameTheKeyWhenLingerIsOutOfRange() {
        assertThatThrownBy(() -> new IngestConfig(Map.of(IngestConfig.KAFKA_LINGER_MS_CONFIG, "-1")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(IngestConfig.KAFKA_LINGER_MS_CONFIG);
        assertThatThrownBy(() -> new IngestConfig(Map.of(IngestConfig.KAFKA_LINGER_MS_CONFIG, String.valueOf(IngestConfig.MAX_KAFKA_LINGER_MS + 1))))
            .isInstanceOf(ConfigException.class).hasMessageContaining(IngestConfig.KAFKA_LINGER_MS_CONFIG);
    }
}
