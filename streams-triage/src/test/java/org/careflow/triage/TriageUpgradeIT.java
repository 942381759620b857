package org.careflow.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.StreamsSettings;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.query.StreamsHttpApp;
import org.careflow.security.AuthSettings;
import org.careflow.state.triage.PatientTriageHistory;
import org.careflow.topics.CompositeKey;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.topology.TriageAssessor;
import org.careflow.triage.topology.TriageKeys;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade to the per-assessment layout: this version started on topics an earlier version wrote, through the
 * registry, in the earlier layout (a patient's whole history in one changelog value; whole assessments in the queue's
 * repartition topic). Nothing is lost: the old history answers, is compared with and grows; the old queue record queues.
 */
@Tag("integration")
class TriageUpgradeIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String FACILITY = "f-upgrade";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldCarryTheEarlierVersionsHistoryAndQueueRecordsIntoTheNewLayout(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.catalogue(dir)) {
            String applicationId = "triage-upgrade-it-" + UUID.randomUUID();
            int partitions;
            String changelog = applicationId + "-" + TriageTopology.PATIENT_HISTORY_STORE + "-changelog";
            String repartition = applicationId + "-" + TriageTopology.QUEUE_REPARTITION + "-repartition";
            try (Admin admin = platform.admin()) {
                partitions = admin.describeTopics(List.of(Topics.TRIAGE_SUBMISSIONS.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.TRIAGE_SUBMISSIONS.name()).partitions().size();
                admin.createTopics(List.of(
                    new NewTopic(changelog, partitions, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                    new NewTopic(repartition, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }

            // Given what the earlier version left: a patient's history of two assessments, and one assessment on its way
            // to the facility's queue (another patient), both written through the registry as that version wrote them
            Instant t0 = Instant.now().minus(Duration.ofHours(1));
            TriageAssessment olderLow = assess("s-old-1", "p-upgrade", t0, TriageFixtures.lowVitals());
            TriageAssessment newerLow = assess("s-old-2", "p-upgrade", t0.plusSeconds(60), TriageFixtures.lowVitals());
            TriageAssessment inFlight = assess("s-flight", "p-in-flight", t0.plusSeconds(90), TriageFixtures.exampleVitals());
            RegistryEventSerdes oldSerdes = new RegistryEventSerdes(platform.registryUrl(), true);
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                PatientTriageHistory history = new PatientTriageHistory(new ArrayList<>(List.of(newerLow, olderLow)),
                    new ArrayList<>(List.of("s-old-2", "s-old-1")));
                raw.send(new ProducerRecord<>(changelog, CompositeKey.partitionOf("p-upgrade", partitions),
                    bytes(TriageKeys.history("p-upgrade", FACILITY)),
                    oldSerdes.internalValueSerde(PatientTriageHistory.class).serializer().serialize(changelog, history))).get();
                raw.send(new ProducerRecord<>(repartition, CompositeKey.partitionOf(FACILITY, partitions), bytes(FACILITY),
                    oldSerdes.internalValueSerde(TriageAssessment.class).serializer().serialize(repartition, inFlight))).get();
            }

            // When this version starts on those topics
            try (StreamsHttpApp app = TriageApp.start(config(platform, applicationId, dir.resolve("state")))) {
                Await.until("streams-triage running", DEADLINE, () -> app.streams().state() == KafkaStreams.State.RUNNING);

                // Then the old history answers, and the assessment that was in flight is on the queue
                assertThat(awaitJson(app, "/v1/patients/p-upgrade/triage").get("submissionId").asText()).isEqualTo("s-old-2");
                JsonNode queue = Await.value("the in-flight assessment queued", DEADLINE, () -> {
                    JsonNode q = awaitJson(app, "/v1/facilities/" + FACILITY + "/queue");
                    return q.get("entries").size() > 0 ? q : null;
                });
                assertThat(queue.at("/entries/0/patientId").asText()).isEqualTo("p-in-flight");
                assertThat(queue.at("/entries/0/band").asText()).isEqualTo("HIGH");

                // and the patient's next submission joins the old history, compared with its newest assessment
                try (KafkaProducer<String, SpecificRecord> producer = TriageFixtures.avroProducer(platform.bootstrapServers(), platform.registryUrl())) {
                    producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), "p-upgrade", submission("s-new", "p-upgrade",
                        t0.plusSeconds(120), TriageFixtures.exampleVitals()))).get();
                }
                JsonNode history = Await.value("the new assessment in the history", DEADLINE, () -> {
                    JsonNode h = awaitJson(app, "/v1/patients/p-upgrade/triage/history");
                    return h.get("assessments").size() == 3 ? h : null;
                });
                List<String> ids = new ArrayList<>();
                history.get("assessments").forEach(a -> ids.add(a.get("submissionId").asText()));
                assertThat(ids).containsExactly("s-new", "s-old-2", "s-old-1");
                assertThat(awaitJson(app, "/v1/patients/p-upgrade/triage").get("submissionId").asText()).isEqualTo("s-new");
            }
        }
    }

    private static TriageSubmission submission(String submissionId, String patientId, Instant at, org.careflow.events.triage.VitalSigns vitals) {
        return TriageSubmission.newBuilder(TriageFixtures.submission(submissionId, patientId, at, vitals)).setFacilityId(FACILITY).build();
    }

    private static TriageAssessment assess(String submissionId, String patientId, Instant at, org.careflow.events.triage.VitalSigns vitals) {
        return TriageAssessor.assess(submission(submissionId, patientId, at, vitals), at.plusSeconds(1));
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode awaitJson(StreamsHttpApp app, String path) {
        return Await.value("200 from " + path, DEADLINE, () -> {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    assertThat(response.statusCode()).as("only 404 or 503 may precede the answer: %s", response.body()).isIn(404, 503);
                    return null;
                }
                return HttpServerFactory.MAPPER.readTree(response.body());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static TriageConfig config(PlatformFixture platform, String applicationId, Path stateDir) {
        return new TriageConfig(StreamsSettings.builder().bootstrapServers(platform.bootstrapServers()).registry(platform.registryUrl())
            .http("127.0.0.1", 0).advertisedHost("127.0.0.1").applicationId(applicationId).stateDir(stateDir)
            .override(AuthSettings.AUTH_ENABLED_CONFIG, "false").appConfig());
    }
}
