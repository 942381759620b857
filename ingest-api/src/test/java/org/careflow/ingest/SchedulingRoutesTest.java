package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.SecurityGate;
import org.careflow.topics.BookingIds;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP contract of the scheduling routes, on a real server with Kafka's MockProducer (the broker path is SchedulingIngestIT). */
class SchedulingRoutesTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:16:00Z");
    private static final String SCHEDULE = """
        {"facilityId": "f-1", "timeZone": "Europe/London", "slotMinutes": 30, "appointmentTypes": ["new-patient", "follow-up"],
         "weekly": {"MONDAY": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]},
         "timeOff": [{"from": "2026-12-24", "to": "2026-12-26"}],
         "extraSessions": [{"date": "2026-12-27", "start": "09:00", "end": "12:00"}]}
        """;
    private static final String BOOKING = """
        {"bookingId": "b-1", "patientId": "p-123", "providerId": "dr-7", "facilityId": "f-1", "slotStart": "2026-12-07T09:30:00Z",
         "appointmentType": "follow-up"}
        """;
    private static final String RESCHEDULE = """
        {"newBookingId": "b-2", "patientId": "p-123", "providerId": "dr-7", "facilityId": "f-1", "slotStart": "2026-12-07T10:00:00Z",
         "appointmentType": "follow-up"}
        """;

    private final HttpClient client = HttpClient.newHttpClient();
    private final Serializer<SpecificRecord> noopSerializer = (topic, value) -> new byte[0];
    private final FormCatalog forms = FormCatalog.fixed(List.of());
    private final FacilityCatalog facilities = TestFacilities.catalog();
    private MockProducer<String, SpecificRecord> producer;
    private Javalin server;

    private void start(boolean autoComplete) {
        producer = new MockProducer<>(TestCluster.catalogue(), autoComplete, null, new StringSerializer(), noopSerializer);
        EventPublisher publisher = new EventPublisher(producer, Duration.ofSeconds(2));
        IngestRoutes routes = new IngestRoutes(publisher, forms, facilities, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(64 * 1024).ready(publisher::healthy).gate(SecurityGate.disabled())
            .routes(routes::register).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        forms.close();
    }

    // ---- PUT /v1/providers/{providerId}/schedule

    @Test
    void shouldPublishScheduleKeyedByProviderAndAnswer202WhenValid() throws Exception {
        // Given
        start(true);

        // When
        HttpResponse<String> response = send("PUT", schedulePath("dr-7"), SCHEDULE);

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(fieldNames(body)).containsExactly("providerId", "facilityId", "requestId", "decision", "status", "topic", "partition", "offset");
        assertThat(body.get("providerId").asText()).isEqualTo("dr-7");
        assertDecisionLink(response, body, ((ProviderSchedule) producer.history().get(0).value()).getEventId());
        assertThat(body.get("topic").asText()).isEqualTo(Topics.PROVIDER_SCHEDULES.name());
        assertThat(body.get("offset").asLong()).isZero();
        ProducerRecord<String, SpecificRecord> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.PROVIDER_SCHEDULES.name());
        // Keyed by provider and facility, so compaction keeps each facility's schedule; placed in the provider's partition.
        assertThat(record.key()).isEqualTo(ProviderScheduleKeys.of("dr-7", "f-1"));
        assertThat(record.partition()).isEqualTo(ProviderScheduleKeys.partition("dr-7", Topics.PROVIDER_SCHEDULES.partitions()));
        ProviderSchedule written = (ProviderSchedule) record.value();
        assertThat(written.getOccurredAt()).isEqualTo(NOW);
        assertThat(written.getWeeklyTemplate()).hasSize(2);
        assertThat(written.getTimeOff()).hasSize(1);
        assertThat(written.getExtraSessions()).hasSize(1);
    }

    @Test
    void shouldWriteATombstoneForTheFacilitysProviderOnlyWhenItsScheduleIsWithdrawn() throws Exception {
        start(true);

        HttpResponse<String> response = send("DELETE", schedulePath("dr-7") + "?facilityId=f-1", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("WITHDRAWN");
        assertThat(body.get("facilityId").asText()).isEqualTo("f-1");
        ProducerRecord<String, SpecificRecord> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.PROVIDER_SCHEDULES.name());
        assertThat(record.key()).as("f-1's provider, not another facility's of the id").isEqualTo(ProviderScheduleKeys.of("dr-7", "f-1"));
        assertThat(record.value()).isNull();
        assertThat(record.partition()).isEqualTo(ProviderScheduleKeys.partition("dr-7", Topics.PROVIDER_SCHEDULES.partitions()));
    }

    @Test
    void shouldAnswer400NamingFacilityIdAndWriteNothingWhenAWithdrawalNamesNoFacility() throws Exception {
        start(true);

        HttpResponse<String> response = send("DELETE", schedulePath("dr-7"), "");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field")).containsExactly("facilityId");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer400ListingEveryProblemAndWriteNothingWhenScheduleIsInvalid() throws Exception {
        start(true);
        String body = SCHEDULE.replace("Europe/London", "+01:00").replace("\"13:00\"", "\"11:00\"").replace("\"30\"", "\"x\"");

        HttpResponse<String> response = send("PUT", schedulePath("dr 7"), body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field"))
            .containsExactly("providerId", "/timeZone", "/weekly/MONDAY/1");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenScheduleIsNotJson() throws Exception {
        start(true);

        HttpResponse<String> response = send("PUT", schedulePath("dr-7"), SCHEDULE, "text/plain");

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(producer.history()).isEmpty();
    }

    // ---- POST /v1/bookings

    @Test
    void shouldPublishBookingKeyedByProviderAndAnswer202PendingWhenValid() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", IngestRoutes.BOOKINGS_PATH, BOOKING);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(fieldNames(body)).containsExactly("bookingId", "clientBookingId", "requestId", "decision", "status", "topic", "partition", "offset");
        assertThat(body.get("bookingId").asText()).isEqualTo(BookingIds.of("f-1", "p-123", "dr-7", "b-1"));
        assertThat(body.get("clientBookingId").asText()).isEqualTo("b-1");
        assertThat(body.get("status").asText()).isEqualTo("PENDING");
        assertDecisionLink(response, body, ((BookingRequest) producer.history().get(0).value()).getEventId());
        assertThat(body.get("topic").asText()).isEqualTo(Topics.BOOKING_REQUESTS.name());
        ProducerRecord<String, SpecificRecord> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.BOOKING_REQUESTS.name());
        assertThat(record.key()).isEqualTo("dr-7");
        BookingRequest written = (BookingRequest) record.value();
        assertThat(written.getBookingId()).isEqualTo(body.get("bookingId").asText());
        assertThat(written.getClientBookingId()).isEqualTo("b-1");
        assertThat(written.getRequestedAt()).isEqualTo(NOW);
        assertThat(written.getReplacesBookingId()).isNull();
    }

    @Test
    void shouldAnswer400ListingEveryBadFieldAndWriteNothingWhenBookingIsInvalid() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", IngestRoutes.BOOKINGS_PATH,
            "{\"patientId\": \"p-1\", \"providerId\": \"dr-7\", \"slotStart\": \"2030-01-01T00:00:00Z\", \"notes\": \"" + "n".repeat(1001) + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field"))
            .containsExactly("/bookingId", "/facilityId", "/slotStart", "/appointmentType", "/notes");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenBookingIsNotJson() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", IngestRoutes.BOOKINGS_PATH, BOOKING, "application/x-www-form-urlencoded");

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer413WhenBookingExceeds64KiB() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", IngestRoutes.BOOKINGS_PATH,
            BOOKING.replace("\"b-1\"", "\"b-1\", \"notes\": \"" + "n".repeat(70 * 1024) + "\""));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaFailsTheBookingWrite() throws Exception {
        start(false);
        Thread failer = Thread.ofVirtual().start(() -> {
            while (!producer.errorNext(new TimeoutException("no broker"))) {
                Thread.onSpinWait();
            }
        });

        HttpResponse<String> response = send("POST", IngestRoutes.BOOKINGS_PATH, BOOKING);
        failer.join();

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("detail").asText()).endsWith("Retry with the same bookingId.");
    }

    // ---- POST /v1/bookings/{bookingId}/cancel

    @Test
    void shouldPublishCancellationKeyedByBookingAndAnswer202WhenValid() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", cancelPath("b-1"),
            "{\"reason\": \"provider ill\", \"cancelledBy\": \"STAFF\", \"staffId\": \"nurse-3\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(fieldNames(body)).containsExactly("bookingId", "requestId", "decision", "status", "topic", "partition", "offset");
        assertThat(body.get("bookingId").asText()).isEqualTo("b-1");
        assertThat(body.get("status").asText()).isEqualTo("CANCELLATION_REQUESTED");
        assertDecisionLink(response, body, ((BookingCancellation) producer.history().get(0).value()).getEventId());
        ProducerRecord<String, SpecificRecord> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.BOOKING_CANCELLATIONS.name());
        assertThat(record.key()).isEqualTo("b-1");
        BookingCancellation written = (BookingCancellation) record.value();
        assertThat(written.getCancelledBy()).isEqualTo(CancelledBy.STAFF);
        assertThat(written.getStaffId()).isEqualTo("nurse-3");
    }

    @Test
    void shouldAnswer400AndWriteNothingWhenCancellationIsInvalid() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", cancelPath("b 1"), "{\"cancelledBy\": \"DOCTOR\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field"))
            .containsExactly("bookingId", "/reason", "/cancelledBy");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenCancellationIsNotJson() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", cancelPath("b-1"), "{\"reason\": \"x\"}", "text/plain");

        assertThat(response.statusCode()).isEqualTo(415);
    }

    // ---- POST /v1/bookings/{bookingId}/reschedule

    @Test
    void shouldPublishNewBookingReplacingTheOldAndAnswer202PendingWhenValid() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", reschedulePath("b-1"), RESCHEDULE);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(fieldNames(body)).containsExactly("bookingId", "clientBookingId", "replacesBookingId", "requestId", "decision", "status",
            "topic", "partition", "offset");
        assertThat(body.get("bookingId").asText()).isEqualTo(BookingIds.of("f-1", "p-123", "dr-7", "b-2"));
        assertThat(body.get("clientBookingId").asText()).isEqualTo("b-2");
        assertThat(body.get("replacesBookingId").asText()).isEqualTo("b-1");
        assertThat(body.get("status").asText()).isEqualTo("PENDING");
        ProducerRecord<String, SpecificRecord> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.BOOKING_REQUESTS.name());
        assertThat(record.key()).isEqualTo("dr-7");
        BookingRequest written = (BookingRequest) record.value();
        assertThat(written.getBookingId()).isEqualTo(body.get("bookingId").asText());
        assertThat(written.getReplacesBookingId()).isEqualTo("b-1");
    }

    @Test
    void shouldAnswer400AndWriteNothingWhenRescheduleKeepsTheSameId() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", reschedulePath("b-2"), RESCHEDULE);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field")).containsExactly("/newBookingId");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenRescheduleIsNotJson() throws Exception {
        start(true);

        HttpResponse<String> response = send("POST", reschedulePath("b-1"), RESCHEDULE, "text/plain");

        assertThat(response.statusCode()).isEqualTo(415);
    }

    private static List<String> fieldNames(JsonNode body) {
        return body.properties().stream().map(java.util.Map.Entry::getKey).toList();
    }

    private static String schedulePath(String providerId) {
        return IngestRoutes.PROVIDER_SCHEDULE_PATH.replace("{providerId}", providerId.replace(" ", "%20"));
    }

    private static String cancelPath(String bookingId) {
        return IngestRoutes.BOOKING_CANCEL_PATH.replace("{bookingId}", bookingId.replace(" ", "%20"));
    }

    private static String reschedulePath(String bookingId) {
        return IngestRoutes.BOOKING_RESCHEDULE_PATH.replace("{bookingId}", bookingId.replace(" ", "%20"));
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, "application/json");
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The 202 names the request and where streams-scheduling answers its decision, in the body and as Location. */
    private static void assertDecisionLink(HttpResponse<String> response, JsonNode body, String eventId) {
        assertThat(body.get("requestId").asText()).isEqualTo(eventId);
        assertThat(body.get("decision").asText()).isEqualTo("/v1/scheduling-decisions/" + eventId);
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/scheduling-decisions/" + eventId);
    }
}
