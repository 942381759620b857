package org.careflow.triage;

import org.careflow.query.StreamsHttpApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.platform.embedded.Await;
import org.careflow.http.HttpServerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health/ready} follows the stream processor: 503 while it starts and while a second instance joining makes it
 * rebalance, 200 when it is RUNNING with its stores queryable. Readiness is sampled in a loop, each answer paired with
 * the state read just before and just after it; only pairs whose two reads agree are judged, so a sample taken across a
 * transition proves nothing either way and is left out.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriageReadinessIT {

    private static final Logger LOG = LoggerFactory.getLogger(TriageReadinessIT.class);
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private TriagePlatform platform;

    @BeforeAll
    void startPlatform(@TempDir Path dir) {
        platform = TriagePlatform.start(dir);
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    record Sample(KafkaStreams.State state, int status, String body) {
    }

    @Test
    void shouldBeUnreadyDuringStartAndRebalanceAndReadyWhenRunning(@TempDir Path dir) throws Exception {
        String applicationId = "readiness-it-" + UUID.randomUUID();
        platform.submitPatients(12);

        // Given the first instance just started: not RUNNING yet, so not ready
        try (StreamsHttpApp first = TriageApp.start(platform.config(applicationId, dir.resolve("state-1"), 0))) {
            List<Sample> startSamples = new CopyOnWriteArrayList<>();
            Await.until("the first instance to be ready", DEADLINE, () -> {
                sample(first).ifPresent(startSamples::add);
                return !startSamples.isEmpty() && startSamples.get(startSamples.size() - 1).status() == 200;
            });
            assertThat(startSamples).as("a 503 while starting").anyMatch(s -> s.state() != KafkaStreams.State.RUNNING && s.status() == 503);
            assertThat(startSamples).as("never ready before RUNNING").noneMatch(s -> s.state() != KafkaStreams.State.RUNNING && s.status() == 200);
            Sample before = startSamples.stream().filter(s -> s.status() == 503).findFirst().orElseThrow();
            JsonNode body = HttpServerFactory.MAPPER.readTree(before.body());
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("state").asText()).isIn("CREATED", "REBALANCING");
            assertThat(HttpServerFactory.MAPPER.readTree(startSamples.get(startSamples.size() - 1).body()).get("state").asText())
                .isEqualTo("RUNNING");

            // When a second instance joins the group, with readiness of the first sampled all along
            List<Sample> samples = new CopyOnWriteArrayList<>();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().name("readiness-sampler").start(() -> {
                while (sampling.get()) {
                    sample(first).ifPresent(samples::add);
                }
            });
            List<Sample> afterSettling;
            try (StreamsHttpApp second = TriageApp.start(platform.config(applicationId, dir.resolve("state-2"), 0))) {
                Await.until("both instances running with tasks and ready", DEADLINE, () -> hasActiveTasks(first) && hasActiveTasks(second)
                    && platform.status(first.port(), "/health/ready") == 200 && platform.status(second.port(), "/health/ready") == 200
                    && samples.stream().anyMatch(s -> s.state() == KafkaStreams.State.REBALANCING));
                // The first instance is sampled a few more times after it settled, then sampling stops before the second
                // instance leaves (its leaving is another rebalance)
                int settled = samples.size();
                Await.until("samples after the rebalance", DEADLINE, () -> samples.size() > settled + 5);
                sampling.set(false);
                sampler.join();
                afterSettling = List.copyOf(samples.subList(settled, samples.size()));
            } finally {
                sampling.set(false);
                sampler.join();
            }

            // Then it answered 503 while rebalancing, never 200 unless RUNNING, and is ready again
            long rebalancing503 = samples.stream().filter(s -> s.state() == KafkaStreams.State.REBALANCING && s.status() == 503).count();
            LOG.info("Readiness samples during the join: {} in all, {} answered 503 while REBALANCING", samples.size(), rebalancing503);
            assertThat(rebalancing503).as("503 while REBALANCING").isPositive();
            assertThat(samples).as("never 200 unless RUNNING").noneMatch(s -> s.state() != KafkaStreams.State.RUNNING && s.status() == 200);
            assertThat(samples.stream().filter(s -> s.state() == KafkaStreams.State.REBALANCING && s.status() == 503).findFirst().orElseThrow().body())
                .contains("\"state\":\"REBALANCING\"");
            assertThat(afterSettling).as("ready again once settled").anyMatch(s -> s.state() == KafkaStreams.State.RUNNING && s.status() == 200);
        }
    }

    /** One readiness answer with the state it describes, or empty when the state changed while asking. */
    private java.util.Optional<Sample> sample(StreamsHttpApp app) {
        KafkaStreams.State before = app.streams().state();
        try {
            var response = platform.get(app.port(), "/health/ready");
            KafkaStreams.State after = app.streams().state();
            // The state the answer reports is the one readiness read; if it is neither end's, the state changed and changed
            // back during the request (a rebalance retried at once), so the sample says nothing about either state.
            boolean sameThroughout = before == after && response.body().contains("\"state\":\"" + before.name() + "\"");
            return sameThroughout ? java.util.Optional.of(new Sample(before, response.statusCode(), response.body())) : java.util.Optional.empty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean hasActiveTasks(StreamsHttpApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
            && app.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }
}
