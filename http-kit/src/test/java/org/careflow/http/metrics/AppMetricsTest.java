package org.careflow.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.javalin.Javalin;
import io.javalin.http.NotFoundResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.careflow.config.HttpTlsSettings;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.AuthSettings;
import org.careflow.security.EndpointClass;
import org.careflow.security.JwtTestKit;
import org.careflow.security.RateClass;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppMetricsTest {

    private static final String ASSESSMENTS = "/v1/patients/{patientId}/assessments";
    private static final String BATCH = "/v1/triage-submissions:batch";
    private static final String TIMER_COUNT = "careflow_http_requests_seconds_count";

    private final HttpClient client = HttpClient.newHttpClient();
    private final ECKey key = JwtTestKit.ecKey("metrics-key");
    private AppMetrics metrics;
    private Javalin app;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("public.jwk.json"), key.toPublicJWK().toJSONString());
        AuthSettings settings = JwtTestKit.settingsForKeyFile(keyFile, Map.of(
            AuthSettings.perSecondKey(RateClass.BATCH), 1, AuthSettings.burstKey(RateClass.BATCH), 1));
        metrics = AppMetrics.create("test-app");
        app = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true).gate(SecurityGate.create(settings)).metrics(metrics)
            .routes(config -> {
                config.routes.get(ASSESSMENTS, ctx -> {
                    if (ctx.pathParam("patientId").startsWith("unknown")) {
                        throw new NotFoundResponse("no such patient");
                    }
                    ctx.result("[]");
                }, EndpointClass.PATIENT_TRIAGE_READ);
                config.routes.post(BATCH, ctx -> ctx.status(202), EndpointClass.TRIAGE_BATCH);
            }).build().start();
    }

    @AfterEach
    void stop() {
        app.stop();
        metrics.close();
    }

    @Test
    void shouldTimeRequestsByRouteTemplateAndStatusWhenPathsNamePatients() throws Exception {
        // Given a patient, an integration and ops
        String patient = JwtTestKit.mint(key).role(Role.PATIENT).patient("pt-1").facilities().sign();
        String integration = JwtTestKit.mint(key).role(Role.INTEGRATION).facilities("F1").sign();
        String ops = JwtTestKit.mint(key).role(Role.OPS).facilities().sign();

        // When requests are answered 200, 401, 403, 404 (by the handler and for no route) and 429
        assertThat(send("GET", "/v1/patients/pt-1/assessments", patient).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/patients/pt-1/assessments", patient).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/patients/pt-1/assessments", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/patients/pt-2/assessments", patient).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/v1/patients/unknown-pt/assessments", ops).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/v1/nothing-here/pt-3", patient).statusCode()).isEqualTo(404);
        assertThat(send("POST", BATCH, integration).statusCode()).isEqualTo(202);
        assertThat(send("POST", BATCH, integration).statusCode()).isEqualTo(429);

        // Then /metrics (ops only) counts each by method, route template and status, never by the concrete path
        assertThat(send("GET", AppMetrics.PATH, patient).statusCode()).isEqualTo(403);
        assertThat(send("GET", AppMetrics.PATH, null).statusCode()).isEqualTo(401);
        String text = awaitScrape(ops, () -> count(lastScrape, "GET", "unmatched", "404") == 1);
        assertThat(count(text, "GET", ASSESSMENTS, "200")).isEqualTo(2);
        assertThat(count(text, "GET", ASSESSMENTS, "401")).isEqualTo(1);
        assertThat(count(text, "GET", ASSESSMENTS, "403")).isEqualTo(2);
        assertThat(count(text, "GET", "unmatched", "404")).isEqualTo(1);
        assertThat(count(text, "POST", BATCH, "202")).isEqualTo(1);
        assertThat(count(text, "POST", BATCH, "429")).isEqualTo(1);
        assertThat(count(text, "GET", AppMetrics.PATH, "403")).isEqualTo(1);
        assertThat(text).contains("careflow_http_requests_seconds_bucket{").contains("careflow_http_requests_seconds_sum{");
        assertThat(text).doesNotContain("pt-1").doesNotContain("pt-2").doesNotContain("pt-3").doesNotContain("unknown-pt");
        // and JVM and process metrics are there, every series labelled with the app
        assertThat(PrometheusSamples.sum(text, "jvm_memory_used_bytes", Map.of("app", "test-app"))).isPositive();
        assertThat(PrometheusSamples.has(text, "jvm_gc_pause_seconds_count") || PrometheusSamples.has(text, "jvm_gc_memory_allocated_bytes_total"))
            .isTrue();
        assertThat(PrometheusSamples.sum(text, "jvm_threads_live_threads", Map.of("app", "test-app"))).isPositive();
        assertThat(PrometheusSamples.has(text, "process_cpu_usage")).isTrue();
    }

    @Test
    void shouldAnswer404ProblemOnHandlerMissAndCountItUnderTheTemplate() throws Exception {
        String patient = JwtTestKit.mint(key).role(Role.PATIENT).patient("unknown-9").facilities().sign();
        String ops = JwtTestKit.mint(key).role(Role.OPS).facilities().sign();

        assertThat(send("GET", "/v1/patients/unknown-9/assessments", patient).statusCode()).isEqualTo(404);

        String text = awaitScrape(ops, () -> count(lastScrape, "GET", ASSESSMENTS, "404") == 1);
        assertThat(count(text, "GET", "unmatched", "404")).isNaN();
        assertThat(text).doesNotContain("unknown-9");
    }

    private volatile String lastScrape = "";

    /** Scrapes until {@code done}: a request is timed once its answer is written, which the client may see first. */
    private String awaitScrape(String token, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> response = send("GET", AppMetrics.PATH, token);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            lastScrape = response.body();
            if (done.getAsBoolean() || System.nanoTime() > deadline) {
                return lastScrape;
            }
            Thread.sleep(250); // polling within the ops rate class (5 a second)
        }
    }

    private static double count(String text, String method, String route, String status) {
        return PrometheusSamples.sum(text, TIMER_COUNT, Map.of("app", "test-app", "method", method, "route", route, "status", status));
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
