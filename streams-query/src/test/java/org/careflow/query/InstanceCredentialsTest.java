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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.events.security.AccessOutcome;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.security.AuthSettings;
import org.careflow.security.EndpointClass;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instance credentials on a real server behind a real gate, with the audit producer replaced by a MockProducer: the
 * forwarder recorded in the audit comes from a verified credential only, and a forwarding header without a valid,
 * fresh credential for this very request is refused before anything is read or recorded.
 */
class InstanceCredentialsTest {

    private static final String PATH = "/v1/patients/{patientId}/triage";
    private static final String SECRET = "0123456789abcdef0123456789abcdef-cluster";
    private static final String PEER = "10.0.0.2:8081";
    private static final String DATA = "assessment-of-the-patient";

    private final HttpClient client = HttpClient.newHttpClient();
    private final ECKey key = JwtTestKit.ecKey("instance-key");
    private final InstanceCredentials verifier = InstanceCredentials.of(SECRET, Duration.ofSeconds(30));
    private MockProducer<String, DataAccessAudit> producer;
    private Javalin server;
    private String token;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        producer = new MockProducer<>(true, null, new StringSerializer(),
            new PlainAvroEventSerdes().valueSerde(Topics.AUDIT_EVENTS).serializer());
        ReadAudit audit = new ReadAudit("streams-test", new HostInfo("127.0.0.1", 9), new AuditPublisher(producer, Duration.ofSeconds(2)));
        Path keyFile = Files.writeString(dir.resolve("public.jwk.json"), key.toPublicJWK().toJSONString());
        AuthSettings settings = JwtTestKit.settingsForKeyFile(keyFile, Map.of());
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true).gate(SecurityGate.create(settings))
            .routes(config ->
            // What InteractiveQueryService does on every entry: verify the forwarding headers, then read and audit.
            config.routes.get(PATH, ctx -> {
                verifier.verify(ctx);
                audit.await(ctx, audit.record(ctx, AccessOutcome.ALLOWED, 200));
                ctx.result(DATA);
            }, EndpointClass.PATIENT_TRIAGE_READ)).build().start();
        token = "Bearer " + JwtTestKit.mint(key).role(Role.CLINICIAN).facilities("F1").sign();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void shouldRecordTheForwarderWhenItsCredentialVerifies() throws Exception {
        // Given
        String target = "/v1/patients/p-1/triage?allowStale=true";
        Map<String, String> headers = signed(verifier, InteractiveQueryService.FORWARDED_HEADER, PEER, target, token);

        // When
        HttpResponse<String> response = get(target, headers);

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(producer.history()).singleElement().satisfies(r -> assertThat(r.value().getForwardedBy()).isEqualTo(PEER));
    }

    @Test
    void shouldRecordNoForwarderWhenAClientAsksWithoutForwardingHeaders() throws Exception {
        HttpResponse<String> response = get("/v1/patients/p-1/triage", Map.of(SecurityGate.AUTHORIZATION, token));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(producer.history()).singleElement().satisfies(r -> assertThat(r.value().getForwardedBy()).isNull());
    }

    @Test
    void shouldRefuseWithoutDataOrAuditWhenAClientForgesAForwardingHeader() throws Exception {
        for (String marker : new String[] {InteractiveQueryService.FORWARDED_HEADER, InteractiveQueryService.LOCAL_PART_HEADER,
            InteractiveQueryService.STALE_FORWARDED_HEADER}) {
            // When: a caller with a good token claims to be an instance, with no credential
            HttpResponse<String> response = get("/v1/patients/p-1/triage", Map.of(SecurityGate.AUTHORIZATION, token, marker, PEER));

            // Then
            assertThat(response.statusCode()).as(marker).isEqualTo(401);
            assertThat(response.body()).contains(InstanceCredentials.PROBLEM_TYPE).doesNotContain(DATA);
        }
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldRefuseWhenTheCredentialWasMadeWithAnotherSecret() throws Exception {
        String target = "/v1/patients/p-1/triage";
        InstanceCredentials impostor = InstanceCredentials.of("another-secret-of-at-least-32-characters", Duration.ofSeconds(30));

        HttpResponse<String> response = get(target, signed(impostor, InteractiveQueryService.FORWARDED_HEADER, PEER, target, token));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("does not verify").doesNotContain(DATA);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldRefuseWhenTheCredentialIsOlderOrFurtherAheadThanTheMaxAge() throws Exception {
        String target = "/v1/patients/p-1/triage";
        for (Duration offset : new Duration[] {Duration.ofSeconds(-31), Duration.ofSeconds(31)}) {
            // Given: a credential made with the right secret on a clock that far off
            InstanceCredentials skewed = InstanceCredentials.of(SECRET, Duration.ofSeconds(30),
                Clock.fixed(Instant.now().plus(offset), ZoneOffset.UTC));

            // When
            HttpResponse<String> response = get(target, signed(skewed, InteractiveQueryService.FORWARDED_HEADER, PEER, target, token));

            // Then
            assertThat(response.statusCode()).as("credential made %s from now", offset).isEqualTo(401);
            assertThat(response.body()).contains("expired");
        }
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldRefuseWhenTheCredentialIsReusedForAnotherPathCallerOrHeader() throws Exception {
        // Given: a good credential for one request
        String target = "/v1/patients/p-1/triage";
        Map<String, String> good = signed(verifier, InteractiveQueryService.FORWARDED_HEADER, PEER, target, token);
        Map<String, String> otherCaller = new HashMap<>(good);
        otherCaller.put(SecurityGate.AUTHORIZATION, "Bearer " + JwtTestKit.mint(key).role(Role.CLINICIAN).facilities("F1").sign());
        Map<String, String> otherInstance = new HashMap<>(good);
        otherInstance.put(InteractiveQueryService.FORWARDED_HEADER, "10.0.0.3:8081");
        Map<String, String> otherMarker = new HashMap<>(good);
        otherMarker.remove(InteractiveQueryService.FORWARDED_HEADER);
        otherMarker.put(InteractiveQueryService.STALE_FORWARDED_HEADER, PEER);

        // When / Then
        assertThat(get("/v1/patients/p-2/triage", good).statusCode()).as("another path").isEqualTo(401);
        assertThat(get(target + "?allowStale=true", good).statusCode()).as("another query").isEqualTo(401);
        assertThat(get(target, otherCaller).statusCode()).as("another caller's token").isEqualTo(401);
        assertThat(get(target, otherInstance).statusCode()).as("another instance named").isEqualTo(401);
        assertThat(get(target, otherMarker).statusCode()).as("another forwarding header").isEqualTo(401);
        assertThat(producer.history()).isEmpty();
        assertThat(get(target, good).statusCode()).as("the request it was made for").isEqualTo(200);
    }

    @Test
    void shouldRefuseAMalformedCredential() throws Exception {
        String target = "/v1/patients/p-1/triage";
        Map<String, String> headers = new HashMap<>(signed(verifier, InteractiveQueryService.FORWARDED_HEADER, PEER, target, token));
        headers.put(InstanceCredentials.HEADER, "v1;i=" + PEER + ";t=soon;s=x");

        assertThat(get(target, headers).statusCode()).isEqualTo(401);
    }

    private static Map<String, String> signed(InstanceCredentials credentials, String marker, String instance, String target,
                                              String authorization) {
        Map<String, String> headers = new HashMap<>();
        headers.put(SecurityGate.AUTHORIZATION, authorization);
        headers.put(marker, instance);
        headers.put(InstanceCredentials.HEADER, credentials.sign(marker, instance, "GET", target, authorization));
        return headers;
    }

    private HttpResponse<String> get(String target, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target)).GET();
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
