package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.CommonConfig;
import org.junit.jupiter.api.Test;

/** The dispatcher's own settings: what it refuses at start-up, and the defaults that keep an upgrade's progress. */
class DispatcherConfigTest {

    private static Map<String, Object> sendable() {
        Map<String, Object> props = new HashMap<>();
        props.put(DispatcherConfig.WHATSAPP_PHONE_NUMBER_ID_CONFIG, "123");
        props.put(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG, "secret-token");
        return props;
    }

    @Test
    void shouldNameTheKeyWhenTheAccessTokenIsMissing() {
        Map<String, Object> props = sendable();
        props.remove(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG);
        assertThatThrownBy(() -> new DispatcherConfig(props)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG).hasMessageContaining("CAREFLOW_WHATSAPP_ACCESS_TOKEN");
    }

    @Test
    void shouldRefuseMaxBackoffWhenBelowTheInitialOne() {
        Map<String, Object> props = sendable();
        props.put(DispatcherConfig.BACKOFF_INITIAL_MS_CONFIG, 5_000L);
        props.put(DispatcherConfig.BACKOFF_MAX_MS_CONFIG, 1_000L);
        assertThatThrownBy(() -> new DispatcherConfig(props)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(DispatcherConfig.BACKOFF_MAX_MS_CONFIG).hasMessageContaining("must be at least");
    }

    @Test
    void shouldResumeTheGroupItUsedInsideStreamsNotificationsWhenNoGroupIsSet() {
        assertThat(new DispatcherConfig(sendable()).groupId()).isEqualTo("careflow-notifications-dispatcher");
    }

    @Test
    void shouldRequireWhatsAppCredentials() {
        assertThatThrownBy(() -> new DispatcherConfig(Map.of()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(DispatcherConfig.WHATSAPP_PHONE_NUMBER_ID_CONFIG);
    }

    @Test
    void shouldHideTheTokenWhenSettingsArePrinted() {
        Map<String, Object> props = sendable();
        props.put(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG, "token");
        assertThat(new DispatcherConfig(props).dispatcherSettings().toString()).doesNotContain("token=token").contains("[hidden]");
        assertThat(new DispatcherConfig(sendable()).dispatcherSettings().toString()).doesNotContain("secret-token");
    }

    @Test
    void shouldBuildSmtpSettingsOnlyWhenAHostIsGiven() {
        assertThat(new DispatcherConfig(sendable()).smtpSettings()).isNull();

        Map<String, Object> props = sendable();
        props.put(DispatcherConfig.SMTP_HOST_CONFIG, "smtp.example.org");
        props.put(DispatcherConfig.SMTP_FROM_CONFIG, "careflow@example.org");
        assertThat(new DispatcherConfig(props).smtpSettings().host()).isEqualTo("smtp.example.org");

        props.put(DispatcherConfig.SMTP_FROM_CONFIG, "");
        assertThatThrownBy(() -> new DispatcherConfig(props)).isInstanceOf(ConfigException.class).hasMessageContaining("smtp");
    }

    @Test
    void shouldSendToAnAllowListedWebhookHostWhenConfigured() {
        Map<String, Object> props = sendable();
        assertThat(new DispatcherConfig(props).dispatcherSettings().webhookRule().allowListed("127.0.0.1")).isFalse();
        props.put(DispatcherConfig.ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG, "127.0.0.1");
        assertThat(new DispatcherConfig(props).dispatcherSettings().webhookRule().allowListed("127.0.0.1")).isTrue();
    }

    @Test
    void shouldGiveTheDispatcherClientsTheKafkaSecuritySettings() {
        // Given
        Map<String, Object> settings = sendable();
        settings.put(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        settings.put(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "PLAIN");
        settings.put(CommonConfig.KAFKA_SASL_JAAS_CONFIG,
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";");

        // When
        Map<String, Object> props = new DispatcherConfig(settings).kafkaClientConfig();

        // Then
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
            .containsKeys("sasl.jaas.config", "bootstrap.servers");
    }
}
