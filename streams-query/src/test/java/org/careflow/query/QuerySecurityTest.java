package org.careflow.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.CommonConfig;
import org.careflow.config.StreamsAppConfig;
import org.junit.jupiter.api.Test;

class QuerySecurityTest {

    @Test
    void shouldGiveTheAuditProducerTheKafkaSecuritySettings() {
        // Given
        AbstractConfig config = new AbstractConfig(CommonConfig.define(new ConfigDef(), 0), Map.of(
            CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG, "broker:9093",
            CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "SCRAM-SHA-256"), false);

        // When
        Map<String, Object> props = QuerySecurity.auditClientConfig(config);

        // Then
        assertThat(props).containsEntry("bootstrap.servers", "broker:9093").containsEntry("security.protocol", "SASL_PLAINTEXT")
            .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
    }

    @Test
    void shouldNameTheClusterSecretWhenAuthIsOnAndItIsMissingOrShort() {
        for (String secret : new String[] {"", "too-short"}) {
            // Given
            AbstractConfig config = new AbstractConfig(StreamsAppConfig.define(new ConfigDef(), "app", 0, false),
                Map.of(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG, secret), false);

            // When / Then
            assertThatThrownBy(() -> QuerySecurity.instanceCredentials(config, true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG).hasMessageNotContaining("too-short");
        }
    }

    @Test
    void shouldVerifyForwardingWhenASecretIsSetAndLeaveItUnverifiedOnlyWithoutAuthOrSecret() {
        AbstractConfig withSecret = new AbstractConfig(StreamsAppConfig.define(new ConfigDef(), "app", 0, false),
            Map.of(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG, "s".repeat(StreamsAppConfig.QUERY_FORWARD_SECRET_MIN_LENGTH)), false);
        AbstractConfig without = new AbstractConfig(StreamsAppConfig.define(new ConfigDef(), "app", 0, false), Map.of(), false);

        assertThat(QuerySecurity.instanceCredentials(withSecret, true).verifying()).isTrue();
        assertThat(QuerySecurity.instanceCredentials(withSecret, false).verifying()).isTrue();
        assertThat(QuerySecurity.instanceCredentials(without, false).verifying()).isFalse();
    }
}
