package org.careflow.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.CommonConfig;
import org.careflow.events.notifications.Channel;
import org.junit.jupiter.api.Test;

class NotificationsConfigTest {

    private static Map<String, Object> dispatching() {
        Map<String, Object> props = new HashMap<>();
        props.put(NotificationsConfig.WHATSAPP_PHONE_NUMBER_ID_CONFIG, "100200300");
        props.put(NotificationsConfig.WHATSAPP_ACCESS_TOKEN_CONFIG, "token");
        return props;
    }

    @Test
    void shouldRequireWhatsAppCredentialsWhenDispatcherIsEnabled() {
        assertThatThrownBy(() -> new NotificationsConfig(Map.of()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(NotificationsConfig.WHATSAPP_PHONE_NUMBER_ID_CONFIG)
            .hasMessageContaining("dispatcher.enabled=false");
        assertThat(new NotificationsConfig(Map.of(NotificationsConfig.DISPATCHER_ENABLED_CONFIG, false)).dispatcherEnabled()).isFalse();
    }

    @Test
    void shouldNameTheClosestKeyWhenAKeyIsMisspelt() {
        // Given: the dispatcher's switch misspelt, which would otherwise leave it on
        Map<String, Object> props = dispatching();
        props.put("dispacher.enabled", false);

        // When / Then
        assertThatThrownBy(() -> new NotificationsConfig(props))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'dispacher.enabled'")
            .hasMessageContaining("did you mean '" + NotificationsConfig.DISPATCHER_ENABLED_CONFIG + "'?");
    }

    @Test
    void shouldHideTheTokenWhenSettingsArePrinted() {
        assertThat(new NotificationsConfig(dispatching()).dispatcherSettings().toString()).doesNotContain("token=token").contains("[hidden]");
    }

    @Test
    void shouldBuildSmtpSettingsOnlyWhenAHostIsGiven() {
        assertThat(new NotificationsConfig(dispatching()).smtpSettings()).isNull();

        Map<String, Object> props = dispatching();
        props.put(NotificationsConfig.SMTP_HOST_CONFIG, "smtp.example.org");
        props.put(NotificationsConfig.SMTP_FROM_CONFIG, "careflow@example.org");
        assertThat(new NotificationsConfig(props).smtpSettings().host()).isEqualTo("smtp.example.org");

        props.put(NotificationsConfig.SMTP_FROM_CONFIG, "");
        assertThatThrownBy(() -> new NotificationsConfig(props)).isInstanceOf(ConfigException.class).hasMessageContaining("smtp");
    }

    @Test
    void shouldRefuseDefaultTimeZoneWhenItIsAFixedOffset() {
        Map<String, Object> props = dispatching();
        props.put(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG, "+02:00");
        assertThatThrownBy(() -> new NotificationsConfig(props)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG).hasMessageContaining("fixed offset");

        props.put(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG, "UTC");
        assertThat(new NotificationsConfig(props).reminderPolicy().defaultZone()).isEqualTo(java.time.ZoneId.of("UTC"));
    }

    @Test
    void shouldNameTheKeyWhenTimeZoneOrOnCallContactIsWrong() {
        Map<String, Object> props = dispatching();
        props.put(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG, "Mars/Olympus");
        assertThatThrownBy(() -> new NotificationsConfig(props)).hasMessageContaining(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG);

        Map<String, Object> contacts = dispatching();
        contacts.put(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "ward-7=pager");
        assertThatThrownBy(() -> new NotificationsConfig(contacts)).hasMessageContaining(NotificationsConfig.ONCALL_CONTACTS_CONFIG);

        contacts.put(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "ward-7=mailto:duty@example.org,*=https://pager.example.org/hook");
        NotificationsConfig config = new NotificationsConfig(contacts);
        assertThat(config.onCallContacts().forFacility("ward-7").orElseThrow().channel()).isEqualTo(Channel.EMAIL);
        assertThat(config.onCallContacts().forFacility("ward-9").orElseThrow().address()).isEqualTo("https://pager.example.org/hook");
    }

    @Test
    void shouldRefuseAnOperatorDefaultWebhookThatIsNotAPublicHttpsUrlUnlessItsHostIsAllowListed() {
        // Invariant: the operator's defaults obey the same webhook rule as facilities' own contacts
        Map<String, Object> contacts = dispatching();
        contacts.put(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "*=http://127.0.0.1:9000/hook");
        assertThatThrownBy(() -> new NotificationsConfig(contacts)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(NotificationsConfig.ONCALL_CONTACTS_CONFIG).hasMessageContaining(NotificationsConfig.ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG);
        contacts.put(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "*=https://169.254.169.254/latest");
        assertThatThrownBy(() -> new NotificationsConfig(contacts)).isInstanceOf(ConfigException.class);

        contacts.put(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "*=http://127.0.0.1:9000/hook");
        contacts.put(NotificationsConfig.ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG, "127.0.0.1");
        NotificationsConfig config = new NotificationsConfig(contacts);
        assertThat(config.onCallContacts().forFacility("ward-9").orElseThrow().address()).isEqualTo("http://127.0.0.1:9000/hook");
        assertThat(config.dispatcherSettings().webhookRule().allowListed("127.0.0.1")).isTrue();
    }

    @Test
    void shouldGiveTheDispatcherClientsTheKafkaSecuritySettings() {
        // Given
        Map<String, Object> settings = new HashMap<>(Map.of(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "PLAIN",
            CommonConfig.KAFKA_SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"));
        settings.put(NotificationsConfig.DISPATCHER_ENABLED_CONFIG, false);

        // When
        Map<String, Object> props = NotificationsApp.dispatcherClientConfig(new NotificationsConfig(settings));

        // Then
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
            .containsKeys("sasl.jaas.config", "bootstrap.servers");
    }
}
