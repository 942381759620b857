package org.careflow.triage.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.http.HttpServerFactory;
import org.careflow.query.InteractiveQueryService;
import org.careflow.security.SecurityGate;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query API while its store cannot be read: 503 with Retry-After, never 404 or 500. */
class TriageQueryRoutesTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicReference<InteractiveQueryService> queries = new AtomicReference<>();
    private Javalin server;
    private KafkaStreams streams;

    @BeforeEach
    void start() {
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> false).gate(SecurityGate.disabled())
            .routes(new TriageQueryRoutes(queries::get)::register).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        if (streams != null) {
            streams.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldListAssessmentsOfTheSameMillisecondNewestReceivedFirstWhenAReplayAssessedThemAtOnce() {
        // Given a facility's history as the store reads it, oldest received first, the last two assessed in one millisecond
        record Assessed(String submissionId, Instant at) {
        }
        Instant replay = Instant.parse("2026-12-07T17:29:57.001Z");
        List<Assessed> inReceiptOrder = List.of(new Assessed("s-0", replay.minusSeconds(60)), new Assessed("s-1", replay),
            new Assessed("s-2", replay));

        // Then the newest assessed comes first, and of the two assessed together the one received later
        assertThat(TriageQueryRoutes.newestFirst(inReceiptOrder, Assessed::at)).extracting(Assessed::submissionId)
            .containsExactly("s-2", "s-1", "s-0");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenStreamProcessorDoesNotExistYet() throws Exception {
        HttpResponse<String> response = get("/v1/patients/p-1/triage");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenStoresAreNotRunningYet(@TempDir Path stateDir) throws Exception {
        // Given a real stream processor that has not started (its stores are not queryable)
        TriageConfig config = new TriageConfig(Map.of(TriageConfig.STATE_DIR_CONFIG, stateDir.toString()));
        Properties props = config.streamsProperties(server.port());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        streams = new KafkaStreams(TriageTopology.build(config, new PlainAvroEventSerdes()), props);
        queries.set(InteractiveQueryService.builder(streams, new HostInfo("127.0.0.1", server.port()))
            .client(InteractiveQueryService.newHttpClient(Duration.ofSeconds(1))).forwardTimeout(Duration.ofSeconds(1)).build());

        // When a patient is asked for
        HttpResponse<String> response = get("/v1/patients/p-1/triage");

        // Then the answer says to come back, not that the patient is unknown
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(response.body()).contains("CREATED");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer400NamingLimitWhenItIsOutOfRange() throws Exception {
        HttpResponse<String> response = get("/v1/facilities/f-1/queue?limit=0");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"limit\"");
    }

    @Test
    void shouldAnswer400WhenStatsRangeIsReversedOrTooLong() throws Exception {
        assertThat(get("/v1/facilities/f-1/stats?from=2026-11-21T12:00:00Z&to=2026-11-21T10:00:00Z").statusCode()).isEqualTo(400);
        assertThat(get("/v1/facilities/f-1/stats?from=2026-01-01T00:00:00Z&to=2026-11-21T10:00:00Z").statusCode()).isEqualTo(400);
        assertThat(get("/v1/facilities/f-1/stats?from=yesterday").body()).contains("\"field\":\"from\"");
    }
}
