package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.careflow.config.CommonConfig;
import org.careflow.security.AuthSettings;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    /** Authentication off: these tests are about the producer's settings, not about the gate's. */
    private static final Map<String, Object> NO_AUTH = Map.of(AuthSettings.AUTH_ENABLED_CONFIG, false);

    private static IngestConfig config(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(NO_AUTH);
        all.putAll(settings);
        return new IngestConfig(all);
    }

    @Test
    void shouldNameTheClosestKeyWhenAKeyIsMisspelt() {
        assertThatThrownBy(() -> config(Map.of("kafka.lingr.ms", "5")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'kafka.lingr.ms'").hasMessageContaining("did you mean '" + IngestConfig.KAFKA_LINGER_MS_CONFIG + "'?");
    }

    @Test
    void shouldSendAtOnceWhenLingerIsNotSet() {
        assertThat(config(Map.of()).kafkaLinger()).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldReadLingerWhenSet() {
        assertThat(config(Map.of(IngestConfig.KAFKA_LINGER_MS_CONFIG, "5")).kafkaLinger()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void shouldRefuseToStartWithAuthenticationOnButNoKeysSayingHowToFixIt() {
        assertThatThrownBy(() -> new IngestConfig(Map.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining(AuthSettings.JWT_JWKS_URL_CONFIG).hasMessageContaining("auth.enabled=false");
    }

    @Test
    void shouldNameTheKeyWhenLingerIsOutOfRange() {
        assertThatThrownBy(() -> config(Map.of(IngestConfig.KAFKA_LINGER_MS_CONFIG, "-1")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(IngestConfig.KAFKA_LINGER_MS_CONFIG);
        assertThatThrownBy(() -> config(Map.of(IngestConfig.KAFKA_LINGER_MS_CONFIG, String.valueOf(IngestConfig.MAX_KAFKA_LINGER_MS + 1))))
            .isInstanceOf(ConfigException.class).hasMessageContaining(IngestConfig.KAFKA_LINGER_MS_CONFIG);
    }

    @Test
    void shouldGiveTheProducerTheKafkaSecuritySettings() {
        // Given
        IngestConfig config = config(Map.of(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "PLAIN",
            CommonConfig.KAFKA_SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"));

        // When
        Map<String, Object> props = EventPublisher.producerConfig(config, Map.of());

        // Then
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
            .containsEntry("acks", "all");
        assertThat(props.get("sasl.jaas.config")).isInstanceOf(Password.class);
        assertThat(props.toString()).doesNotContain("password=");
    }
}
