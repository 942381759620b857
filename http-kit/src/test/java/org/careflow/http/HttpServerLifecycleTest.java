package org.careflow.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.careflow.config.HttpTlsSettings;
import org.junit.jupiter.api.Test;

/** {@code /health/ready} bodies and the graceful stop every app uses on SIGTERM. */
class HttpServerLifecycleTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void shouldSayWhyNotReadyWhenCheckIsDown() throws Exception {
        // Given a readiness check that is down, then up
        AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.down(Map.of("state", "REBALANCING")));
        Javalin app = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).readiness(readiness::get)
            .routes(config -> { }).build().start();
        try {
            // Then /health/ready is 503 naming the state ...
            HttpResponse<String> down = get(app, "/health/ready");
            assertThat(down.statusCode()).isEqualTo(503);
            JsonNode body = HttpServerFactory.MAPPER.readTree(down.body());
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("state").asText()).isEqualTo("REBALANCING");

            // ... and 200 once the check is up
            readiness.set(Readiness.up(Map.of("state", "RUNNING")));
            HttpResponse<String> up = get(app, "/health/ready");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(HttpServerFactory.MAPPER.readTree(up.body()).get("status").asText()).isEqualTo("UP");
        } finally {
            app.stop();
        }
    }

    @Test
    void shouldFinishRequestInFlightAndRefuseNewOnesWhenStoppedGracefully() throws Exception {
        // Given a request being served when the server is told to stop
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Javalin app = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true)
            .routes(config ->
            config.routes.post("/slow-write", ctx -> {
                entered.countDown();
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                ctx.status(202).result("accepted");
            })).build().start();
        int port = app.port();
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(uri(port, "/slow-write"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> HttpServerFactory.stopGracefully(app, Duration.ofSeconds(20)));

        // When the server stops accepting, new connections are refused while the first request is still held
        HttpClient fresh = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            try {
                fresh.send(HttpRequest.newBuilder(uri(port, "/health/live")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
                Thread.onSpinWait();
            } catch (IOException e) {
                refused = true;
            }
        }
        assertThat(refused).as("new connections refused while stopping").isTrue();
        assertThat(inFlight).isNotDone();
        assertThat(stopping).isNotDone();

        // Then the request in flight still gets its answer, and the stop completes after it
        release.countDown();
        HttpResponse<String> answer = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.body()).isEqualTo("accepted");
        stopping.get(20, TimeUnit.SECONDS);
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(uri(port, "/health/live")).GET().build(),
            HttpResponse.BodyHandlers.discarding())).isInstanceOf(IOException.class);
    }

    private HttpResponse<String> get(Javalin app, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(app.port(), path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
