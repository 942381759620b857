package org.careflow.masterdata;

import org.careflow.query.StreamsHttpApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.masterdata.cdc.DebeziumRows.contact;
import static org.careflow.masterdata.cdc.DebeziumRows.contactKey;
import static org.careflow.masterdata.cdc.DebeziumRows.provider;
import static org.careflow.masterdata.cdc.DebeziumRows.providerKey;
import static org.careflow.masterdata.cdc.DebeziumRows.session;
import static org.careflow.masterdata.cdc.DebeziumRows.sessionKey;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.CommonConfig;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.config.StreamsSettings;
import org.careflow.security.AuthSettings;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.masterdata.query.MasterDataQueryRoutes;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.metrics.PrometheusSamples;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app started as in production, on a real KRaft broker and the real Apicurio registry, reading change records
 * written by Apicurio's serializer as the Kafka Connect converter writes them (the converter wraps it). Debezium
 * itself is not here: the end-to-end test from PostgreSQL is another's.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MasterDataAppIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private PlatformFixture platform;
    private StreamsHttpApp app;

    @BeforeAll
    void startPlatform(@TempDir Path dir) {
        platform = PlatformFixture.builder(dir).topics(Topics.all()).topics(Topics.masterDataOwned()).topics(Topics.masterDataChanges())
            .registerSchemas().start();
        Map<String, Object> props = StreamsSettings.builder().bootstrapServers(platform.bootstrapServers()).registry(platform.registryUrl())
            .http("127.0.0.1", 0).advertisedHost("127.0.0.1").applicationId("masterdata-it-" + UUID.randomUUID())
            .stateDir(dir.resolve("state"))
            // Security is not this test's subject (SecuredQueryRoutesIT covers it).
            .override(AuthSettings.AUTH_ENABLED_CONFIG, "false").appConfig();
        app = MasterDataApp.start(new MasterDataConfig(props));
        Await.until("the app running", DEADLINE, () -> app.streams().state() == KafkaStreams.State.RUNNING);
    }

    @AfterAll
    void stopPlatform() {
        for (AutoCloseable c : new AutoCloseable[] {app, platform}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        RegistryEventSerdes.releaseSharedResources();
    }

    @Test
    void shouldPublishScheduleAndContactAndServeTheScheduleWhenChangesArrive() throws Exception {
        // Given changes as Debezium writes them
        try (KafkaProducer<GenericRecord, GenericRecord> cdc = cdcProducer()) {
            cdc.send(new ProducerRecord<>(Topics.MASTERDATA_PROVIDER_SESSIONS.name(), sessionKey(1), session(1, "dr-it", "MONDAY", "09:00", "12:00").build())).get();
            cdc.send(new ProducerRecord<>(Topics.MASTERDATA_PROVIDERS.name(), providerKey("dr-it"), provider("dr-it", "f-1").build())).get();
            cdc.send(new ProducerRecord<>(Topics.MASTERDATA_PATIENT_CONTACTS.name(), contactKey("p-it"), contact("p-it", "+447700900321").build())).get();
            cdc.send(new ProducerRecord<>(Topics.MASTERDATA_PATIENT_CONTACTS.name(), contactKey("p-bad"), contact("p-bad", "07700 900321").build())).get();
        }

        // Then the events the ingest API would write, read back through the registry as consumers read them
        // keyed by provider and facility, in the partition booking requests for dr-it take (Kafka's partitioner of "dr-it")
        ConsumerRecord<String, Object> published = awaitRecord(Topics.PROVIDER_SCHEDULES.name(), ProviderScheduleKeys.of("dr-it", "f-1"));
        assertThat(published.partition()).isEqualTo(ProviderScheduleKeys.partition("dr-it", Topics.PROVIDER_SCHEDULES.partitions()));
        ProviderSchedule schedule = (ProviderSchedule) published.value();
        assertThat(schedule.getWeeklyTemplate()).singleElement().satisfies(s -> assertThat(s.getHours().getStartTime()).hasToString("09:00"));
        PatientContact contact = (PatientContact) awaitValue(Topics.PATIENT_CONTACTS.name(), "p-it");
        assertThat(contact.getPhone()).isEqualTo("+447700900321");

        // And the invalid row is a dead letter with its reason
        ConsumerRecord<byte[], byte[]> dead = Await.value("a dead letter", DEADLINE, () -> poll(Topics.MASTERDATA_DEAD_LETTERS.name(),
            new ByteArrayDeserializer()).stream().findFirst().orElse(null));
        assertThat(new String(dead.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
            .contains("phone must be an E.164 number");

        // And the schedule is served over HTTP
        HttpResponse<String> response = Await.value("the schedule served", DEADLINE, () -> {
            HttpResponse<String> r = get("/v1/masterdata/providers/dr-it");
            return r.statusCode() == 200 ? r : null;
        });
        assertThat(response.body()).contains("\"providerId\":\"dr-it\"").contains("\"MONDAY\"");
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);

        // And /metrics counts the dead letter by topic, times the read under its route template, and shows Kafka Streams' metrics
        Map<String, String> app = Map.of("app", "streams-masterdata");
        String metrics = Await.value("the metrics", DEADLINE, () -> {
            String text = get("/metrics").body();
            return PrometheusSamples.has(text, "kafka_stream_thread_process_total")
                && PrometheusSamples.sum(text, "careflow_http_requests_seconds_count",
                    Map.of("route", MasterDataQueryRoutes.PROVIDER_PATH, "status", "200", "method", "GET")) >= 1 ? text : null;
        });
        assertThat(PrometheusSamples.sum(metrics, "careflow_dead_letters_total",
            Map.of("app", "streams-masterdata", "topic", Topics.MASTERDATA_DEAD_LETTERS.name()))).isEqualTo(1.0);
        assertThat(PrometheusSamples.sum(metrics, "kafka_stream_thread_process_total", app)).isPositive();
        assertThat(PrometheusSamples.count(metrics, "kafka_consumer_fetch_manager_records_lag_max", app)).isPositive();
        assertThat(metrics).doesNotContain("dr-it").doesNotContain("p-bad");
    }

    private Object awaitValue(String topic, String key) {
        return awaitRecord(topic, key).value();
    }

    private ConsumerRecord<String, Object> awaitRecord(String topic, String key) {
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(new RegistryEventSerdes(platform.registryUrl(), false).clientConfig(), false);
        List<ConsumerRecord<String, Object>> found = new ArrayList<>();
        return Await.value("a record for " + key + " on " + topic, DEADLINE, () -> {
            try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(consumerProps(), new StringDeserializer(), values)) {
                consumer.subscribe(List.of(topic));
                consumer.poll(Duration.ofSeconds(2)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
            }
            return found.isEmpty() ? null : found.get(0);
        });
    }

    private <V> List<ConsumerRecord<byte[], V>> poll(String topic, Deserializer<V> values) {
        List<ConsumerRecord<byte[], V>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], V> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            consumer.poll(Duration.ofSeconds(2)).forEach(records::add);
        }
        return records;
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** Writes as Apicurio's Kafka Connect AvroConverter does with its defaults: registering the schema, its id in the payload. */
    private KafkaProducer<GenericRecord, GenericRecord> cdcProducer() {
        Map<String, Object> serde = Map.of(SerdeConfig.REGISTRY_URL, platform.registryUrl(), SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        AvroKafkaSerializer<GenericRecord> keys = new AvroKafkaSerializer<>();
        keys.configure(serde, true);
        AvroKafkaSerializer<GenericRecord> values = new AvroKafkaSerializer<>();
        values.configure(serde, false);
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()), keys, values);
    }

    private HttpResponse<String> get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
