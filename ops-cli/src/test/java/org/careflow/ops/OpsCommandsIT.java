package org.careflow.ops;

import org.careflow.query.StreamsHttpApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.StreamsSettings;
import org.careflow.config.StreamsAppConfig;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./careflow ops status} and {@code ./careflow ops scale-partitions}, run in-process against streams-triage on a
 * real KRaft broker and registry: status names the instance, its tasks, lag and store sizes; scaling the submissions
 * topic keeps every patient's state.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsCommandsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int PATIENTS = 300;
    private static final int SUBMISSIONS_PER_PATIENT = 2;
    private static final int NEW_PARTITIONS = 12;

    private static final Pattern SUBMISSION_LAG =
        Pattern.compile("(?m)^\\s+triage-submissions\\s+(\\d+)\\s+(\\d+|-)\\s+(\\d+)\\s+(\\d+)$");

    private final HttpClient http = HttpClient.newHttpClient();
    private Path dir;
    private PlatformFixture platform;
    private StreamsHttpApp triage;
    private String applicationId;
    /** Each patient's history as the first application id served it, without processing times. */
    private final Map<String, JsonNode> historyBefore = new LinkedHashMap<>();
    /** Each patient's submission ids in the order they were written. */
    private final Map<String, List<String>> submissionOrder = new LinkedHashMap<>();

    @BeforeAll
    void startPlatform(@TempDir Path dir) throws Exception {
        this.dir = dir;
        platform = PlatformFixture.catalogue(dir);
        applicationId = "ops-it-" + UUID.randomUUID().toString().substring(0, 8);
        triage = TriageApp.start(config(applicationId, dir.resolve("state-1"), ""));

        // Given: two submissions for each of hundreds of patients, through the real topology
        Instant t0 = Instant.parse("2026-11-20T08:00:00Z");
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            for (int round = 0; round < SUBMISSIONS_PER_PATIENT; round++) {
                for (int i = 0; i < PATIENTS; i++) {
                    String patient = "ops-patient-" + i;
                    String submission = "s-" + i + "-" + round;
                    submissionOrder.computeIfAbsent(patient, k -> new ArrayList<>()).add(submission);
                    producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), patient,
                        submission(submission, patient, t0.plusSeconds(60L * round + i), 14 + (i + round) % 12)));
                }
            }
            producer.flush();
        }
        for (String patient : submissionOrder.keySet()) {
            historyBefore.put(patient, awaitHistory(triage, patient, SUBMISSIONS_PER_PATIENT));
        }
    }

    @AfterAll
    void stopPlatform() {
        for (AutoCloseable c : new AutoCloseable[] {triage, platform}) {
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
    @Order(1)
    void shouldShowInstanceTasksLagAndStoreSizesWhenStatusIsAskedOfRunningApp() throws Exception {
        // When: the status command runs until the app has committed every submission it read
        AtomicReference<String> last = new AtomicReference<>("");
        String table;
        try {
            table = Await.value("ops status with streams-triage caught up", DEADLINE, () -> {
                Result r = ops("status", "--kafka", platform.bootstrapServers(), "--app", "http://127.0.0.1:" + triage.port(),
                    "--application-id", "streams-triage=" + applicationId);
                assertThat(r.code).as(r.err).isZero();
                last.set(r.out);
                return submissionsCommitted(r.out) == (long) PATIENTS * SUBMISSIONS_PER_PATIENT ? r.out : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last output:\n" + last.get(), e);
        }

        // Then: it names the app, its instance and tasks, a lag figure per input partition, and the stores with their sizes
        assertThat(table).contains("instance 127.0.0.1:" + triage.port() + "  RUNNING");
        assertThat(table).containsPattern("thread \\S+-StreamThread-1 RUNNING  active \\d+_0,\\d+_1,");
        assertThat(table).contains("streams-triage  application.id=" + applicationId + "  group STABLE  members 1");
        Matcher lag = SUBMISSION_LAG.matcher(table);
        int rows = 0;
        while (lag.find()) {
            rows++;
            assertThat(lag.group(4)).as("lag of triage-submissions partition %s", lag.group(1)).isEqualTo("0");
        }
        assertThat(rows).isEqualTo(Topics.TRIAGE_SUBMISSIONS.partitions());
        Matcher store = Pattern.compile("(?m)^\\s+" + TriageTopology.PATIENT_HISTORY_STORE + "\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$").matcher(table);
        long entries = 0;
        while (store.find()) {
            entries += Long.parseLong(store.group(2));
        }
        assertThat(entries).as("approximate entries of the history store in\n%s", table).isPositive();
        assertThat(table).contains("restores: ");

        // ... and the same as JSON
        Result json = ops("status", "--kafka", platform.bootstrapServers(), "--app", "http://127.0.0.1:" + triage.port(),
            "--application-id", "streams-triage=" + applicationId, "--json");
        JsonNode app = HttpServerFactory.MAPPER.readTree(json.out).path("apps").get(0);
        assertThat(app.path("app").asText()).isEqualTo("streams-triage");
        assertThat(app.path("members")).hasSize(1);
        assertThat(app.path("instances").get(0).path("threads").get(0).path("activeTasks").toString())
            .contains(Topics.TRIAGE_SUBMISSIONS.name() + "-0");
        assertThat(app.path("instances").get(0).path("stores").findValuesAsText("store")).contains(TriageTopology.PATIENT_HISTORY_STORE);
    }

    @Test
    @Order(2)
    void shouldKeepEveryPatientsStateWhenSubmissionsTopicIsScaledOut() throws Exception {
        String[] scale = {"scale-partitions", "--kafka", platform.bootstrapServers(), "--topic", Topics.TRIAGE_SUBMISSIONS.name(),
            "--partitions", Integer.toString(NEW_PARTITIONS), "--application-id", "streams-triage=" + applicationId, "--quiet-period", "2s"};

        // When: the plan cannot work, it refuses before touching anything
        Result notMore = ops("scale-partitions", "--kafka", platform.bootstrapServers(), "--topic", Topics.TRIAGE_SUBMISSIONS.name(),
            "--partitions", Integer.toString(Topics.TRIAGE_SUBMISSIONS.partitions()));
        assertThat(notMore.code).isEqualTo(1);
        assertThat(notMore.err).contains("already has 6 partitions; scale-partitions only adds partitions");
        Result unknown = ops("scale-partitions", "--kafka", platform.bootstrapServers(), "--topic", "triage-submission", "--partitions", "12");
        assertThat(unknown.code).isEqualTo(1);
        assertThat(unknown.err).contains("triage-submission is not a careflow topic");

        // When: asked while the app runs, it refuses and changes nothing
        Result refused = ops(scale);
        assertThat(refused.code).isEqualTo(1);
        assertThat(refused.err).contains("streams-triage (application.id " + applicationId).contains("Stop every instance").contains("Nothing was changed");
        assertThat(partitions(Topics.TRIAGE_SUBMISSIONS.name())).isEqualTo(Topics.TRIAGE_SUBMISSIONS.partitions());

        // When: the app is stopped, it scales the topic
        triage.close();
        triage = null;
        Result done = ops(scale);
        assertThat(done.code).as(done.err).isZero();
        String newId = applicationId + "-p" + NEW_PARTITIONS;
        assertThat(done.out).contains("streams-triage: application.id=" + newId + " topic.partitions=triage-submissions:" + NEW_PARTITIONS);

        // Then: the topic has N partitions, every key's records sit in hash(key) % N in their original order, and a backup is kept
        assertThat(partitions(Topics.TRIAGE_SUBMISSIONS.name())).isEqualTo(NEW_PARTITIONS);
        Map<String, List<String>> seen = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> records = readAll(Topics.TRIAGE_SUBMISSIONS.name());
        assertThat(records).hasSize(PATIENTS * SUBMISSIONS_PER_PATIENT);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(r.partition()).isEqualTo(Utils.toPositive(Utils.murmur2(r.key())) % NEW_PARTITIONS);
            String value = new String(r.value(), StandardCharsets.ISO_8859_1);
            String patient = new String(r.key(), StandardCharsets.UTF_8);
            seen.computeIfAbsent(patient, k -> new ArrayList<>())
                .add(submissionOrder.get(patient).stream().filter(value::contains).findFirst().orElseThrow());
        }
        assertThat(seen).isEqualTo(submissionOrder);
        try (Admin admin = platform.admin()) {
            List<String> backups = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(n -> n.startsWith(Topics.TRIAGE_SUBMISSIONS.name() + ".backup-")).toList();
            assertThat(backups).hasSize(1);
            assertThat(partitions(backups.get(0))).isEqualTo(Topics.TRIAGE_SUBMISSIONS.partitions());
            assertThat(readAll(backups.get(0))).hasSize(PATIENTS * SUBMISSIONS_PER_PATIENT);
        }

        // When: the app starts under the new application id and reprocesses
        triage = TriageApp.start(config(newId, dir.resolve("state-2"), "triage-submissions:" + NEW_PARTITIONS));

        // Then: every patient's state is what it was, served from one of the N partitions' tasks
        for (Map.Entry<String, JsonNode> e : historyBefore.entrySet()) {
            assertThat(awaitHistory(triage, e.getKey(), SUBMISSIONS_PER_PATIENT)).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(triage.streams().metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
            .filter(t -> t.topicPartitions().stream().anyMatch(p -> p.topic().equals(Topics.TRIAGE_SUBMISSIONS.name()))).count())
            .isEqualTo(NEW_PARTITIONS);
        assertThat(triage.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);

        // And: once caught up, the old application id's internal topics are removed
        Result cleanup = Await.value("cleanup once the new id has caught up", DEADLINE, () -> {
            Result r = ops("scale-partitions", "--kafka", platform.bootstrapServers(), "--cleanup-old-app-id", applicationId, "--new-app-id", newId);
            return r.code == 0 ? r : null;
        });
        assertThat(cleanup.out).contains(applicationId + "-" + TriageTopology.PATIENT_HISTORY_STORE + "-changelog");
        try (Admin admin = platform.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).noneMatch(n -> n.startsWith(applicationId + "-")
                && !n.startsWith(newId));
        }
    }

    @Test
    @Order(3)
    void shouldRefillEveryFacilitysProviderScheduleIntoItsProvidersNewPartitionWhenBookingTopicsAreScaledOut() throws Exception {
        // Given: schedules of two facilities' providers of one id (and an earlier release's key), and booking requests
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            keys.add(ProviderScheduleKeys.of("dr-" + i, "f-a"));
            keys.add(ProviderScheduleKeys.of("dr-" + i, "f-b"));
        }
        keys.add("dr-legacy");
        assertThat(keys).as("Kafka's partitioner of the whole key would scatter a provider's schedules")
            .anyMatch(k -> Utils.toPositive(Utils.murmur2(k.getBytes(StandardCharsets.UTF_8))) % NEW_PARTITIONS
                != ProviderScheduleKeys.partition(ProviderScheduleKeys.providerOf(k), NEW_PARTITIONS));
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (String key : keys) {
                int partition = ProviderScheduleKeys.partition(ProviderScheduleKeys.providerOf(key), Topics.PROVIDER_SCHEDULES.partitions());
                producer.send(new ProducerRecord<>(Topics.PROVIDER_SCHEDULES.name(), partition, key, "schedule of " + key));
                producer.send(new ProducerRecord<>(Topics.BOOKING_REQUESTS.name(), ProviderScheduleKeys.providerOf(key), "request"));
            }
            producer.flush();
        }

        // When: booking-requests grows, and with it provider-schedules (co-partitioned in streams-scheduling)
        Result done = ops("scale-partitions", "--kafka", platform.bootstrapServers(), "--topic", Topics.BOOKING_REQUESTS.name(),
            "--partitions", Integer.toString(NEW_PARTITIONS), "--quiet-period", "1s");
        assertThat(done.code).as(done.err).isZero();

        // Then: each schedule is in the partition of its provider's booking requests, none lost
        assertThat(partitions(Topics.PROVIDER_SCHEDULES.name())).isEqualTo(NEW_PARTITIONS);
        List<ConsumerRecord<byte[], byte[]>> schedules = readAll(Topics.PROVIDER_SCHEDULES.name());
        assertThat(schedules).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrderElementsOf(keys);
        Map<String, Integer> requestPartitions = new HashMap<>();
        readAll(Topics.BOOKING_REQUESTS.name()).forEach(r -> requestPartitions.put(new String(r.key(), StandardCharsets.UTF_8), r.partition()));
        for (ConsumerRecord<byte[], byte[]> r : schedules) {
            String provider = ProviderScheduleKeys.providerOf(new String(r.key(), StandardCharsets.UTF_8));
            assertThat(r.partition()).as(provider).isEqualTo(requestPartitions.get(provider));
        }
    }

    /** The submissions the group committed, summed over the lag table's triage-submissions rows. */
    private static long submissionsCommitted(String table) {
        Matcher lag = SUBMISSION_LAG.matcher(table);
        long committed = 0;
        while (lag.find()) {
            committed += lag.group(2).equals("-") ? 0 : Long.parseLong(lag.group(2));
        }
        return committed;
    }

    /** What one in-process run printed, and its exit code. */
    private record Result(int code, String out, String err) {
    }

    private static Result ops(String... args) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int code = OpsCommand.run(List.of(args), line -> out.append(line).append('\n'), line -> err.append(line).append('\n'));
        return new Result(code, out.toString(), err.toString());
    }

    private JsonNode awaitHistory(StreamsHttpApp app, String patient, int assessments) {
        return Await.value("the history of a patient", DEADLINE, () -> {
            HttpResponse<String> response = get(app, "/v1/patients/" + patient + "/triage/history?limit=20");
            if (response.statusCode() != 200) {
                assertThat(response.statusCode()).as(response.body()).isIn(404, 503);
                return null;
            }
            JsonNode body = read(response.body());
            JsonNode list = body.isArray() ? body : body.path("assessments");
            if (list.size() < assessments) {
                return null;
            }
            stripProcessingTimes(body);
            return body;
        });
    }

    /** assessedAt is the wall-clock time of processing, so reprocessing changes it; everything else must be equal. */
    private static void stripProcessingTimes(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("assessedAt");
        }
        node.forEach(OpsCommandsIT::stripProcessingTimes);
    }

    private HttpResponse<String> get(StreamsHttpApp app, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return HttpServerFactory.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }

    private int partitions(String topic) throws Exception {
        try (Admin admin = platform.admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) throws Exception {
        int count = partitions(topic);
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (int p = 0; p < count; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(all::add);
                }
            }
        }
        return all;
    }

    private TriageConfig config(String id, Path stateDir, String topicPartitions) {
        return new TriageConfig(StreamsSettings.builder().bootstrapServers(platform.bootstrapServers()).registry(platform.registryUrl())
            .http("127.0.0.1", 0).advertisedHost("127.0.0.1").applicationId(id).stateDir(stateDir)
            // Security is not this test's subject.
            .override(AuthSettings.AUTH_ENABLED_CONFIG, "false")
            .override(StreamsAppConfig.TOPIC_PARTITIONS_CONFIG, topicPartitions).appConfig());
    }

    private KafkaProducer<String, SpecificRecord> avroProducer() {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(platform.registryUrl(), false).clientConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaSerializer.class);
        return new KafkaProducer<>(props);
    }

    private static TriageSubmission submission(String submissionId, String patient, Instant submittedAt, int respiratoryRate) {
        VitalSigns vitals = VitalSigns.newBuilder()
            .setRespiratoryRate(respiratoryRate).setSpo2(96).setSpo2Scale(1).setOnSupplementalOxygen(false)
            .setSystolicBp(120).setHeartRate(80).setConsciousness(Consciousness.ALERT).setTemperature(37.0)
            .build();
        return TriageSubmission.newBuilder()
            .setEventId(submissionId).setSubmissionId(submissionId).setOccurredAt(submittedAt.plusSeconds(1))
            .setPatientId(patient).setFacilityId("f-1").setFormId("general-v1").setFormVersion(1)
            .setChannel(SubmissionChannel.WHATSAPP).setSubmittedAt(submittedAt).setVitals(vitals).setAnswers(Map.of())
            .build();
    }
}
