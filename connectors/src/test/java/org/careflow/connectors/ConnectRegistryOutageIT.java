package org.careflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedConnect;
import org.careflow.platform.embedded.EmbeddedPostgres;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.topics.RegistryEventSerdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transient is not poison, for the sinks: a JDBC sink whose converter cannot reach the schema registry retries the
 * record until the registry is back and writes it then; only a record that is unreadable while the registry serves
 * the worker goes to the dead-letter topic. Real broker, registry (stopped and started again on its database), Connect
 * and PostgreSQL, with careflow's converter from the assembled plugin path.
 */
@Tag("integration")
class ConnectRegistryOutageIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Instant SLOT_START = Instant.parse("2026-03-02T09:30:00Z");

    @Test
    void shouldWriteTheRowAfterTheRegistryOutageAndDeadLetterOnlyTheUnreadableRecord(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.builder(dir).restartableRegistry().start();
             EmbeddedPostgres postgres = EmbeddedPostgres.builder().build().start()) {
            String registryUrl = platform.registryUrl();
            String topic = "it-outage-booking-outcomes";
            String deadLetters = "it-outage-dead-letters";
            platform.createTopics(1, topic, deadLetters);
            try (EmbeddedConnect connect = EmbeddedConnect.builder().bootstrapServers(platform.bootstrapServers())
                     .groupId("connect-outage-it").build().start()) {
                // Given a JDBC sink reading booking outcomes through careflow's converter, as the shipped connectors do
                try (KafkaProducer<String, SpecificRecord> producer = avroProducer(platform, registryUrl)) {
                    producer.send(new ProducerRecord<>(topic, "b-before", booking("b-before"))).get();
                }
                connect.putConnector("it-outage-sink", sinkConfig(topic, deadLetters, registryUrl, postgres));
                connect.awaitConnectorRunning("it-outage-sink", DEADLINE);
                Await.until("the first row", DEADLINE, () -> bookings(postgres).contains("b-before"));

                // When the registry goes down, and a booking in a schema version the worker has not read yet arrives,
                // then a record that is no Avro at all
                byte[] unseenSchema = serializedWithNewField(registryUrl, topic);
                platform.stopRegistry();
                try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        platform.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                    raw.send(new ProducerRecord<>(topic, "b-during".getBytes(StandardCharsets.UTF_8), unseenSchema)).get();
                    raw.send(new ProducerRecord<>(topic, "b-poison".getBytes(StandardCharsets.UTF_8),
                        "not an avro record".getBytes(StandardCharsets.UTF_8))).get();
                }

                // Then, while it is down, the record is retried, and nothing is dead-lettered or skipped past
                Await.until("the sink to retry the record", DEADLINE, () -> taskErrorMetric("total-retries") > 0);
                assertThat(taskErrorMetric("total-records-skipped")).isZero();
                assertThat(endOffset(platform, deadLetters)).as("an outage is not poison").isZero();
                assertThat(bookings(postgres)).doesNotContain("b-during");

                // When the registry is back, on the same port and database
                try (EmbeddedRegistry again = platform.startRegistry()) {
                    // Then the booking is written, and only the record that is no Avro is a dead letter
                    Await.until("the booking written during the outage", DEADLINE, () -> bookings(postgres).contains("b-during"));
                    Await.until("the unreadable record dead-lettered", DEADLINE, () -> endOffset(platform, deadLetters) == 1);
                    assertThat(bookings(postgres)).containsExactly("b-before", "b-during");
                }
                connect.deleteConnector("it-outage-sink");
            }
        }
    }

    /** One of Connect's error-handling metrics of the sink's task (the worker runs in this JVM). */
    private static double taskErrorMetric(String attribute) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("kafka.connect:type=task-error-metrics,connector=it-outage-sink,task=0");
            return server.isRegistered(name) ? ((Number) server.getAttribute(name, attribute)).doubleValue() : 0;
        } catch (javax.management.JMException e) {
            throw new AssertionError("Could not read " + attribute + " of the sink's task", e);
        }
    }

    private static Map<String, String> sinkConfig(String topic, String deadLetters, String registryUrl, EmbeddedPostgres postgres) {
        Map<String, String> config = BookingOutcomeSinks.jdbc(topic, "outage_bookings", postgres);
        config.put("value.converter", "org.careflow.connect.converters.RegistryOutageAwareConverter");
        config.put("value.converter.apicurio.registry.url", registryUrl.replace("/apis/registry/v3", "/apis/registry/v2"));
        config.put("value.converter.apicurio.registry.id-handler", "io.apicurio.registry.serde.Legacy4ByteIdHandler");
        config.put("value.converter.apicurio.registry.use-id", "contentId");
        config.put("value.converter.apicurio.registry.headers.enabled", "false");
        // The shipped connectors' error settings: retry what is retriable (an outage) for days, dead-letter the rest.
        config.put("errors.tolerance", "all");
        config.put("errors.retry.timeout", "604800000");
        config.put("errors.retry.delay.max.ms", "1000");
        config.put("errors.deadletterqueue.topic.name", deadLetters);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        return config;
    }

    /**
     * A booking outcome serialized under a schema version registered only now (the schema with one more optional
     * field), so that the worker, which cached the first version, must ask the registry for it.
     */
    private static byte[] serializedWithNewField(String registryUrl, String topic) {
        org.apache.avro.Schema extended = new org.apache.avro.Schema.Parser().parse(BookingOutcome.getClassSchema().toString()
            .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"outageProbe\",\"type\":[\"null\",\"string\"],\"default\":null},"));
        org.apache.avro.generic.GenericData.Record record = new org.apache.avro.generic.GenericData.Record(extended);
        BookingOutcome booking = booking("b-during");
        for (org.apache.avro.Schema.Field field : BookingOutcome.getClassSchema().getFields()) {
            record.put(field.name(), raw(extended.getField(field.name()).schema(), booking.get(field.name())));
        }
        record.put("outageProbe", "x");
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(registryUrl, true).clientConfig());
        try (AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(props, false);
            return serializer.serialize(topic, record);
        }
    }

    /** A specific record's field value as the generic writer wants it: instants as their logical type's number, enums as symbols. */
    private static Object raw(org.apache.avro.Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (schema.getType() == org.apache.avro.Schema.Type.UNION) {
            return raw(schema.getTypes().stream().filter(t -> t.getType() != org.apache.avro.Schema.Type.NULL).findFirst().orElseThrow(), value);
        }
        if (value instanceof Instant instant) {
            String logical = schema.getLogicalType() == null ? "" : schema.getLogicalType().getName();
            return logical.equals("timestamp-micros") ? ChronoUnit.MICROS.between(Instant.EPOCH, instant) : instant.toEpochMilli();
        }
        if (value instanceof Enum<?> symbol) {
            return new org.apache.avro.generic.GenericData.EnumSymbol(schema, symbol.name());
        }
        return value;
    }

    private static KafkaProducer<String, SpecificRecord> avroProducer(PlatformFixture platform, String registryUrl) {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(registryUrl, true).clientConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        return new KafkaProducer<>(props);
    }

    private static BookingOutcome booking(String bookingId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return BookingOutcome.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(now).setBookingId(bookingId)
            .setPatientId("patient-" + bookingId).setProviderId("provider-1").setFacilityId("facility-1").setSlotStart(SLOT_START)
            .setSlotEnd(SLOT_START.plus(Duration.ofMinutes(20))).setAppointmentType("GP").setStatus(BookingStatus.CONFIRMED)
            .setDecidedAt(now).build();
    }

    /** The booking ids in the sink's table, sorted; empty while it does not exist. */
    private static List<String> bookings(EmbeddedPostgres postgres) {
        try (Connection connection = postgres.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT booking_id FROM outage_bookings")) {
            TreeSet<String> ids = new TreeSet<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return List.copyOf(ids);
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static long endOffset(PlatformFixture platform, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            ListOffsetsResult result = admin.listOffsets(Map.of(partition, OffsetSpec.latest()));
            return result.partitionResult(partition).get(30, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new AssertionError("Could not read the end of " + topic, e);
        }
    }
}
