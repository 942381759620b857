package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.careflow.ingest.notifications.WhatsAppWebhook;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.AuthSettings;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes every ingest route's parsing and validation with arbitrary bytes under arbitrary content types, through a
 * real in-process server with authentication on and a valid token (integration wherever that role may call the route;
 * clinician for dispositions, ops for forms; the webhook body is correctly signed instead), so that what is fuzzed is
 * the parsers, not the token check. Writes go to Kafka's MockProducer. Whatever arrives: the answer is below 500, no
 * exception escapes, a refused request writes nothing, and an accepted one writes what its answer says.
 *
 * <p>{@code ./mvnw verify} fuzzes it for {@code careflow.fuzz.duration} (default 20s) in a fork of its own (surefire
 * execution {@code fuzz}); the default test run skips it. Seeds: one valid body per route in
 * {@code src/test/resources/org/careflow/ingest/IngestJsonFuzzTestInputs/fuzz/}, each followed by two choice bytes
 * (content type, then route; {@link FuzzedDataProvider} reads choices from the end).
 */
class IngestJsonFuzzTest {

    /** A route as a fuzz target: the token of a role allowed on it (null: the webhook, which is signed instead). */
    private record Target(String method, String path, Role role) {
    }

    private static final List<Target> TARGETS = List.of(
        new Target("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, Role.INTEGRATION),
        new Target("POST", "/v1/triage-submissions:batch", Role.INTEGRATION),
        new Target("POST", "/v1/facilities/F1/queue/pt-1/disposition", Role.CLINICIAN),
        new Target("PUT", "/v1/forms/fuzz-form", Role.OPS),
        new Target("PUT", "/v1/providers/dr-7/schedule", Role.INTEGRATION),
        new Target("POST", IngestRoutes.BOOKINGS_PATH, Role.INTEGRATION),
        new Target("POST", "/v1/bookings/b-1/cancel", Role.INTEGRATION),
        new Target("POST", "/v1/bookings/b-1/reschedule", Role.INTEGRATION),
        new Target("PUT", "/v1/patients/pt-1/contact", Role.INTEGRATION),
        new Target("POST", WhatsAppWebhook.PATH, null));

    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
        "application/x-ndjson", "application/vnd.careflow+json", "text/plain", "");

    private static IngestTestServer server;
    private static final Map<Role, String> TOKENS = new HashMap<>();
    private static Path keyDir;

    @BeforeAll
    static void start() throws Exception {
        ECKey key = JwtTestKit.ecKey("fuzz");
        keyDir = Files.createTempDirectory("ingest-fuzz");
        // No rate limit: the fuzzer sends thousands of requests a second with one token.
        AuthSettings settings = IngestTestServer.authSettings(key, keyDir, Map.of(AuthSettings.RATE_LIMIT_ENABLED_CONFIG, false));
        server = new IngestTestServer(SecurityGate.create(settings));
        for (Role role : List.of(Role.INTEGRATION, Role.CLINICIAN, Role.OPS)) {
            JwtTestKit.Mint mint = JwtTestKit.mint(key).role(role).ttl(Duration.ofHours(6));
            TOKENS.put(role, (role == Role.OPS ? mint.facilities() : mint.facilities("F1")).sign());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        try (var files = Files.list(keyDir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(keyDir);
    }

    @FuzzTest(maxDuration = "20s")
    void fuzz(FuzzedDataProvider data) throws Exception {
        Target target = TARGETS.get(data.consumeInt(0, TARGETS.size() - 1));
        String contentType = CONTENT_TYPES.get(data.consumeInt(0, CONTENT_TYPES.size() - 1));
        byte[] body = data.consumeRemainingAsBytes();
        server.producer.clear();

        HttpResponse<String> response;
        // Jazzer's SSRF detector refuses every connection not allowed here: only the server under test.
        try (SilentCloseable ignored = BugDetectors.allowNetworkConnections(
            (host, port) -> ("127.0.0.1".equals(host) || "localhost".equals(host)) && port == server.port())) {
            String token = target.role() == null ? null : TOKENS.get(target.role());
            Map<String, String> headers = target.role() == null ? Map.of("X-Hub-Signature-256", IngestTestServer.sign(body)) : Map.of();
            response = server.send(target.method(), target.path(), contentType.isEmpty() ? null : contentType, body, token, headers);
        }

        int status = response.statusCode();
        assertThat(status).as("%s %s answered %s", target.method(), target.path(), response.body()).isLessThan(500);
        if (status < 200 || status > 299) {
            assertThat(server.producer.history()).as("refused with %d, yet written", status).isEmpty();
        } else {
            assertThat(server.producer.history()).as("written for %s", response.body()).hasSize(written(target, status, response.body()));
        }
    }

    /** How many events an accepted request's answer says were written. */
    private static int written(Target target, int status, String answer) throws Exception {
        JsonNode body = HttpServerFactory.MAPPER.readTree(answer);
        if (target.path().endsWith(":batch")) {
            return body.get("accepted").asInt();
        }
        if (target.role() == null) {
            return body.get("messages").asInt() + body.get("statuses").asInt();
        }
        // 200 to a form PUT: the same version was already published, nothing new written.
        return status == 200 ? 0 : 1;
    }
}
