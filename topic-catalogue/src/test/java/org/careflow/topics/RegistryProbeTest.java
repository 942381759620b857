package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistryProbeTest {

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void shouldProbeOncePerCachePeriodAndNoticeWhenRegistryGoesAway() throws Exception {
        // Given a registry answering /system/info
        AtomicInteger calls = new AtomicInteger();
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/apis/registry/v3/system/info", exchange -> {
            calls.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        registry.start();
        RegistryProbe probe = new RegistryProbe("http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v3",
            HttpClient.newHttpClient(), Duration.ofSeconds(1), Duration.ofSeconds(5), nanos::get);

        // Then it is reachable, and asked once however often readiness is polled within the cache period
        assertThat(probe.reachable()).isTrue();
        assertThat(probe.reachable()).isTrue();
        assertThat(calls).hasValue(1);

        // When the registry goes away, the cached answer stands until the period ends, then it is unreachable
        registry.stop(0);
        assertThat(probe.reachable()).isTrue();
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(probe.reachable()).isFalse();
    }

    @Test
    void shouldCountAnAnswerBelow500AsReachableAnd5xxAsNot() throws Exception {
        AtomicInteger status = new AtomicInteger(401);
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        registry.start();
        try {
            RegistryProbe probe = new RegistryProbe("http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v3/",
                HttpClient.newHttpClient(), Duration.ofSeconds(1), Duration.ZERO, nanos::get);

            assertThat(probe.reachable()).isTrue();
            status.set(503);
            assertThat(probe.reachable()).isFalse();
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void shouldServeOnlyWhenTheRegistryAnswers2xxToTheAppsLogin() throws Exception {
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("careflow-streams:right".getBytes());
        registry.createContext("/", exchange -> {
            exchange.sendResponseHeaders(expected.equals(exchange.getRequestHeaders().getFirst("Authorization")) ? 200 : 401, -1);
            exchange.close();
        });
        registry.start();
        try {
            String url = "http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v3";
            RegistryProbe right = new RegistryProbe(url, "careflow-streams", "right", HttpClient.newHttpClient(), Duration.ofSeconds(1),
                Duration.ZERO, nanos::get);
            RegistryProbe wrong = new RegistryProbe(url, "careflow-streams", "wrong", HttpClient.newHttpClient(), Duration.ofSeconds(1),
                Duration.ZERO, nanos::get);

            assertThat(right.serving()).isTrue();
            assertThat(wrong.reachable()).as("up").isTrue();
            assertThat(wrong.serving()).as("but refusing the app: its records wait, none is poison").isFalse();
        } finally {
            registry.stop(0);
        }
    }
}
