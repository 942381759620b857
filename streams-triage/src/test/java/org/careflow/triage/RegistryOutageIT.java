package org.careflow.triage;

import org.careflow.query.StreamsHttpApp;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.avro.specific.SpecificRecord;
import org.careflow.config.StreamsSettings;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transient is not poison: a submission streams-triage cannot read because the schema registry is down is neither
 * dead-lettered nor skipped. The app reports not ready, naming the registry, and assesses the submission once the
 * registry is back. Real broker, real registry (stopped, then started again on the same port and database).
 */
@Tag("integration")
class RegistryOutageIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldAssessASubmissionReadDuringARegistryOutageOnceTheRegistryIsBackAndDeadLetterNothing(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.builder(dir).restartableRegistry().topics(Topics.all()).registerSchemas().start()) {
            String registryUrl = platform.registryUrl();
            // Given a submission written while the registry was up
            try (KafkaProducer<String, SpecificRecord> producer = TriageFixtures.avroProducer(platform.bootstrapServers(), registryUrl)) {
                producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), "outage-patient",
                    TriageFixtures.submission("outage-sub", "outage-patient", Instant.now(), TriageFixtures.exampleVitals()))).get();
            }

            // When the registry goes down before streams-triage (knowing no schema yet) reads it
            platform.stopRegistry();
            try (StreamsHttpApp triage = TriageApp.start(config(platform.bootstrapServers(), registryUrl, dir))) {
                // Then the app says it waits for the registry, and nothing is dead-lettered
                String notReady = Await.value("readiness to name the registry", DEADLINE, () -> {
                    HttpResponse<String> r = get(triage.port(), "/health/ready");
                    return r != null && r.statusCode() == 503 && r.body().contains("registry") ? r.body() : null;
                });
                assertThat(notReady).contains("dependenciesDown");
                assertThat(deadLetters(platform.bootstrapServers())).as("a registry outage is not poison").isZero();

                // When the registry is back, on the same port and database
                try (EmbeddedRegistry again = platform.startRegistry()) {
                    // Then the submission is assessed, once, and still nothing is dead-lettered
                    String history = Await.value("the submission to be assessed", DEADLINE, () -> {
                        HttpResponse<String> r = get(triage.port(), "/v1/patients/outage-patient/triage/history?limit=20");
                        return r != null && r.statusCode() == 200 && r.body().contains("outage-sub") ? r.body() : null;
                    });
                    assertThat(history.split("outage-sub", -1)).as("assessed exactly once").hasSize(2);
                    assertThat(deadLetters(platform.bootstrapServers())).isZero();
                    Await.until("readiness once the registry serves again", DEADLINE, () -> {
                        HttpResponse<String> r = get(triage.port(), "/health/ready");
                        return r != null && r.statusCode() == 200;
                    });
                }
            }
        }
    }

    private static TriageConfig config(String bootstrap, String registryUrl, Path dir) {
        return new TriageConfig(StreamsSettings.builder().bootstrapServers(bootstrap).registry(registryUrl).http("127.0.0.1", 0)
            .advertisedHost("127.0.0.1").applicationId("registry-outage-it").stateDir(dir.resolve("state")).standbyReplicas(0)
            .override(AuthSettings.AUTH_ENABLED_CONFIG, "false").appConfig());
    }

    /** How many records the dead-letter topic holds. */
    private static long deadLetters(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPartition p = new TopicPartition(Topics.TRIAGE_DEAD_LETTERS.name(), 0);
            return admin.listOffsets(Map.of(p, OffsetSpec.latest())).all().get().get(p).offset();
        }
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
