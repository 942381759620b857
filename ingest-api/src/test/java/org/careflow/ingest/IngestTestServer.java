package org.careflow.ingest;

import com.nimbusds.jose.jwk.ECKey;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.ingest.notifications.WhatsAppWebhook;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.AuthSettings;
import org.careflow.security.JwtTestKit;
import org.careflow.security.SecurityGate;
import org.careflow.topics.OnCallWebhookRule;

/**
 * Every ingest route (the WhatsApp webhook included) on a real Javalin server behind a {@link SecurityGate}, writing to
 * Kafka's {@link MockProducer}: what a security or fuzz test needs to see what a request wrote, and that a refused
 * one wrote nothing.
 */
final class IngestTestServer implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-11-21T10:16:00Z");
    static final String WEBHOOK_SECRET = "test-app-secret";
    static final String VERIFY_TOKEN = "test-verify-token";

    private static final Serializer<SpecificRecord> NO_BYTES = (topic, value) -> new byte[0];

    final MockProducer<String, SpecificRecord> producer = new MockProducer<>(TestCluster.catalogue(), true, null, new StringSerializer(), NO_BYTES);
    private final FormCatalog forms = FormCatalog.fixed(List.of());
    private final FacilityCatalog facilities;
    private final Javalin server;
    private final HttpClient client = HttpClient.newHttpClient();

    IngestTestServer(SecurityGate gate) {
        this(gate, TestFacilities.catalog(), OnCallWebhookRule.strict());
    }

    /** A server whose facility catalog is {@code facilities} (which it closes) and whose webhook rule is {@code webhooks}. */
    IngestTestServer(SecurityGate gate, FacilityCatalog facilities, OnCallWebhookRule webhooks) {
        this.facilities = facilities;
        EventPublisher publisher = new EventPublisher(producer, Duration.ofSeconds(2));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        IngestRoutes routes = new IngestRoutes(publisher, forms, facilities, clock, new IngestRoutes.Options(Duration.ofMinutes(5),
            new org.careflow.ingest.triage.TriageBatchRoute.Limits(IngestConfig.DEFAULT_BATCH_MAX_ITEMS,
                IngestConfig.DEFAULT_HTTP_MAX_BATCH_REQUEST_BYTES), webhooks));
        WhatsAppWebhook webhook = new WhatsAppWebhook(publisher, clock, new Password(VERIFY_TOKEN), new Password(WEBHOOK_SECRET));
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(64 * 1024).ready(publisher::healthy).gate(gate)
            .routes(config -> {
            routes.register(config);
            new org.careflow.ingest.fhir.IngestFhirRoutes(routes).register(config);
            webhook.register(config);
        }).build().start();
    }

    /** Auth settings verifying tokens signed by {@code key} (its public half written to {@code dir}), plus {@code overrides}. */
    static AuthSettings authSettings(ECKey key, Path dir, Map<String, ?> overrides) {
        try {
            Path keyFile = Files.writeString(dir.resolve("ingest-public.jwk.json"), key.toPublicJWK().toJSONString());
            return JwtTestKit.settingsForKeyFile(keyFile, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code body} (null: none) with {@code contentType} and, when not null, {@code Authorization: Bearer token}. */
    HttpResponse<String> send(String method, String path, String contentType, byte[] body, String token, Map<String, String> headers)
        throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> sendJson(String method, String path, String body, String token) throws IOException, InterruptedException {
        return send(method, path, "application/json", body.getBytes(StandardCharsets.UTF_8), token, Map.of());
    }

    /** The {@code X-Hub-Signature-256} value Meta would send with {@code body}. */
    static String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        forms.close();
        facilities.close();
        client.close();
    }
}
