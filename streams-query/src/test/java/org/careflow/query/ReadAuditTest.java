package org.careflow.query;

import org.careflow.http.HttpServerFactory;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.events.security.AccessOutcome;
import org.careflow.events.security.AccessRole;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.security.AuthSettings;
import org.careflow.security.EndpointClass;
import org.careflow.security.JwtTestKit;
import org.careflow.security.ResourceScope;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit of reads on a real server behind a real gate, with the producer replaced by a MockProducer. */
class ReadAuditTest {

    private static final String PATIENT_PATH = "/v1/patients/{patientId}/triage";
    private static final String SECRET = "assessment-of-the-patient";

    private final HttpClient client = HttpClient.newHttpClient();
    private final ECKey key = JwtTestKit.ecKey("audit-key");
    private Javalin server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void shouldRecordWhoWhatAndOutcomeWithoutTheTokenWhenAReadIsAllowed() throws Exception {
        // Given
        MockProducer<String, DataAccessAudit> producer = producer(true);
        start(new AuditPublisher(producer, Duration.ofSeconds(2)));
        String token = JwtTestKit.mint(key).subject("dr-who").role(Role.CLINICIAN).facilities("F1").sign();

        // When
        HttpResponse<String> response = get("/v1/patients/p-1/triage", token);

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(SECRET);
        assertThat(producer.history()).singleElement().satisfies(r -> {
            DataAccessAudit event = r.value();
            assertThat(r.topic()).isEqualTo(Topics.AUDIT_EVENTS.name());
            assertThat(r.key()).isEqualTo(event.getEventId());
            assertThat(event.getSubject()).isEqualTo("dr-who");
            assertThat(event.getRole()).isEqualTo(AccessRole.CLINICIAN);
            assertThat(event.getTokenId()).isNotBlank();
            assertThat(event.getPatientId()).isEqualTo("p-1");
            assertThat(event.getFacilityIds()).containsExactly("F1");
            assertThat(event.getEndpoint()).isEqualTo(PATIENT_PATH);
            assertThat(event.getEndpointClass()).isEqualTo(EndpointClass.PATIENT_TRIAGE_READ.name());
            assertThat(event.getOutcome()).isEqualTo(AccessOutcome.ALLOWED);
            assertThat(event.getStatus()).isEqualTo(200);
            assertThat(event.getInstance()).isEqualTo("127.0.0.1:9");
            assertThat(event.getForwardedBy()).isNull();
            assertThat(event.toString()).doesNotContain(token);
        });
    }

    @Test
    void shouldAnswer503WithRetryAfterAndNoDataWhenTheAuditEventIsNotAcknowledgedInTime() throws Exception {
        // Given: a broker that never acknowledges
        start(new AuditPublisher(producer(false), Duration.ofMillis(200)));

        // When
        HttpResponse<String> response = get("/v1/patients/p-1/triage", JwtTestKit.mint(key).role(Role.CLINICIAN).facilities("F1").sign());

        // Then
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(response.body()).doesNotContain(SECRET);
    }

    @Test
    void shouldAnswer503AndNoDataWhenTheAuditWriteFails() throws Exception {
        // Given
        MockProducer<String, DataAccessAudit> producer = producer(true);
        producer.sendException = new KafkaException("broker unreachable");
        start(new AuditPublisher(producer, Duration.ofSeconds(2)));

        // When
        HttpResponse<String> response = get("/v1/patients/p-1/triage", JwtTestKit.mint(key).role(Role.CLINICIAN).facilities("F1").sign());

        // Then
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).doesNotContain(SECRET);
    }

    @Test
    void shouldRecordNothingWhenTheEndpointClassIsNotAudited() throws Exception {
        MockProducer<String, DataAccessAudit> producer = producer(true);
        start(new AuditPublisher(producer, Duration.ofSeconds(2)));

        HttpResponse<String> response = get("/v1/forms/general-v1", JwtTestKit.mint(key).role(Role.SCHEDULER).facilities("F1").sign());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(producer.history()).isEmpty();
    }

    private void start(AuditPublisher publisher) throws Exception {
        Path keyFile = Files.writeString(dir.resolve("public.jwk.json"), key.toPublicJWK().toJSONString());
        AuthSettings settings = JwtTestKit.settingsForKeyFile(keyFile, Map.of());
        ReadAudit audit = new ReadAudit("streams-test", new HostInfo("127.0.0.1", 9), publisher);
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true).gate(SecurityGate.create(settings))
            .routes(config -> {
            // What AuditedAnswer does on the owner: check the value's scope, audit, answer after the ack.
            config.routes.get(PATIENT_PATH, ctx -> {
                ResourceAccess.require(ctx, ResourceScope.of("F1", ctx.pathParam("patientId")));
                audit.await(ctx, audit.record(ctx, AccessOutcome.ALLOWED, 200));
                ctx.result(SECRET);
            }, EndpointClass.PATIENT_TRIAGE_READ);
            config.routes.get("/v1/forms/{formId}", ctx -> {
                audit.await(ctx, audit.record(ctx, AccessOutcome.ALLOWED, 200));
                ctx.result("form");
            }, EndpointClass.FORM_READ);
        }).build().start();
    }

    private static MockProducer<String, DataAccessAudit> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(),
            new PlainAvroEventSerdes().valueSerde(Topics.AUDIT_EVENTS).serializer());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
