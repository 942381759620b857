package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.ingest.notifications.WhatsAppWebhook;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.SecurityGate;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The WhatsApp webhook's HTTP contract on a real server, signed with real HMACs; the producer is Kafka's MockProducer. */
class WhatsAppWebhookTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:16:00Z");
    private static final String SECRET = "meta-app-secret";
    private static final String VERIFY_TOKEN = "careflow-verify-token";
    private static final String DELIVERY = """
        {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": {
          "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "pn-1"},
          "contacts": [{"profile": {"name": "Pat"}, "wa_id": "447700900123"}],
          "messages": [{"from": "447700900123", "id": "wamid.IN1", "timestamp": "1764237600", "type": "text",
                        "context": {"from": "15550001111", "id": "wamid.OUT1"}, "text": {"body": "hello"}}],
          "statuses": [{"id": "wamid.OUT1", "status": "delivered", "timestamp": "1764237660", "recipient_id": "447700900123",
                        "biz_opaque_callback_data": "n-42"},
                       {"id": "wamid.STAFF", "status": "read", "timestamp": "1764237660", "recipient_id": "447700900123"}]}}]}]}
        """;
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newHttpClient();
    private final Serializer<SpecificRecord> noopSerializer = (topic, value) -> new byte[0];
    private final FormCatalog forms = FormCatalog.fixed(List.of());
    private final FacilityCatalog facilities = TestFacilities.catalog();
    private MockProducer<String, SpecificRecord> producer;
    private Javalin server;

    private void start(boolean autoComplete, String verifyToken, String appSecret) {
        producer = new MockProducer<>(autoComplete, null, new StringSerializer(), noopSerializer);
        EventPublisher publisher = new EventPublisher(producer, Duration.ofSeconds(2));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        IngestRoutes routes = new IngestRoutes(publisher, forms, facilities, clock, Duration.ofMinutes(5));
        WhatsAppWebhook webhook = new WhatsAppWebhook(publisher, clock, new Password(verifyToken), new Password(appSecret));
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(64 * 1024).ready(publisher::healthy).gate(SecurityGate.disabled())
            .routes(config -> {
            routes.register(config);
            webhook.register(config);
        }).build().start();
    }

    private void start() {
        start(true, VERIFY_TOKEN, SECRET);
    }

    @AfterEach
    void stop() {
        server.stop();
        forms.close();
    }

    // ---- POST: signatures

    @Test
    void shouldPublishMessageAndStatusAndAnswerCountsWhenSignatureIsValid() throws Exception {
        // Given
        start();
        byte[] body = DELIVERY.getBytes(StandardCharsets.UTF_8);

        // When
        HttpResponse<String> response = post(body, sign(SECRET, body));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(answer.get("messages").asInt()).isEqualTo(1);
        assertThat(answer.get("statuses").asInt()).isEqualTo(1);
        assertThat(answer.get("ignored").asInt()).isEqualTo(1);
        assertThat(producer.history()).hasSize(2);
        ProducerRecord<String, SpecificRecord> message = producer.history().get(0);
        assertThat(message.topic()).isEqualTo(Topics.INBOUND_MESSAGES.name());
        assertThat(message.key()).isEqualTo("+447700900123");
        InboundMessage inbound = (InboundMessage) message.value();
        assertThat(inbound.getMessageId()).isEqualTo("wamid.IN1");
        assertThat(inbound.getText()).isEqualTo("hello");
        assertThat(inbound.getReplyToProviderMessageId()).isEqualTo("wamid.OUT1");
        assertThat(inbound.getOccurredAt()).isEqualTo(NOW);
        ProducerRecord<String, SpecificRecord> status = producer.history().get(1);
        assertThat(status.topic()).isEqualTo(Topics.NOTIFICATION_STATUSES.name());
        assertThat(status.key()).isEqualTo("n-42");
        assertThat(((NotificationStatus) status.value()).getStatus()).isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void shouldAnswer200WithoutWritingWhenDeliveryHoldsOnlyIgnoredChanges() throws Exception {
        start();
        byte[] body = """
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [
              {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}]}]}
            """.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(body, sign(SECRET, body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("ignored").asInt()).isEqualTo(1);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer401AndWriteNothingWhenSignedWithAnotherSecret() throws Exception {
        start();
        byte[] body = DELIVERY.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(body, sign("not-the-app-secret", body));

        assertUnauthorized(response);
    }

    @Test
    void shouldAnswer401AndWriteNothingWhenSignatureHeaderIsMissing() throws Exception {
        start();

        HttpResponse<String> response = post(DELIVERY.getBytes(StandardCharsets.UTF_8), null);

        assertUnauthorized(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256=", "sha256=not-hex", "sha1=0123456789abcdef0123456789abcdef01234567"})
    void shouldAnswer401AndWriteNothingWhenSignatureIsMalformed(String header) throws Exception {
        start();

        HttpResponse<String> response = post(DELIVERY.getBytes(StandardCharsets.UTF_8), header);

        assertUnauthorized(response);
    }

    @Test
    void shouldAnswer401AndWriteNothingWhenSignatureHasNonHexDigitsOfTheRightLength() throws Exception {
        start();

        HttpResponse<String> response = post(DELIVERY.getBytes(StandardCharsets.UTF_8), "sha256=" + "g".repeat(64));

        assertUnauthorized(response);
    }

    @Test
    void shouldAnswer401AndWriteNothingWhenBodyIsAlteredByOneByteAfterSigning() throws Exception {
        // Given
        start();
        byte[] signed = DELIVERY.getBytes(StandardCharsets.UTF_8);
        String header = sign(SECRET, signed);
        byte[] altered = signed.clone();
        int at = DELIVERY.indexOf("hello");
        altered[at] = 'j';

        // When
        HttpResponse<String> response = post(altered, header);

        // Then
        assertThat(new String(altered, StandardCharsets.UTF_8)).contains("jello");
        assertUnauthorized(response);
    }

    @Test
    void shouldAnswer503AndWriteNothingWhenAppSecretIsNotConfigured() throws Exception {
        start(true, VERIFY_TOKEN, "");
        byte[] body = DELIVERY.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(body, sign(SECRET, body));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(response.body()).contains("whatsapp.app.secret").doesNotContain(SECRET);
        assertThat(producer.history()).isEmpty();
    }

    // ---- POST: payloads

    @Test
    void shouldAnswer400NamingEveryBadFieldAndWriteNothingWhenSignedPayloadIsInvalid() throws Exception {
        // Given: the first message is valid, the second is not; neither may be written
        start();
        byte[] body = DELIVERY.replace("\"messages\": [{", """
            "messages": [{"from": "447700900123", "id": "wamid.OK", "timestamp": "1764237600", "type": "text", "text": {"body": "ok"}},
                         {""").replace("\"from\": \"447700900123\", \"id\": \"wamid.IN1\"", "\"from\": \"0\", \"id\": \"wamid.IN1\"")
            .getBytes(StandardCharsets.UTF_8);

        // When
        HttpResponse<String> response = post(body, sign(SECRET, body));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field"))
            .containsExactly("/entry/0/changes/0/value/messages/1/from");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer400WhenSignedBodyIsNotJson() throws Exception {
        start();
        byte[] body = "{\"object\": ".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(body, sign(SECRET, body));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenSignedBodyIsNotDeclaredJson() throws Exception {
        start();
        byte[] body = DELIVERY.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(WhatsAppWebhook.PATH))
            .header("Content-Type", "text/plain").header("X-Hub-Signature-256", sign(SECRET, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAcceptBodyWhenMetaDeclaresJsonWithACharset() throws Exception {
        start();
        byte[] body = DELIVERY.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(WhatsAppWebhook.PATH))
            .header("Content-Type", "application/json; charset=UTF-8").header("X-Hub-Signature-256", sign(SECRET, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void shouldAnswer413WhenDeliveryExceedsTheRequestLimit() throws Exception {
        start();
        byte[] body = DELIVERY.replace("\"hello\"", "\"" + "h".repeat(70 * 1024) + "\"").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(body, sign(SECRET, body));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaFailsOneOfTheWrites() throws Exception {
        // Given: Kafka acknowledges the message but fails the status
        start(false, VERIFY_TOKEN, SECRET);
        byte[] body = DELIVERY.getBytes(StandardCharsets.UTF_8);
        Thread kafka = Thread.ofVirtual().start(() -> {
            awaitTrue(() -> producer.completeNext());
            awaitTrue(() -> producer.errorNext(new TimeoutException("no broker")));
        });

        // When
        HttpResponse<String> response = post(body, sign(SECRET, body));
        kafka.join();

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("detail").asText()).contains("Meta redelivers it");
    }

    // ---- GET: verification handshake

    @Test
    void shouldEchoChallengeAsPlainTextWhenVerifyTokenMatches() throws Exception {
        start();

        HttpResponse<String> response = verify(Map.of("hub.mode", "subscribe", "hub.verify_token", VERIFY_TOKEN, "hub.challenge", "1158201444"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("1158201444");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    }

    @Test
    void shouldAnswer403WhenVerifyTokenIsWrong() throws Exception {
        start();

        assertForbidden(verify(Map.of("hub.mode", "subscribe", "hub.verify_token", VERIFY_TOKEN + "x", "hub.challenge", "1158201444")));
    }

    @Test
    void shouldAnswer403WhenModeIsNotSubscribe() throws Exception {
        start();

        assertForbidden(verify(Map.of("hub.mode", "unsubscribe", "hub.verify_token", VERIFY_TOKEN, "hub.challenge", "1158201444")));
    }

    @Test
    void shouldAnswer403WhenParametersAreMissing() throws Exception {
        start();

        assertForbidden(verify(Map.of()));
        assertForbidden(verify(Map.of("hub.mode", "subscribe", "hub.challenge", "1158201444")));
        assertForbidden(verify(Map.of("hub.mode", "subscribe", "hub.verify_token", VERIFY_TOKEN)));
    }

    @Test
    void shouldAnswer403WhenNoVerifyTokenIsConfigured() throws Exception {
        start(true, "", SECRET);

        assertForbidden(verify(Map.of("hub.mode", "subscribe", "hub.verify_token", "", "hub.challenge", "1158201444")));
        assertForbidden(verify(Map.of("hub.mode", "subscribe", "hub.challenge", "1158201444")));
    }

    private void assertUnauthorized(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("status").asInt()).isEqualTo(401);
        assertThat(producer.history()).isEmpty();
    }

    private static void assertForbidden(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(response.body()).doesNotContain("1158201444").doesNotContain(VERIFY_TOKEN);
    }

    /** Retries {@code action} until it reports success, failing the test at the deadline rather than hanging. */
    private static void awaitTrue(BooleanSupplier action) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!action.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + DEADLINE.toSeconds() + " s waiting for a write to answer");
            }
            Thread.onSpinWait();
        }
    }

    /** The header Meta would send, computed with the JDK independently of the code under test. */
    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private HttpResponse<String> post(byte[] body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(WhatsAppWebhook.PATH))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return send(request);
    }

    private HttpResponse<String> verify(Map<String, String> query) throws Exception {
        String encoded = new LinkedHashMap<>(query).entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri(WhatsAppWebhook.PATH + (encoded.isEmpty() ? "" : "?" + encoded))).GET());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
