package org.careflow.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedConnect;
import org.careflow.platform.embedded.EmbeddedMongo;
import org.careflow.platform.embedded.EmbeddedPostgres;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.topics.RegistryEventSerdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assembled plugin path on a real Connect worker, with a real broker, the real Apicurio Registry, PostgreSQL and
 * the MongoDB wire-protocol server: every plugin reads or writes Avro through the registry. The connector settings
 * here are the ones documented in README.md under "Plugin notes".
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectPluginsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SLOT_START = Instant.parse("2026-03-02T09:30:00Z");

    private final HttpClient http = HttpClient.newHttpClient();
    private PlatformFixture platform;
    private EmbeddedPostgres postgres;
    private EmbeddedMongo mongo;
    private EmbeddedConnect connect;

    @BeforeAll
    void startPlatform(@TempDir Path dir) {
        platform = PlatformFixture.builder(dir).start();
        postgres = EmbeddedPostgres.builder().build().start();
        mongo = EmbeddedMongo.builder().build().start();
        // The plugin path comes from the system property careflow.connect.plugin.path (set by the build).
        connect = EmbeddedConnect.builder().bootstrapServers(platform.bootstrapServers()).groupId("connect-plugins-it").build().start();
    }

    @AfterAll
    void stopPlatform() {
        for (AutoCloseable c : new AutoCloseable[] {connect, mongo, postgres, platform}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        RegistryEventSerdes.releaseSharedResources();
        http.close();
    }

    @Test
    void shouldApplyIdempotentlyAndExitNonZeroWhenATaskFails(@TempDir Path configs) throws Exception {
        // Given one connector that can run and one whose database does not exist
        String good = """
            {"name": "apply-it-good", "config": {"connector.class": "com.mongodb.kafka.connect.MongoSinkConnector", "tasks.max": "1",
             "topics": "apply-it-good", "connection.uri": "${MONGO_URI}", "database": "careflow", "collection": "apply_it",
             "key.converter": "org.apache.kafka.connect.storage.StringConverter",
             "value.converter": "org.apache.kafka.connect.storage.StringConverter"}}
            """;
        String bad = """
            {"name": "apply-it-bad", "config": {"connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector", "tasks.max": "1",
             "topics": "apply-it-bad", "connection.url": "jdbc:postgresql://127.0.0.1:1/nowhere", "connection.username": "x",
             "connection.password": "x", "key.converter": "org.apache.kafka.connect.storage.StringConverter",
             "value.converter": "org.apache.kafka.connect.storage.StringConverter"}}
            """;
        java.nio.file.Files.writeString(configs.resolve("1-good.json"), good);
        Map<String, String> vars = Map.of("MONGO_URI", mongo.connectionString());

        // When only the good one is applied, twice
        int first = ConnectorsApply.run(new ConnectorsApply.Options(connect.url(), configs, vars, Duration.ofSeconds(60), null));
        int again = ConnectorsApply.run(new ConnectorsApply.Options(connect.url(), configs, vars, Duration.ofSeconds(60), null));

        // Then both succeed, and the connector exists once, running
        assertThat(first).isZero();
        assertThat(again).isZero();
        ConnectClient client = new ConnectClient(connect.url());
        // (a configuration written again may restart the connector's task for a moment: running once that settles)
        org.careflow.platform.embedded.Await.until("the good connector to run", Duration.ofSeconds(60), () -> {
            try {
                ConnectClient.Status status = client.status("apply-it-good");
                return status != null && status.running();
            } catch (java.io.IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });

        // When the failing one is added
        java.nio.file.Files.writeString(configs.resolve("2-bad.json"), bad);
        int withBad = ConnectorsApply.run(new ConnectorsApply.Options(connect.url(), configs, vars, Duration.ofSeconds(60), null));

        // Then the run says so with a non-zero exit
        assertThat(withBad).isEqualTo(1);
        assertThat(client.status("apply-it-bad").failed()).isTrue();
    }

    @Test
    void shouldListMongoSinkJdbcSinkPostgresSourceAndAvroConverterWhenWorkerUsesAssembledPluginPath() throws Exception {
        // When
        JsonNode plugins = JSON.readTree(get(connect.url() + "/connector-plugins?connectorsOnly=false"));

        // Then
        Map<String, String> typeByClass = new HashMap<>();
        plugins.forEach(plugin -> typeByClass.put(plugin.path("class").asText(), plugin.path("type").asText()));
        assertThat(connect.pluginPath()).isNotEmpty();
        assertThat(typeByClass)
                .containsEntry("com.mongodb.kafka.connect.MongoSinkConnector", "sink")
                .containsEntry("io.debezium.connector.jdbc.JdbcSinkConnector", "sink")
                .containsEntry("io.debezium.connector.postgresql.PostgresConnector", "source")
                .containsEntry("io.apicurio.registry.utils.converter.AvroConverter", "converter")
                .containsEntry("org.careflow.connect.converters.RegistryOutageAwareConverter", "converter");
    }

    @Test
    void shouldUpsertAndDeleteRowsByKeyWhenJdbcSinkReadsAvroBookingOutcomes() throws Exception {
        // Given: a booking that changes state, one that is deleted (tombstone), and a last one behind them
        String topic = createTopic("it-jdbc-booking-outcomes");
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            producer.send(new ProducerRecord<>(topic, "b-1", booking("b-1", BookingStatus.PENDING))).get();
            producer.send(new ProducerRecord<>(topic, "b-2", booking("b-2", BookingStatus.PENDING))).get();
            producer.send(new ProducerRecord<>(topic, "b-1", booking("b-1", BookingStatus.CONFIRMED))).get();
            producer.send(new ProducerRecord<>(topic, "b-2", null)).get();
            producer.send(new ProducerRecord<>(topic, "b-3", booking("b-3", BookingStatus.REJECTED))).get();
        }

        // When
        Map<String, String> config = BookingOutcomeSinks.jdbc(topic, "booking_outcomes", postgres);
        config.putAll(avroConverter("value.converter", false));
        connect.putConnector("it-jdbc-sink", config);
        connect.awaitConnectorRunning("it-jdbc-sink", DEADLINE);

        // Then: one row per live key, with the latest state; b-3 being there means the b-2 tombstone was applied before
        Map<String, String> statusByBooking = Await.value("rows b-1 CONFIRMED and b-3 REJECTED only", DEADLINE, () -> {
            Map<String, String> rows = queryOrNull("SELECT booking_id, status FROM booking_outcomes");
            return rows != null && rows.containsKey("b-3") ? rows : null;
        });
        assertThat(statusByBooking).containsExactlyInAnyOrderEntriesOf(Map.of("b-1", "CONFIRMED", "b-3", "REJECTED"));
        try (Connection connection = postgres.connection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT slotstart FROM booking_outcomes WHERE booking_id = 'b-1'")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getTimestamp(1).toInstant()).isEqualTo(SLOT_START);
        }
        connect.deleteConnector("it-jdbc-sink");
    }

    @Test
    void shouldStoreOneDocumentWithBsonDatesWhenMongoSinkReadsAvroBookingOutcomes() throws Exception {
        // Given: two states of one booking
        String topic = createTopic("it-mongo-booking-outcomes");
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            producer.send(new ProducerRecord<>(topic, "b-1", booking("b-1", BookingStatus.PENDING))).get();
            producer.send(new ProducerRecord<>(topic, "b-1", booking("b-1", BookingStatus.CONFIRMED))).get();
        }

        // When
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "com.mongodb.kafka.connect.MongoSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("connection.uri", mongo.connectionString());
        config.put("database", "careflow_it");
        config.put("collection", "booking_outcomes");
        config.put("document.id.strategy", "com.mongodb.kafka.connect.sink.processor.id.strategy.PartialValueStrategy");
        config.put("document.id.strategy.partial.value.projection.type", "AllowList");
        config.put("document.id.strategy.partial.value.projection.list", "bookingId");
        config.put("writemodel.strategy", "com.mongodb.kafka.connect.sink.writemodel.strategy.ReplaceOneBusinessKeyStrategy");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.putAll(avroConverter("value.converter", false));
        connect.putConnector("it-mongo-sink", config);
        connect.awaitConnectorRunning("it-mongo-sink", DEADLINE);

        // Then: one document, replaced by the later state, with its timestamps as BSON dates
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> bookings = client.getDatabase("careflow_it").getCollection("booking_outcomes");
            Document booking = Await.value("booking b-1 CONFIRMED in MongoDB", DEADLINE,
                    () -> bookings.find(Filters.and(Filters.eq("bookingId", "b-1"), Filters.eq("status", "CONFIRMED"))).first());
            assertThat(bookings.countDocuments(Filters.eq("bookingId", "b-1"))).isEqualTo(1);
            assertThat(booking.get("slotStart")).isInstanceOf(Date.class).isEqualTo(Date.from(SLOT_START));
            assertThat(booking.get("decidedAt")).isInstanceOf(Date.class);
        }
        connect.deleteConnector("it-mongo-sink");
    }

    @Test
    void shouldPublishAvroInsertEventWhenDebeziumCapturesPostgresInsert() throws Exception {
        // Given: a table, and a running Debezium source whose replication slot is active
        try (Connection connection = postgres.connection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE cdc_patients (id TEXT PRIMARY KEY, display_name TEXT NOT NULL,"
                    + " registered_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("tasks.max", "1");
        config.put("database.hostname", postgres.host());
        config.put("database.port", String.valueOf(postgres.port()));
        config.put("database.user", postgres.user());
        config.put("database.password", postgres.password());
        config.put("database.dbname", postgres.database());
        config.put("topic.prefix", "careflow_it_cdc");
        config.put("plugin.name", "pgoutput");
        config.put("slot.name", "careflow_it_slot");
        config.put("publication.name", "careflow_it_publication");
        config.put("publication.autocreate.mode", "filtered");
        config.put("table.include.list", "public.cdc_patients");
        config.put("snapshot.mode", "no_data");
        config.put("schema.name.adjustment.mode", "avro");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.putAll(avroConverter("key.converter", true));
        config.putAll(avroConverter("value.converter", true));
        connect.putConnector("it-postgres-source", config);
        connect.awaitConnectorRunning("it-postgres-source", DEADLINE);
        Await.until("replication slot careflow_it_slot active", DEADLINE, () -> "t".equals(
                queryOrNull("SELECT slot_name, active FROM pg_replication_slots").get("careflow_it_slot")));

        // When
        try (Connection connection = postgres.connection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO cdc_patients (id, display_name) VALUES ('p-1', 'Test Patient')");
        }

        // Then: the change event arrives as Avro, readable with the registry deserializer
        GenericRecord event = awaitAvroValue("careflow_it_cdc.public.cdc_patients");
        assertThat(event.get("op")).hasToString("c");
        GenericRecord after = (GenericRecord) event.get("after");
        assertThat(after.get("id")).hasToString("p-1");
        assertThat(after.get("display_name")).hasToString("Test Patient");
        assertThat(((GenericRecord) event.get("source")).get("table")).hasToString("cdc_patients");
        connect.deleteConnector("it-postgres-source");
    }

    /**
     * The Apicurio converter settings under {@code prefix} ({@code key.converter} or {@code value.converter}): the
     * 2.x converter, talking to the v2 API, writing and reading the 3.x serdes' format (magic byte, 4-byte content id,
     * no headers).
     */
    private Map<String, String> avroConverter(String prefix, boolean autoRegister) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(prefix, "io.apicurio.registry.utils.converter.AvroConverter");
        config.put(prefix + ".apicurio.registry.url", platform.registryUrl().replace("/apis/registry/v3", "/apis/registry/v2"));
        config.put(prefix + ".apicurio.registry.auto-register", String.valueOf(autoRegister));
        config.put(prefix + ".apicurio.registry.id-handler", "io.apicurio.registry.serde.Legacy4ByteIdHandler");
        config.put(prefix + ".apicurio.registry.use-id", "contentId");
        config.put(prefix + ".apicurio.registry.headers.enabled", "false");
        return config;
    }

    private static BookingOutcome booking(String bookingId, BookingStatus status) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return BookingOutcome.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(now)
                .setBookingId(bookingId)
                .setPatientId("patient-" + bookingId)
                .setProviderId("provider-1")
                .setFacilityId("facility-1")
                .setSlotStart(SLOT_START)
                .setSlotEnd(SLOT_START.plus(Duration.ofMinutes(20)))
                .setAppointmentType("GP")
                .setStatus(status)
                .setDecidedAt(now)
                .build();
    }

    private String createTopic(String prefix) throws Exception {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = platform.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private KafkaProducer<String, SpecificRecord> avroProducer() {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(platform.registryUrl(), true).clientConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        return new KafkaProducer<>(props);
    }

    /** Reads the topic from the start until one record arrives, its value deserialized as a generic Avro record. */
    private GenericRecord awaitAvroValue(String topic) {
        try (Admin admin = platform.admin()) {
            Await.until("topic " + topic + " created by the connector", DEADLINE,
                    () -> admin.listTopics().names().toCompletionStage().toCompletableFuture().join().contains(topic));
        }
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(platform.registryUrl(), false).clientConfig());
        props.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, false);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "cdc-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A deserializer handed over as an instance is not configured by the consumer: configure it here.
        AvroKafkaDeserializer<GenericRecord> values = new AvroKafkaDeserializer<>();
        values.configure(props, false);
        try (KafkaConsumer<byte[], GenericRecord> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), values)) {
            consumer.subscribe(Set.of(topic));
            List<ConsumerRecord<byte[], GenericRecord>> records = new ArrayList<>();
            return Await.value("a record on " + topic, DEADLINE, () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.isEmpty() ? null : records.getFirst().value();
            });
        }
    }

    /** Two-column query results as a map, or null while the table does not exist yet. */
    private Map<String, String> queryOrNull(String sql) {
        try (Connection connection = postgres.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            Map<String, String> result = new TreeMap<>();
            while (rows.next()) {
                result.put(rows.getString(1), rows.getString(2));
            }
            return result;
        } catch (SQLException e) {
            return null;
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
        return response.body();
    }
}
