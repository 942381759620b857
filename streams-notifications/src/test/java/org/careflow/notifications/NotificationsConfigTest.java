package org.careflow.notifications;

import org.careflow.query.metrics.DeadLetterBacklog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.CommonConfig;
import org.careflow.events.notifications.Channel;
import org.junit.jupiter.api.Test;

class NotificationsConfigTest {

    @Test
    void shouldStartWithoutWhatsAppCredentialsWhenTheDispatcherRunsApart() {
        // The WhatsApp and SMTP settings belong to notifications-dispatcher (DispatcherConfigTest checks them there)
        assertThat(new NotificationsConfig(Map.of()).onCallContacts().forFacility("ward-1")).isEmpty();
        assertThat(NotificationsConfig.CONFIG.names()).doesNotContain("whatsapp.access.token", "smtp.host", "dispatcher.enabled");
    }

    @Test
    void shouldNameTheClosestKeyWhenAKeyIsMisspelt() {
        // Given: the reminder offsets misspelt, which would otherwise leave the defaults in force
        Map<String, Object> props = new HashMap<>();
        props.put("reminders.offset", "48h");

        // When / Then
        assertThatThrownBy(() -> new NotificationsConfig(props))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'reminders.offset'")
            .hasMessageContaining("did you mean '" + NotificationsConfig.REMINDER_OFFSETS_CONFIG + "'?");
    }

    @Test
    void shouldRefuseDefaultTimeZoneWhenItIsAFixedOffset() {
        Map<String, Object> props = new HashMap<>();
        props.put(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG, "+02:00");
        assertThatThrownBy(() -> new NotificationsConfig(props)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG).hasMessageContaining("fixed offset");

        props.put(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG, "UTC");
        assertThat(new NotificationsConfig(props).reminderPolicy().defaultZone()).isEqualTo(java.time.ZoneId.of("UTC"));
    }

    @Test
    void shouldNameTheKeyWhenTimeZoneOrOnCallContactIsWrong() {
        Map<String, Object> props = new HashMap<>();
        props.put(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG, "Mars/Olympus");
        assertThatThrownBy(() -> new NotificationsConfig(props)).hasMessageContaining(NotificationsConfig.DEFAULT_TIME_ZONE_CONFIG);

        Map<String, Object> contacts = new HashMap<>();
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
        Map<String, Object> contacts = new HashMap<>();
        contacts.put(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "*=http://127.0.0.1:9000/hook");
        assertThatThrownBy(() -> new NotificationsConfig(contacts)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(NotificationsConfig.ONCALL_CONTACTS_CONFIG).hasMessageContaining(NotificationsConfig.ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG);
        contacts.put(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "*=https://169.254.169.254/latest");
        assertThatThrownBy(() -> new NotificationsConfig(contacts)).isInstanceOf(ConfigException.class);

        contacts.put(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "*=http://127.0.0.1:9000/hook");
        contacts.put(NotificationsConfig.ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG, "127.0.0.1");
        NotificationsConfig config = new NotificationsConfig(contacts);
        assertThat(config.onCallContacts().forFacility("ward-9").orElseThrow().address()).isEqualTo("http://127.0.0.1:9000/hook");
        assertThat(config.onCallWebhookRule().allowListed("127.0.0.1")).isTrue();
    }

    @Test
    void shouldGiveTheDeadLetterWatchTheKafkaSecuritySettings() {
        // Given
        Map<String, Object> settings = new HashMap<>(Map.of(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "PLAIN",
            CommonConfig.KAFKA_SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"));

        // When
        // (the app's own dead letters are watched by StreamsHttpApp, from the app's Kafka Streams settings)
        Map<String, Object> props = DeadLetterBacklog.clientConfig(new NotificationsConfig(settings).streamsProperties(0));

        // Then
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
            .containsKeys("sasl.jaas.config", "bootstrap.servers");
    }
}
