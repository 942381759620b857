package org.careflow.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.careflow.config.CommonConfig;
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
}
