package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.careflow.config.CommonConfig;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.PatientContact;
import org.careflow.ingest.notifications.WhatsAppWebhook;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topic;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Patient contacts and the WhatsApp webhook through the ingest API, against a real KRaft broker and the real Apicurio
 * registry: schemas are registered up front and the API's producer runs with registration off.
 */
@Tag("integration")
class NotificationsIngestIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String APP_SECRET = "it-app-secret";
    private static final String VERIFY_TOKEN = "it-verify-token";

    @TempDir
    static Path dir;
    private static PlatformFixture platform;
    private static IngestApp app;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startPlatform() {
        platform = PlatformFixture.catalogue(dir);
        TestFacilities.publish(platform.bootstrapServers(), platform.registryUrl());
        Map<String, Object> props = CommonConfig.connection(platform.bootstrapServers(), platform.registryUrl(), "127.0.0.1", 0);
        // Not a security test: the routes' checks pass with authentication off.
        props.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
        props.put(IngestConfig.KAFKA_ACK_TIMEOUT_MS_CONFIG, 10_000L);
        props.put(IngestConfig.WHATSAPP_APP_SECRET_CONFIG, APP_SECRET);
        props.put(IngestConfig.WHATSAPP_VERIFY_TOKEN_CONFIG, VERIFY_TOKEN);
        app = IngestApp.start(new IngestConfig(props));
    }

    @AfterAll
    static void stopPlatform() {
        if (app != null) {
            app.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldWriteContactKeyedByPatientWhenPut() throws Exception {
        // When
        Instant before = Instant.now();
        HttpResponse<String> response = send("PUT", "/v1/patients/p-it-1/contact", """
            {"phone": "+447700900123", "email": "pat@example.org", "preferredChannel": "WHATSAPP", "language": "cy-GB",
             "timeZone": "Europe/London", "consent": {"granted": true, "at": "2026-11-20T09:00:00Z", "source": "STAFF"}}
            """);

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("patientId").asText()).isEqualTo("p-it-1");
        assertThat(body.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(body.get("topic").asText()).isEqualTo(Topics.PATIENT_CONTACTS.name());
        ConsumerRecord<String, PatientContact> record = AcceptedRecords.read(platform.broker(), platform.registry(), Topics.PATIENT_CONTACTS, body, DEADLINE);
        assertThat(record.key()).isEqualTo("p-it-1");
        PatientContact contact = record.value();
        assertThat(contact.getPatientId()).isEqualTo("p-it-1");
        assertThat(contact.getPhone()).isEqualTo("+447700900123");
        assertThat(contact.getEmail()).isEqualTo("pat@example.org");
        assertThat(contact.getPreferredChannel()).isEqualTo(Channel.WHATSAPP);
        assertThat(contact.getLanguage()).isEqualTo("cy-GB");
        assertThat(contact.getTimeZone()).isEqualTo("Europe/London");
        assertThat(contact.getOccurredAt()).isBetween(before.minusMillis(1), Instant.now());
        assertThat(contact.getConsent().getGranted()).isTrue();
        assertThat(contact.getConsent().getSource()).isEqualTo(ConsentSource.STAFF);
        assertThat(contact.getConsent().getConsentedAt()).isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));
        assertThat(contact.getConsent().getRevokedAt()).isNull();
    }

    @Test
    void shouldWriteMessageKeyedBySenderAndStatusKeyedByNotificationWhenDeliveryIsSigned() throws Exception {
        // Given
        String messageId = "wamid.IT-" + UUID.randomUUID();
        String notificationId = "n-it-" + UUID.randomUUID();
        byte[] delivery = delivery(messageId, "wamid.OUT-" + notificationId, notificationId);

        // When
        HttpResponse<String> response = webhook(delivery, sign(delivery));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(answer.get("messages").asInt()).isEqualTo(1);
        assertThat(answer.get("statuses").asInt()).isEqualTo(1);
        assertThat(answer.get("ignored").asInt()).isEqualTo(1);

        ConsumerRecord<String, InboundMessage> message = find(Topics.INBOUND_MESSAGES, m -> m.getMessageId().equals(messageId));
        assertThat(message.key()).isEqualTo("+447700900123");
        InboundMessage inbound = message.value();
        assertThat(inbound.getEventId()).isEqualTo(UUID.nameUUIDFromBytes(("WHATSAPP:" + messageId).getBytes(StandardCharsets.UTF_8)).toString());
        assertThat(inbound.getChannel()).isEqualTo(Channel.WHATSAPP);
        assertThat(inbound.getFromPhone()).isEqualTo("+447700900123");
        assertThat(inbound.getToPhone()).isEqualTo("+15550001111");
        assertThat(inbound.getText()).isEqualTo("Cancel");
        assertThat(inbound.getButtonPayload()).isEqualTo("CANCEL:bk-123");
        assertThat(inbound.getReplyToProviderMessageId()).isEqualTo("wamid.OUT-" + notificationId);
        assertThat(inbound.getReceivedAt()).isEqualTo(Instant.ofEpochSecond(1764237600L));
        assertThat(inbound.getPatientId()).isNull();

        ConsumerRecord<String, NotificationStatus> status =
            find(Topics.NOTIFICATION_STATUSES, s -> s.getNotificationId().equals(notificationId));
        assertThat(status.key()).isEqualTo(notificationId);
        assertThat(status.value().getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(status.value().getProviderMessageId()).isEqualTo("wamid.OUT-" + notificationId);
        assertThat(status.value().getAt()).isEqualTo(Instant.ofEpochSecond(1764237660L));
        assertThat(status.value().getError().getCode()).isEqualTo("131026");
        assertThat(status.value().getError().getMessage()).isEqualTo("Message undeliverable: Receiver is incapable of receiving this message");
    }

    @Test
    void shouldWriteNothingWhenDeliveryIsUnsignedOrWronglySigned() throws Exception {
        // Given
        Map<String, Long> before = endOffsets();
        String notificationId = "n-it-" + UUID.randomUUID();
        byte[] delivery = delivery("wamid.IT-" + UUID.randomUUID(), "wamid.OUT-" + notificationId, notificationId);

        // When
        HttpResponse<String> unsigned = webhook(delivery, null);
        HttpResponse<String> wronglySigned = webhook(delivery, "sha256=" + "0".repeat(64));
        // A signed delivery afterwards, through the same producer: once it is readable, anything written before it is too.
        String signedNotificationId = "n-it-" + UUID.randomUUID();
        byte[] signed = delivery("wamid.IT-" + UUID.randomUUID(), "wamid.OUT-" + signedNotificationId, signedNotificationId);
        HttpResponse<String> accepted = webhook(signed, sign(signed));

        // Then
        assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(401);
        assertThat(wronglySigned.statusCode()).as(wronglySigned.body()).isEqualTo(401);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        find(Topics.NOTIFICATION_STATUSES, s -> s.getNotificationId().equals(signedNotificationId));
        Map<String, Long> after = endOffsets();
        assertThat(after.get(Topics.INBOUND_MESSAGES.name())).isEqualTo(before.get(Topics.INBOUND_MESSAGES.name()) + 1);
        assertThat(after.get(Topics.NOTIFICATION_STATUSES.name())).isEqualTo(before.get(Topics.NOTIFICATION_STATUSES.name()) + 1);
    }

    @Test
    void shouldEchoChallengeWhenVerifyTokenMatches() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(WhatsAppWebhook.PATH
            + "?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=424242")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("424242");
    }

    /** A delivery as Meta sends it: one button press, one failed status of a careflow notification, one status of another sender. */
    private static byte[] delivery(String messageId, String outboundId, String notificationId) {
        return """
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "pn-1"},
              "contacts": [{"profile": {"name": "Pat"}, "wa_id": "447700900123"}],
              "messages": [{"from": "447700900123", "id": "%1$s", "timestamp": "1764237600", "type": "button",
                            "context": {"from": "15550001111", "id": "%2$s"},
                            "button": {"text": "Cancel", "payload": "CANCEL:bk-123"}}],
              "statuses": [{"id": "%2$s", "status": "failed", "timestamp": "1764237660", "recipient_id": "447700900123",
                            "biz_opaque_callback_data": "%3$s",
                            "errors": [{"code": 131026, "title": "Message undeliverable",
                                        "error_data": {"details": "Receiver is incapable of receiving this message"}}]},
                           {"id": "wamid.STAFF", "status": "read", "timestamp": "1764237660", "recipient_id": "447700900123"}]}}]}]}
            """.formatted(messageId, outboundId, notificationId).getBytes(StandardCharsets.UTF_8);
    }

    private static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    /** The first record of {@code topic}, read from the beginning of every partition, whose value matches. */
    private static <V extends SpecificRecord> ConsumerRecord<String, V> find(Topic<String, V> topic, Predicate<V> matches) {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(platform.registryUrl(), false).clientConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return Await.value("a matching record on " + topic.name(), DEADLINE, () -> {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (matches.test(r.value())) {
                        return r;
                    }
                }
                return null;
            });
        }
    }

    /** The sum of the end offsets of each topic the webhook writes: how many records it holds. */
    private static Map<String, Long> endOffsets() {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Long> ends = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            for (Topic<String, ?> topic : List.of(Topics.INBOUND_MESSAGES, Topics.NOTIFICATION_STATUSES)) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                ends.put(topic.name(), consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum());
            }
        }
        return ends;
    }

    private HttpResponse<String> webhook(byte[] body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(WhatsAppWebhook.PATH))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }
}
