package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSecurityTest {

    private static final ConfigDef DEF = StreamsAppConfig.define(new ConfigDef(), "careflow-test", 8089, true);
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" password=\"jaas-s3cret\";";
    private static final String TRUST_PASSWORD = "trust-s3cret";

    @TempDir
    Path dir;

    private Map<String, Object> saslSsl() throws IOException {
        Path truststore = Files.writeString(dir.resolve("kafka-trust.p12"), "not read by this test");
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        settings.put(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "SCRAM-SHA-512");
        settings.put(CommonConfig.KAFKA_SASL_JAAS_CONFIG, JAAS);
        settings.put(CommonConfig.KAFKA_SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
        settings.put(CommonConfig.KAFKA_SSL_TRUSTSTORE_PASSWORD_CONFIG, TRUST_PASSWORD);
        settings.put(CommonConfig.KAFKA_SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        return settings;
    }

    @Test
    void shouldPutSaslSslSettingsInTheClientMapUnderKafkasNames() throws IOException {
        // Given
        AbstractConfig config = new AbstractConfig(DEF, saslSsl(), false);

        // When
        Map<String, Object> props = CommonConfig.kafkaClientSecurity(config);

        // Then
        assertThat(props).containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
            .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
            .containsEntry(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, dir.resolve("kafka-trust.p12").toString())
            .containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12")
            .containsEntry(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https")
            .doesNotContainKey(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        assertThat(props.get(SaslConfigs.SASL_JAAS_CONFIG)).isEqualTo(new Password(JAAS));
        assertThat(props.get(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG)).isEqualTo(new Password(TRUST_PASSWORD));
    }

    @Test
    void shouldPassSaslSslSettingsToKafkaStreams() throws IOException {
        // Given
        AbstractConfig config = new AbstractConfig(DEF, saslSsl(), false);

        // When
        Properties props = StreamsAppConfig.streamsProperties(config, 8089, "test-dead-letters");
        StreamsConfig streams = new StreamsConfig(props);

        // Then: Kafka Streams hands these to its producers, consumers and admin client
        assertThat(streams.getString(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)).isEqualTo("SASL_SSL");
        for (Map<String, Object> client : java.util.List.of(streams.getProducerConfigs("client"),
                streams.getMainConsumerConfigs("group", "client", 0), streams.getAdminConfigs("client"))) {
            assertThat(client).containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
                .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
                .containsEntry(SaslConfigs.SASL_JAAS_CONFIG, new Password(JAAS))
                .containsEntry(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, dir.resolve("kafka-trust.p12").toString());
        }
    }

    @Test
    void shouldNotPrintPasswordsWhenConfigsArePrinted() throws IOException {
        // Given
        AbstractConfig config = new AbstractConfig(DEF, saslSsl(), false);

        // When
        String printed = config.values() + " " + CommonConfig.kafkaClientSecurity(config) + " "
            + StreamsAppConfig.streamsProperties(config, 8089, "dlq") + " "
            + new StreamsConfig(StreamsAppConfig.streamsProperties(config, 8089, "dlq")).values();

        // Then
        assertThat(printed).doesNotContain("jaas-s3cret").doesNotContain(TRUST_PASSWORD).contains("[hidden]");
    }

    @Test
    void shouldNameTheMechanismKeyWhenSaslIsOnWithoutOne() throws IOException {
        // Given
        Map<String, Object> settings = saslSsl();
        settings.remove(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG);
        AbstractConfig config = new AbstractConfig(DEF, settings, false);

        // When / Then
        assertThatThrownBy(() -> CommonConfig.kafkaClientSecurity(config))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG)
            .hasMessageContaining("SCRAM-SHA-512");
        assertThatThrownBy(() -> StreamsAppConfig.streamsProperties(config, 8089, "dlq"))
            .isInstanceOf(ConfigException.class).hasMessageContaining(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG);
    }

    @Test
    void shouldNameTheKeyWhenTheTruststoreFileIsMissing() throws IOException {
        // Given
        Map<String, Object> settings = saslSsl();
        settings.put(CommonConfig.KAFKA_SSL_TRUSTSTORE_LOCATION_CONFIG, dir.resolve("missing.p12").toString());
        AbstractConfig config = new AbstractConfig(DEF, settings, false);

        // When / Then
        assertThatThrownBy(() -> CommonConfig.kafkaClientSecurity(config))
            .isInstanceOf(ConfigException.class).hasMessageContaining(CommonConfig.KAFKA_SSL_TRUSTSTORE_LOCATION_CONFIG);
    }

    @Test
    void shouldRejectAnUnknownProtocolOrMechanismNamingTheKey() {
        assertThatThrownBy(() -> new AbstractConfig(DEF, Map.of(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "TLS"), false))
            .isInstanceOf(ConfigException.class).hasMessageContaining(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG);
        assertThatThrownBy(() -> new AbstractConfig(DEF, Map.of(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "GSSAPI"), false))
            .isInstanceOf(ConfigException.class).hasMessageContaining(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG);
    }

    @Test
    void shouldStayPlaintextWithoutSaslOrSslSettingsByDefault() {
        // When
        Map<String, Object> props = CommonConfig.kafkaClientSecurity(new AbstractConfig(DEF, Map.of(), false));

        // Then
        assertThat(props).containsOnlyKeys(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
            .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
    }
}
