package org.careflow.triage;

import org.careflow.query.StreamsHttpApp;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.config.CommonConfig;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.config.StreamsSettings;
import org.careflow.security.AuthSettings;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.metrics.PrometheusSamples;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.TopicProvisioner;
import org.careflow.topics.Topics;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Two instances of streams-triage on a real KRaft broker and the real Apicurio registry. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriageStreamsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int PATIENTS = 24;

    private final HttpClient http = HttpClient.newHttpClient();
    private PlatformFixture platform;
    private StreamsHttpApp first;
    private StreamsHttpApp second;

    @BeforeAll
    void startPlatform(@TempDir Path dir) {
        platform = PlatformFixture.catalogue(dir);
        String applicationId = "triage-it-" + UUID.randomUUID();
        first = TriageApp.start(config(applicationId, dir.resolve("state-1")));
        second = TriageApp.start(config(applicationId, dir.resolve("state-2")));
        Await.until("both instances running with tasks", DEADLINE, () -> hasActiveTasks(first) && hasActiveTasks(second));
    }

    @AfterAll
    void stopPlatform() {
        for (AutoCloseable c : new AutoCloseable[] {first, second, platform}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    void shouldAnswerEveryPatientFromBothInstancesWhenKeysAreSpreadAcrossThem() throws Exception {
        // Given: assessments for patients on every partition
        Instant now = Instant.now();
        Map<String, String> submissionByPatient = new HashMap<>();
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            for (int i = 0; i < PATIENTS; i++) {
                String patient = "patient-" + i;
                String submission = "sub-" + i;
                submissionByPatient.put(patient, submission);
                producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), patient,
                    TriageFixtures.submission(submission, patient, now, TriageFixtures.exampleVitals()))).get();
            }
        }

        // Then: the keys are owned by both instances, so both the local and the forwarded path are used ...
        Set<HostInfo> owners = new HashSet<>();
        submissionByPatient.keySet().forEach(p -> owners.add(first.streams()
            .queryMetadataForKey(TriageTopology.PATIENT_HISTORY_STORE, p, Serdes.String().serializer()).activeHost()));
        assertThat(owners).containsExactlyInAnyOrder(host(first), host(second));

        // ... and each instance answers for every patient
        for (StreamsHttpApp instance : List.of(first, second)) {
            for (Map.Entry<String, String> e : submissionByPatient.entrySet()) {
                JsonNode body = awaitAssessment(instance, e.getKey());
                assertThat(body.get("patientId").asText()).isEqualTo(e.getKey());
                assertThat(body.get("submissionId").asText()).isEqualTo(e.getValue());
                assertThat(body.get("score").asInt()).isEqualTo(7);
                assertThat(body.get("band").asText()).isEqualTo("HIGH");
                assertThat(body.get("complete").asBoolean()).isTrue();
                assertThat(body.at("/components/respiratoryRate/points").asInt()).isEqualTo(2);
                assertThat(body.get("monitoring").asText()).isEqualTo("CONTINUOUS");
            }
        }
    }

    @Test
    void shouldAnswer404OnBothInstancesWhenPatientIsUnknown() throws Exception {
        for (StreamsHttpApp instance : List.of(first, second)) {
            HttpResponse<String> response = get(instance, "/v1/patients/nobody-" + UUID.randomUUID() + "/triage");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        }
    }

    @Test
    void shouldDeadLetterUnreadableRecordWithReasonAndKeepProcessingWhenBytesAreNotAvro() throws Exception {
        // Given: a record no Avro deserializer can read, followed by a valid submission
        String patient = "after-poison-" + UUID.randomUUID();
        try (KafkaProducer<byte[], byte[]> raw = rawProducer(); KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            raw.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), "poison".getBytes(StandardCharsets.UTF_8),
                "{not avro}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), patient,
                TriageFixtures.submission("after-" + patient, patient, Instant.now(), TriageFixtures.normalVitals()))).get();
        }

        // Then: it lands on the dead-letter topic unchanged, with the reason ...
        ConsumerRecord<byte[], byte[]> dead = awaitDeadLetter("{not avro}");
        assertThat(dead.headers().lastHeader("__streams.errors.exception")).isNotNull();
        assertThat(new String(dead.headers().lastHeader("__streams.errors.topic").value(), StandardCharsets.UTF_8))
            .isEqualTo(Topics.TRIAGE_SUBMISSIONS.name());
        assertThat(dead.headers().lastHeader("__streams.errors.partition")).isNotNull();
        assertThat(dead.headers().lastHeader("__streams.errors.offset")).isNotNull();
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("poison");

        // ... and the app goes on scoring
        assertThat(awaitAssessment(first, patient).get("band").asText()).isEqualTo("LOW");
        assertThat(first.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(second.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    @Test
    void shouldServeStreamsAndBusinessMetricsWhenRecordsGoThroughOrAreDeadLettered() throws Exception {
        // Given what the instances counted so far
        Map<String, String> low = Map.of("app", "streams-triage", "band", "LOW");
        Map<String, String> deadLetters = Map.of("app", "streams-triage", "topic", Topics.TRIAGE_DEAD_LETTERS.name());
        double lowBefore = sumOverInstances("careflow_triage_assessments_total", low);
        double deadBefore = sumOverInstances("careflow_dead_letters_total", deadLetters);

        // When one unreadable record and one LOW submission arrive
        String patient = "metrics-" + UUID.randomUUID();
        try (KafkaProducer<byte[], byte[]> raw = rawProducer(); KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            raw.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), "poison-metrics".getBytes(StandardCharsets.UTF_8),
                "{not avro either}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), patient,
                TriageFixtures.submission("metrics-" + patient, patient, Instant.now(), TriageFixtures.normalVitals()))).get();
        }

        // Then the instances count one more LOW assessment and one more dead letter
        Await.until("the assessment and the dead letter to be counted", DEADLINE, () ->
            sumOverInstances("careflow_triage_assessments_total", low) == lowBefore + 1
                && sumOverInstances("careflow_dead_letters_total", deadLetters) == deadBefore + 1);
        // and each serves the Kafka Streams thread, RocksDB, consumer and producer metrics, and the JVM's
        for (StreamsHttpApp instance : List.of(first, second)) {
            String text = Await.value("the Kafka Streams metrics on port " + instance.port(), DEADLINE, () -> {
                String t = metrics(instance);
                return PrometheusSamples.has(t, "kafka_stream_state_block_cache_usage") ? t : null;
            });
            Map<String, String> app = Map.of("app", "streams-triage");
            assertThat(PrometheusSamples.count(text, "kafka_stream_thread_process_rate", app)).isPositive();
            assertThat(PrometheusSamples.sum(text, "kafka_stream_thread_process_total", app)).isPositive();
            assertThat(PrometheusSamples.count(text, "kafka_stream_state_block_cache_usage", app)).isPositive();
            assertThat(PrometheusSamples.count(text, "kafka_consumer_fetch_manager_records_lag_max", app)).isPositive();
            assertThat(PrometheusSamples.count(text, "kafka_producer_record_send_total", app)).isPositive();
            assertThat(PrometheusSamples.sum(text, "jvm_memory_used_bytes", app)).isPositive();
            assertThat(text).doesNotContain(patient);
        }
    }

    private double sumOverInstances(String name, Map<String, String> labels) {
        double sum = 0;
        for (StreamsHttpApp instance : List.of(first, second)) {
            double value = PrometheusSamples.sum(metrics(instance), name, labels);
            sum += Double.isNaN(value) ? 0 : value;
        }
        return sum;
    }

    private String metrics(StreamsHttpApp instance) {
        HttpResponse<String> response = get(instance, "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private TriageConfig config(String applicationId, Path stateDir) {
        return new TriageConfig(StreamsSettings.builder().bootstrapServers(platform.bootstrapServers()).registry(platform.registryUrl())
            .http("127.0.0.1", 0).advertisedHost("127.0.0.1").applicationId(applicationId).stateDir(stateDir)
            // Security is not this test's subject (SecuredQueryRoutesIT covers it).
            .override(AuthSettings.AUTH_ENABLED_CONFIG, "false").appConfig());
    }

    private static boolean hasActiveTasks(StreamsHttpApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
            && app.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }

    private static HostInfo host(StreamsHttpApp app) {
        return new HostInfo("127.0.0.1", app.port());
    }

    private JsonNode awaitAssessment(StreamsHttpApp instance, String patient) {
        return Await.value("the assessment of a patient on port " + instance.port(), DEADLINE, () -> {
            HttpResponse<String> response = get(instance, "/v1/patients/" + patient + "/triage");
            if (response.statusCode() == 200) {
                return readJson(response.body());
            }
            assertThat(response.statusCode()).as("only 404 (not yet scored) or 503 (rebalancing) may precede the answer").isIn(404, 503);
            return null;
        });
    }

    private static JsonNode readJson(String body) {
        try {
            return HttpServerFactory.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }

    private ConsumerRecord<byte[], byte[]> awaitDeadLetter(String value) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.TRIAGE_DEAD_LETTERS.name()));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (value.equals(new String(r.value(), StandardCharsets.UTF_8))) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("The unreadable record never reached " + Topics.TRIAGE_DEAD_LETTERS.name());
    }

    private HttpResponse<String> get(StreamsHttpApp instance, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private KafkaProducer<String, SpecificRecord> avroProducer() {
        return TriageFixtures.avroProducer(platform.bootstrapServers(), platform.registryUrl());
    }

    private KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer());
    }

}
