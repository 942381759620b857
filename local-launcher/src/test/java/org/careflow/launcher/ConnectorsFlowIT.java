package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bson.Document;
import org.careflow.platform.embedded.Await;
import org.careflow.topics.BookingIds;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results of careflow in MongoDB and PostgreSQL through real Kafka Connect sinks, and master data in from
 * PostgreSQL by Debezium, on the whole local stack.
 */
@Tag("integration")
class ConnectorsFlowIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    /**
     * The worker's REST API answers nobody without the stack's Connect user (but says it is healthy), and the connector
     * configurations it returns name their secrets through the worker's file config provider, never holding them.
     */
    private static void assertConnectRestIsAuthenticatedAndHoldsNoSecret(LocalStack stack) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String basic = "Basic " + Base64.getEncoder().encodeToString(
            (LocalStack.CONNECT_REST_USER + ":" + stack.connectRestPassword()).getBytes(StandardCharsets.UTF_8));
        String wrong = "Basic " + Base64.getEncoder().encodeToString(
            (LocalStack.CONNECT_REST_USER + ":not-the-password").getBytes(StandardCharsets.UTF_8));
        String config = stack.connectUrl() + "/connectors/careflow-pg-appointments/config";

        assertThat(connect(http, stack.connectUrl() + "/connectors", null).statusCode()).as("no credentials").isEqualTo(401);
        assertThat(connect(http, config, null).statusCode()).as("no credentials").isEqualTo(401);
        assertThat(connect(http, config, wrong).statusCode()).as("a wrong password").isEqualTo(401);
        assertThat(connect(http, stack.connectUrl() + "/health", null).statusCode()).as("the health check").isEqualTo(200);

        for (String path : List.of("/connectors/careflow-pg-appointments/config", "/connectors/careflow-pg-appointments/tasks",
            "/connectors/careflow-masterdata-cdc/config", "/connectors/careflow-mongo-assessments/config")) {
            HttpResponse<String> answer = connect(http, stack.connectUrl() + path, basic);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(answer.body()).as(path).contains("${file:").doesNotContain(stack.sinkPassword())
                .doesNotContain(stack.postgres().password()).doesNotContain(stack.mongo().connectionString());
        }
        assertThat(connect(http, config, basic).body()).contains("\"connection.password\":\"${file:")
            .contains(":SINK_JDBC_PASSWORD}");
    }

    private static HttpResponse<String> connect(HttpClient http, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldSinkResultsCaptureMasterDataAndKeepBiViewsFreeOfIdentifiers(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(StackOptions.ephemeral(dataDir))) {
            HttpCalls.actAs(stack.auth());
            String ingest = stack.ingestUrl();
            HttpCalls.registerFacilities(ingest, "f-sink", "f-1");
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            assertConnectRestIsAuthenticatedAndHoldsNoSecret(stack);

            // A submission posted over HTTP ...
            assertThat(HttpCalls.sendUntilAccepted("POST", ingest + "/v1/triage-submissions", submission("s-sink-1", "p-sink-1", now)).statusCode())
                .isEqualTo(202);

            // ... appears as a document in Mongo, upserted by submission id, with dates as dates and enums as strings
            try (MongoClient mongo = MongoClients.create(stack.mongo().connectionString())) {
                Document doc = Await.value("the assessment document", DEADLINE, () -> mongo.getDatabase(LocalStack.MONGO_DATABASE)
                    .getCollection("assessments").find(Filters.eq("submissionId", "s-sink-1")).first());
                assertThat(doc.get("submittedAt")).isInstanceOf(java.util.Date.class);
                assertThat(doc.get("band")).isEqualTo("HIGH");
                // Upserted by the business key: one document per submission
                assertThat(mongo.getDatabase(LocalStack.MONGO_DATABASE).getCollection("assessments")
                    .countDocuments(Filters.eq("submissionId", "s-sink-1"))).isEqualTo(1);
                assertThat(doc.get("news2", Document.class).getInteger("total")).isEqualTo(7);
            }
            // ... and as a flattened row in PostgreSQL, a points column per NEWS2 parameter
            Map<String, Object> row = Await.value("the assessment row", DEADLINE,
                () -> first(stack, "SELECT * FROM triage_assessments WHERE submission_id = 's-sink-1'"));
            assertThat(row).containsEntry("news2_total", 7).containsEntry("spo2_points", 2).containsEntry("band", "HIGH");

            // The patient reading their assessment is audited, and the audit trail reaches PostgreSQL too
            assertThat(Await.value("the patient's own assessment", DEADLINE,
                () -> HttpCalls.getJson(stack.triageUrl() + "/v1/patients/p-sink-1/triage"))).isNotNull();
            Map<String, Object> audit = Await.value("the audit row of that read", DEADLINE,
                () -> first(stack, "SELECT * FROM audit_events WHERE patientid = 'p-sink-1' AND outcome = 'ALLOWED'"));
            assertThat(audit).containsEntry("role", "PATIENT").containsEntry("endpoint", "/v1/patients/{patientId}/triage");

            // A booking's row follows its state: confirmed, then cancelled (the patient has a contact, so its confirmation
            // is planned too, to the email while the phone they gave waits for its verification, and the message log
            // carries it to both stores)
            assertThat(HttpCalls.send("PUT", ingest + "/v1/patients/p-sink-1/contact", """
                {"phone": "+447700900555", "email": "sink-patient@example.org", "language": "en-GB", "timeZone": "Europe/London",
                 "consent": {"granted": true, "at": "%s"}}
                """.formatted(now.minus(Duration.ofDays(1)))).statusCode()).isEqualTo(202);
            assertThat(HttpCalls.send("PUT", ingest + "/v1/providers/dr-sink/schedule", """
                {"facilityId": "f-sink", "timeZone": "UTC", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
                 "weekly": {}, "extraSessions": [{"date": "%s", "start": "09:00", "end": "12:00"}]}
                """.formatted(now.plus(Duration.ofDays(2)).toString().substring(0, 10))).statusCode()).isEqualTo(202);
            Instant slot = Instant.parse(now.plus(Duration.ofDays(2)).toString().substring(0, 10) + "T09:00:00Z");
            Await.until("the provider's slots", DEADLINE, () -> HttpCalls.getJson(stack.schedulingUrl() + "/v1/providers/dr-sink/slots?from="
                + slot + "&to=" + slot.plus(Duration.ofHours(3))) != null);
            // careflow's id of the client's booking "bk-sink": it keys the rows and the messages
            String bookingId = BookingIds.of("f-sink", "p-sink-1", "dr-sink", "bk-sink");
            assertThat(HttpCalls.send("POST", ingest + "/v1/bookings", """
                {"bookingId": "bk-sink", "patientId": "p-sink-1", "providerId": "dr-sink", "facilityId": "f-sink", "slotStart": "%s",
                 "appointmentType": "follow-up"}
                """.formatted(slot)).statusCode()).isEqualTo(202);
            Await.until("the booking row to be CONFIRMED", DEADLINE,
                () -> "CONFIRMED".equals(value(stack, "SELECT status FROM appointments WHERE booking_id = '" + bookingId + "'")));
            assertThat(HttpCalls.send("POST", ingest + "/v1/bookings/" + bookingId + "/cancel", "{\"reason\": \"test\"}").statusCode()).isEqualTo(202);
            Await.until("the booking row to be CANCELLED", DEADLINE,
                () -> "CANCELLED".equals(value(stack, "SELECT status FROM appointments WHERE booking_id = '" + bookingId + "'")));
            assertThat(value(stack, "SELECT count(*) FROM appointments WHERE booking_id = '" + bookingId + "'")).isEqualTo(1L);
            Map<String, Object> logged = Await.value("the confirmation in the message log table", DEADLINE,
                () -> first(stack, "SELECT * FROM message_log WHERE bookingid = '" + bookingId + "'"));
            assertThat(logged).containsEntry("direction", "OUTBOUND").containsEntry("templateid", "appointment_confirmation");
            try (MongoClient mongo = MongoClients.create(stack.mongo().connectionString())) {
                Document message = Await.value("the confirmation in the messages collection", DEADLINE, () -> mongo
                    .getDatabase(LocalStack.MONGO_DATABASE).getCollection("messages").find(Filters.eq("bookingId", bookingId)).first());
                assertThat(message.getString("messageId")).isEqualTo(logged.get("message_id"));
                assertThat(message.get("at")).isInstanceOf(java.util.Date.class);
            }

            // A provider and a session inserted into the master-data database make new free slots appear in scheduling
            String day = now.plus(Duration.ofDays(1)).atZone(java.time.ZoneOffset.UTC).getDayOfWeek().name();
            try (Connection master = stack.postgres().connection(LocalStack.MASTERDATA_DATABASE); Statement sql = master.createStatement()) {
                sql.execute("INSERT INTO providers (provider_id, facility_id, display_name, time_zone, slot_minutes, appointment_types) "
                    + "VALUES ('dr-cdc', 'f-cdc', 'Dr CDC', 'UTC', 30, 'follow-up')");
                sql.execute("INSERT INTO provider_schedules (provider_id, weekday, start_time, end_time) VALUES ('dr-cdc', '" + day
                    + "', '10:00', '11:00')");
            }
            Instant tomorrowTen = Instant.parse(now.plus(Duration.ofDays(1)).toString().substring(0, 10) + "T10:00:00Z");
            var slots = Await.value("the captured provider's slots", DEADLINE, () -> {
                var body = HttpCalls.getJson(stack.schedulingUrl() + "/v1/providers/dr-cdc/slots?from=" + tomorrowTen
                    + "&to=" + tomorrowTen.plus(Duration.ofHours(1)));
                return body != null && body.get("slots").size() == 2 ? body : null;
            });
            assertThat(slots.get("slots").findValuesAsText("start")).containsExactly(tomorrowTen.toString(),
                tomorrowTen.plus(Duration.ofMinutes(30)).toString());

            // A facility inserted into the master-data database is registered: the ingest API then accepts writes naming it
            String cdcSubmission = submission("s-cdc-facility", "p-cdc-facility", now).replace("\"f-1\"", "\"f-cdc\"");
            assertThat(HttpCalls.send("POST", ingest + "/v1/triage-submissions", cdcSubmission).statusCode())
                .as("f-cdc is not registered yet").isEqualTo(422);
            try (Connection master = stack.postgres().connection(LocalStack.MASTERDATA_DATABASE); Statement sql = master.createStatement()) {
                sql.execute("INSERT INTO facilities (facility_id, name, active, accepts_self_triage, oncall_email) "
                    + "VALUES ('f-cdc', 'CDC clinic', true, false, 'oncall-cdc@example.org')");
            }
            var facility = Await.value("the captured facility", DEADLINE, () -> HttpCalls.getJson(ingest + "/v1/facilities/f-cdc"));
            assertThat(facility.at("/onCallContacts/0/address").asText()).isEqualTo("oncall-cdc@example.org");
            assertThat(facility.get("acceptsSelfTriage").asBoolean()).isFalse();
            assertThat(HttpCalls.send("POST", ingest + "/v1/triage-submissions", cdcSubmission).statusCode()).isEqualTo(202);

            // A poison record is dead-lettered with the reason, and later records still arrive
            produceGarbage(stack, Topics.TRIAGE_ASSESSMENTS.name());
            assertThat(HttpCalls.send("POST", ingest + "/v1/triage-submissions", submission("s-sink-2", "p-sink-2", now)).statusCode())
                .isEqualTo(202);
            Await.until("the later assessment row", DEADLINE,
                () -> first(stack, "SELECT * FROM triage_assessments WHERE submission_id = 's-sink-2'") != null);
            ConsumerRecord<byte[], byte[]> dead = Await.value("a dead letter", DEADLINE, () -> deadLetter(stack));
            assertThat(new String(dead.headers().lastHeader("__connect.errors.topic").value())).isEqualTo(Topics.TRIAGE_ASSESSMENTS.name());
            assertThat(dead.headers().lastHeader("__connect.errors.exception.message")).isNotNull();

            // The BI views exist and hold no raw patient id and no phone number
            List<String> views = Await.value("every BI view", DEADLINE, () -> {
                List<String> v;
                try {
                    v = stack.applyBiViews();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return v.containsAll(List.of("appointments", "triage_assessments", "facility_hourly_stats", "notification_outcomes")) ? v : null;
            });
            for (String view : views) {
                for (Map<String, Object> r : rows(stack, "SELECT * FROM bi." + view)) {
                    assertThat(r.values()).as(view).noneMatch(v -> v != null && (v.toString().contains("p-sink") || v.toString().matches(".*\\+?44770090.*")));
                }
            }
            assertThat(rows(stack, "SELECT * FROM bi.appointments WHERE booking_id = '" + bookingId + "'")).singleElement()
                .satisfies(r -> assertThat(r.get("patient_key").toString()).hasSize(64));

            // The sink login, whose password the Connect worker holds, cannot read the key the pseudonyms are made with
            try (Connection sink = DriverManager.getConnection(stack.postgres().jdbcUrl(LocalStack.SINK_DATABASE),
                SinkDatabaseRoles.SINK_ROLE, stack.sinkPassword()); Statement sql = sink.createStatement()) {
                assertThatThrownBy(() -> sql.executeQuery("SELECT secret FROM careflow_private.pseudonym_key"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
                assertThat(rows(stack, "SELECT count(*) AS n FROM careflow_private.pseudonym_key")).singleElement()
                    .satisfies(r -> assertThat(r.get("n")).isEqualTo(1L));
            }
        }
        // Nor did Connect, the sinks or the apps log a patient's id, phone or token, even for the poison record
        LogHygiene.assertNothingSensitiveLogged(List.of("p-sink-1", "p-sink-2"));
    }

    private static String submission(String submissionId, String patientId, Instant at) {
        return """
            {"submissionId": "%s", "patientId": "%s", "facilityId": "f-1", "formId": "general-v1", "channel": "WHATSAPP",
             "submittedAt": "%s",
             "vitals": {"respiratoryRate": 22, "spo2": 93, "spo2Scale": 1, "onSupplementalOxygen": false,
                        "systolicBp": 105, "heartRate": 95, "consciousness": "ALERT", "temperature": 38.4}}
            """.formatted(submissionId, patientId, at);
    }

    private static void produceGarbage(LocalStack stack, String topic) {
        Properties props = new Properties();
        props.putAll(stack.kafkaClientProperties());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "poison".getBytes(), new byte[] {0, 0, 0, 0, 0, 0, 0, 99, 1, 2, 3})).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(LocalStack stack) {
        Properties props = new Properties();
        props.putAll(stack.kafkaClientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.CONNECT_DEAD_LETTERS.name()));
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
                if (r.key() != null && new String(r.key()).equals("poison")) {
                    return r;
                }
            }
            return null;
        }
    }

    private static Object value(LocalStack stack, String query) {
        Map<String, Object> row = first(stack, query);
        return row == null ? null : row.values().iterator().next();
    }

    private static Map<String, Object> first(LocalStack stack, String query) {
        List<Map<String, Object>> all = rows(stack, query);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<Map<String, Object>> rows(LocalStack stack, String query) {
        try (Connection db = stack.postgres().connection(LocalStack.SINK_DATABASE); Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery(query)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            // The sink creates its tables with the first record: until then there is nothing to read.
            if ("42P01".equals(e.getSQLState())) {
                return List.of();
            }
            throw new IllegalStateException(e);
        }
    }
}
