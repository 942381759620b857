package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.careflow.config.CommonConfig;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.events.scheduling.ExtraSession;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.TimeOff;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.topics.BookingIds;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topic;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules, bookings, cancellations and reschedules through the ingest API, against a real KRaft broker and the real
 * Apicurio registry: schemas are registered up front and the API's producer runs with registration off.
 */
@Tag("integration")
class SchedulingIngestIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static PlatformFixture platform;
    private static IngestApp app;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startPlatform() {
        platform = PlatformFixture.catalogue(dir);
        TestFacilities.publish(platform.bootstrapServers(), platform.registryUrl());
        Map<String, Object> props = CommonConfig.connection(platform.bootstrapServers(), platform.registryUrl(), "127.0.0.1", 0);
        // Not a security test: the routes' checks pass with authentication off.
        props.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
        props.put(IngestConfig.KAFKA_ACK_TIMEOUT_MS_CONFIG, 10_000L);
        app = IngestApp.start(new IngestConfig(props));
    }

    @AfterAll
    static void stopPlatform() {
        if (app != null) {
            app.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldWriteTheWholeScheduleKeyedByProviderWhenPut() throws Exception {
        // When
        HttpResponse<String> response = send("PUT", "/v1/providers/dr-it-1/schedule", """
            {"facilityId": "f-1", "timeZone": "Europe/London", "slotMinutes": 20, "appointmentTypes": ["new-patient", "follow-up"],
             "weekly": {"MONDAY": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                        "TUESDAY": [{"start": "09:00", "end": "12:00"}]},
             "timeOff": [{"from": "2026-12-24", "to": "2026-12-26"},
                         {"from": "2026-12-31", "to": "2026-12-31", "startTime": "12:00", "endTime": "17:00", "reason": "training"}],
             "extraSessions": [{"date": "2026-12-27", "start": "09:00", "end": "12:00"}]}
            """);

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("providerId").asText()).isEqualTo("dr-it-1");
        ConsumerRecord<String, ProviderSchedule> record = read(Topics.PROVIDER_SCHEDULES, body);
        // One record per facility's provider (compaction keeps each), in the partition booking requests for dr-it-1 take.
        assertThat(record.key()).isEqualTo(ProviderScheduleKeys.of("dr-it-1", "f-1"));
        assertThat(record.partition()).isEqualTo(ProviderScheduleKeys.partition("dr-it-1", Topics.PROVIDER_SCHEDULES.partitions()));
        ProviderSchedule schedule = record.value();
        assertThat(schedule.getProviderId()).isEqualTo("dr-it-1");
        assertThat(schedule.getFacilityId()).isEqualTo("f-1");
        assertThat(schedule.getTimeZone()).isEqualTo("Europe/London");
        assertThat(schedule.getSlotMinutes()).isEqualTo(20);
        assertThat(schedule.getAppointmentTypes()).containsExactly("new-patient", "follow-up");
        assertThat(schedule.getWeeklyTemplate()).containsExactly(
            new WeeklySession(Weekday.MONDAY, hours(9, 12)),
            new WeeklySession(Weekday.MONDAY, hours(13, 17)),
            new WeeklySession(Weekday.TUESDAY, hours(9, 12)));
        assertThat(schedule.getTimeOff()).containsExactly(
            new TimeOff(LocalDate.parse("2026-12-24"), LocalDate.parse("2026-12-26"), null, null, null),
            new TimeOff(LocalDate.parse("2026-12-31"), LocalDate.parse("2026-12-31"), LocalTime.of(12, 0), LocalTime.of(17, 0), "training"));
        assertThat(schedule.getExtraSessions()).containsExactly(new ExtraSession(LocalDate.parse("2026-12-27"), hours(9, 12)));
    }

    @Test
    void shouldWriteBookingRequestKeyedByProviderWhenPosted() throws Exception {
        // When
        Instant before = Instant.now();
        HttpResponse<String> response = send("POST", IngestRoutes.BOOKINGS_PATH, """
            {"bookingId": "b-it-1", "patientId": "p-123", "providerId": "dr-it-2", "facilityId": "f-1",
             "slotStart": "2026-12-07T09:20:00Z", "appointmentType": "follow-up", "notes": "knee"}
            """);

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("bookingId").asText()).isEqualTo(BookingIds.of("f-1", "p-123", "dr-it-2", "b-it-1"));
        assertThat(body.get("clientBookingId").asText()).isEqualTo("b-it-1");
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/scheduling-decisions/" + body.get("requestId").asText());
        assertThat(body.get("status").asText()).isEqualTo("PENDING");
        ConsumerRecord<String, BookingRequest> record = read(Topics.BOOKING_REQUESTS, body);
        assertThat(record.key()).isEqualTo("dr-it-2");
        // Kafka's own partitioner put it where ProviderScheduleKeys puts dr-it-2's schedules: one task holds both.
        assertThat(record.partition()).isEqualTo(ProviderScheduleKeys.partition("dr-it-2", Topics.BOOKING_REQUESTS.partitions()));
        BookingRequest request = record.value();
        assertThat(request.getBookingId()).isEqualTo(body.get("bookingId").asText());
        assertThat(request.getClientBookingId()).isEqualTo("b-it-1");
        assertThat(request.getEventId()).isEqualTo(body.get("requestId").asText());
        assertThat(request.getPatientId()).isEqualTo("p-123");
        assertThat(request.getProviderId()).isEqualTo("dr-it-2");
        assertThat(request.getFacilityId()).isEqualTo("f-1");
        assertThat(request.getSlotStart()).isEqualTo(Instant.parse("2026-12-07T09:20:00Z"));
        assertThat(request.getAppointmentType()).isEqualTo("follow-up");
        assertThat(request.getNotes()).isEqualTo("knee");
        assertThat(request.getRequestedAt()).isBetween(before.minusMillis(1), Instant.now());
        assertThat(request.getReplacesBookingId()).isNull();
    }

    @Test
    void shouldWriteCancellationKeyedByBookingWhenPosted() throws Exception {
        // When
        HttpResponse<String> response = send("POST", "/v1/bookings/b-it-3/cancel",
            "{\"reason\": \"provider ill\", \"cancelledBy\": \"STAFF\", \"staffId\": \"nurse-3\", \"patientId\": \"p-123\"}");

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("bookingId").asText()).isEqualTo("b-it-3");
        assertThat(body.get("status").asText()).isEqualTo("CANCELLATION_REQUESTED");
        ConsumerRecord<String, BookingCancellation> record = read(Topics.BOOKING_CANCELLATIONS, body);
        assertThat(record.key()).isEqualTo("b-it-3");
        BookingCancellation cancellation = record.value();
        assertThat(cancellation.getBookingId()).isEqualTo("b-it-3");
        assertThat(cancellation.getReason()).isEqualTo("provider ill");
        assertThat(cancellation.getCancelledBy()).isEqualTo(CancelledBy.STAFF);
        assertThat(cancellation.getStaffId()).isEqualTo("nurse-3");
        assertThat(cancellation.getPatientId()).isEqualTo("p-123");
    }

    @Test
    void shouldWriteRescheduleAsANewBookingReplacingTheOldKeyedByProviderWhenPosted() throws Exception {
        // When
        HttpResponse<String> response = send("POST", "/v1/bookings/b-it-4/reschedule", """
            {"newBookingId": "b-it-5", "patientId": "p-123", "providerId": "dr-it-2", "facilityId": "f-1", "slotStart": "2026-12-08T10:00:00Z",
             "appointmentType": "follow-up"}
            """);

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("bookingId").asText()).isEqualTo(BookingIds.of("f-1", "p-123", "dr-it-2", "b-it-5"));
        assertThat(body.get("replacesBookingId").asText()).isEqualTo("b-it-4");
        assertThat(body.get("status").asText()).isEqualTo("PENDING");
        ConsumerRecord<String, BookingRequest> record = read(Topics.BOOKING_REQUESTS, body);
        assertThat(record.key()).isEqualTo("dr-it-2");
        assertThat(record.value().getBookingId()).isEqualTo(body.get("bookingId").asText());
        assertThat(record.value().getClientBookingId()).isEqualTo("b-it-5");
        assertThat(record.value().getReplacesBookingId()).isEqualTo("b-it-4");
        assertThat(record.value().getSlotStart()).isEqualTo(Instant.parse("2026-12-08T10:00:00Z"));
        assertThat(record.value().getFacilityId()).isEqualTo("f-1");
    }

    private static LocalTimeRange hours(int startHour, int endHour) {
        return new LocalTimeRange(LocalTime.of(startHour, 0), LocalTime.of(endHour, 0));
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The record at the topic, partition and offset a 202 named, read through the registry. */
    private static <V extends SpecificRecord> ConsumerRecord<String, V> read(Topic<String, V> topic, JsonNode accepted) {
        assertThat(accepted.get("topic").asText()).isEqualTo(topic.name());
        return AcceptedRecords.read(platform.broker(), platform.registry(), topic, accepted, DEADLINE);
    }
}
