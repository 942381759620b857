package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.careflow.config.CommonConfig;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.FreePorts;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.ingest.facilities.TestFacilities;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest API's readiness follows the schema registry, and SIGTERM stops it in order with exit status 143. */
@Tag("integration")
class IngestLifecycleIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldBeUnreadyWhileTheRegistryIsDownAndStopInOrderOnSigterm(@TempDir Path dir) throws Exception {
        PlatformFixture platform = PlatformFixture.catalogue(dir);
        Process ingest = null;
        try {
            TestFacilities.publish(platform.bootstrapServers(), platform.registryUrl());

            // Given the API in its own JVM, ready, its readiness naming each dependency
            int port = FreePorts.reserve(1)[0];
            Path log = dir.resolve("ingest.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlog4j2.configurationFile=log4j2.xml",
                "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager",
                "-cp", System.getProperty("java.class.path"), IngestApp.class.getName());
            builder.environment().putAll(Map.of("CAREFLOW_KAFKA_BOOTSTRAP_SERVERS", platform.bootstrapServers(),
                "CAREFLOW_REGISTRY_URL", platform.registryUrl(), "CAREFLOW_HTTP_HOST", "127.0.0.1", "CAREFLOW_HTTP_PORT", Integer.toString(port),
                "CAREFLOW_AUTH_ENABLED", "false"));
            ingest = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Await.until("the API to be ready", DEADLINE, () -> status(port) == 200);
            JsonNode up = HttpServerFactory.MAPPER.readTree(get(port).body());
            assertThat(up.get("registry").asText()).isEqualTo("UP");
            assertThat(up.get("kafka").asText()).isEqualTo("UP");
            assertThat(up.get("forms").asText()).isEqualTo("UP");

            // When the registry goes away, then the API reports not ready, naming it
            platform.stopRegistry();
            Await.until("the API to report the registry down", DEADLINE, () -> status(port) == 503);
            assertThat(HttpServerFactory.MAPPER.readTree(get(port).body()).get("registry").asText()).isEqualTo("DOWN");

            // When it is sent SIGTERM, then it stops in order and exits with 143
            ingest.destroy();
            assertThat(ingest.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertThat(ingest.exitValue()).as(String.join("\n", lines)).isEqualTo(143);
            assertThat(lines).containsSubsequence(line(lines, "Ingest API stopping"), line(lines, "Ingest API: HTTP server stopped"),
                line(lines, "Ingest API: producer flushed and closed"), line(lines, "Ingest API stopped"));
        } finally {
            if (ingest != null) {
                ingest.destroyForcibly();
            }
            platform.close();
        }
    }

    private static String line(List<String> lines, String text) {
        return lines.stream().filter(l -> l.contains(text)).findFirst()
            .orElseThrow(() -> new AssertionError("No log line with: " + text + "\n" + String.join("\n", lines)));
    }

    private int status(int port) {
        try {
            return get(port).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private HttpResponse<String> get(int port) throws java.io.IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
