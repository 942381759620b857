package org.careflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.careflow.security.AuthSettings;
import org.careflow.security.EndpointClass;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityGateTest {

    private static final String QUEUE = "/v1/facilities/{facilityId}/queue";
    private static final String SUBMIT = "/v1/triage-submissions";
    private static final String BATCH = "/v1/triage-submissions:batch";

    private final HttpClient client = HttpClient.newHttpClient();
    private final ECKey key = JwtTestKit.ecKey("gate-key");
    private Javalin app;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("public.jwk.json"), key.toPublicJWK().toJSONString());
        AuthSettings settings = JwtTestKit.settingsForKeyFile(keyFile, Map.of(
            AuthSettings.perSecondKey(org.careflow.security.RateClass.BATCH), 1,
            AuthSettings.burstKey(org.careflow.security.RateClass.BATCH), 2));
        app = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(64 * 1024).ready(() -> true).gate(SecurityGate.create(settings))
            .routes(config -> {
            config.routes.get(QUEUE, ctx -> ctx.result("queue of " + ctx.pathParam("facilityId")), EndpointClass.FACILITY_TRIAGE_READ);
            config.routes.post(SUBMIT, ctx -> {
                // The body names facility and patient; a real handler parses them.
                SecurityGate.requireWrite(ctx, ctx.queryParam("facility"), ctx.queryParam("patient"));
                ctx.status(202).result(SecurityGate.principal(ctx).orElseThrow().role().claimValue());
            }, EndpointClass.TRIAGE_SUBMIT);
            config.routes.post(BATCH, ctx -> ctx.status(202), EndpointClass.TRIAGE_BATCH);
            config.routes.get("/v1/unclassified", ctx -> ctx.result("secret"));
            config.routes.get("/v1/public", ctx -> ctx.result("hello"), EndpointClass.PUBLIC);
        }).build().start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void shouldAnswer401WithChallengeWhenNoTokenIsSent() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/facilities/F1/queue", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"careflow\"");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(Problem.CONTENT_TYPE));
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("type").asText()).endsWith("/unauthenticated");
    }

    @Test
    void shouldAnswer401WithInvalidTokenAndNoEchoWhenTokenIsExpired() throws Exception {
        String token = JwtTestKit.mint(key).expired().sign();

        HttpResponse<String> response = send("GET", "/v1/facilities/F1/queue", token);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
            .hasValue("Bearer realm=\"careflow\", error=\"invalid_token\", error_description=\"token expired\"");
        assertThat(response.body()).doesNotContain(token).doesNotContain(token.substring(0, 20));
    }

    @Test
    void shouldServeOwnFacilityAndRefuseOtherFacility() throws Exception {
        String token = JwtTestKit.mint(key).role(Role.CLINICIAN).facilities("F1").sign();

        HttpResponse<String> own = send("GET", "/v1/facilities/F1/queue", token);
        HttpResponse<String> other = send("GET", "/v1/facilities/F2/queue", token);

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).isEqualTo("queue of F1");
        assertThat(other.statusCode()).isEqualTo(403);
        JsonNode body = HttpServerFactory.MAPPER.readTree(other.body());
        assertThat(body.get("type").asText()).endsWith("/forbidden");
        assertThat(body.get("detail").asText()).contains("facility-out-of-scope");
    }

    @Test
    void shouldAnswer403WithInsufficientScopeWhenRoleMayNotUseTheRoute() throws Exception {
        String token = JwtTestKit.mint(key).role(Role.SCHEDULER).facilities("F1").sign();

        HttpResponse<String> response = send("GET", "/v1/facilities/F1/queue", token);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
    }

    @Test
    void shouldRefuseUnclassifiedRouteEvenWithAValidToken() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/unclassified", JwtTestKit.mint(key).sign());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).doesNotContain("secret").contains("route-unclassified");
    }

    @Test
    void shouldServePublicRoutesAndHealthWithoutToken() throws Exception {
        assertThat(send("GET", "/v1/public", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/health/live", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/nowhere", null).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswer429WithRetryAfterWhenBurstIsSpent() throws Exception {
        String token = JwtTestKit.mint(key).role(Role.INTEGRATION).facilities("F1").sign();
        String otherCaller = JwtTestKit.mint(key).role(Role.INTEGRATION).facilities("F1").sign();

        assertThat(send("POST", BATCH, token).statusCode()).isEqualTo(202);
        assertThat(send("POST", BATCH, token).statusCode()).isEqualTo(202);
        HttpResponse<String> limited = send("POST", BATCH, token);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(send("POST", BATCH, otherCaller).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldCheckWhatTheBodyNamesWhenHandlerRequiresWrite() throws Exception {
        String integration = JwtTestKit.mint(key).role(Role.INTEGRATION).facilities("F1").sign();
        String patient = JwtTestKit.mint(key).role(Role.PATIENT).patient("pt-1").facilities().sign();

        assertThat(send("POST", SUBMIT + "?facility=F1&patient=pt-9", integration).statusCode()).isEqualTo(202);
        assertThat(send("POST", SUBMIT + "?facility=F2&patient=pt-9", integration).statusCode()).isEqualTo(403);
        assertThat(send("POST", SUBMIT + "?facility=F2&patient=pt-1", patient).body()).isEqualTo("patient");
        assertThat(send("POST", SUBMIT + "?facility=F1&patient=pt-2", patient).statusCode()).isEqualTo(403);
    }

    @Test
    void shouldLeaveRoutesOpenWhenNoGateIsGiven() throws Exception {
        Javalin open = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true)
            .routes(config -> config.routes.get("/v1/unclassified", ctx -> ctx.result("ok"))).build().start();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + open.port() + "/v1/unclassified")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        } finally {
            open.stop();
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenSigningKeysCannotBeFetched() throws Exception {
        try (JwtTestKit.JwksServer jwks = JwtTestKit.jwksServer(key)) {
            jwks.available(false);
            AuthSettings settings = JwtTestKit.settingsForJwks(jwks.url(), Map.of());
            Javalin down = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true).gate(SecurityGate.create(settings))
            .routes(config -> config.routes.get(QUEUE, ctx -> ctx.result("queue"), EndpointClass.FACILITY_TRIAGE_READ)).build().start();
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + down.port()
                    + "/v1/facilities/F1/queue")).header("Authorization", "Bearer " + JwtTestKit.mint(key).sign()).build(),
                    HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
            } finally {
                down.stop();
            }
        }
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
