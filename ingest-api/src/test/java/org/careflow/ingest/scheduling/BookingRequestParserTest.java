package org.careflow.ingest.scheduling;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.topics.BookingIds;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BookingRequestParserTest {

    private static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";
    private static final String BOOKING = """
        {"bookingId": "b-1", "patientId": "p-123", "providerId": "dr-7", "facilityId": "f-1",
         "slotStart": "2026-12-01T09:30:00Z", "appointmentType": "follow-up", "notes": " Knee still hurts "}
        """;
    private static final String RESCHEDULE = """
        {"newBookingId": "b-2", "patientId": "p-123", "providerId": "dr-7", "facilityId": "f-1", "slotStart": "2026-12-02T10:00:00Z",
         "appointmentType": "follow-up"}
        """;

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final BookingRequestParser parser = new BookingRequestParser(Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void shouldDeriveDifferentBookingIdsWhenTwoPatientsSendTheSameClientId() throws Exception {
        BookingRequest victim = parser.parse(json(BOOKING));
        BookingRequest other = parser.parse(json(BOOKING.replace("p-123", "p-999")));

        assertThat(other.getClientBookingId()).isEqualTo(victim.getClientBookingId());
        assertThat(other.getBookingId()).isNotEqualTo(victim.getBookingId());
    }

    @Test
    void shouldBuildRequestWhenEveryFieldIsGiven() throws Exception {
        // When
        BookingRequest request = parser.parse(json(BOOKING));

        // Then
        assertThat(request.getEventId()).matches("[0-9a-f-]{36}");
        assertThat(request.getOccurredAt()).isEqualTo(now);
        assertThat(request.getClientBookingId()).isEqualTo("b-1");
        assertThat(request.getBookingId()).as("careflow's id, scoped to the owner").isEqualTo(BookingIds.of("f-1", "p-123", "dr-7", "b-1"));
        assertThat(request.getPatientId()).isEqualTo("p-123");
        assertThat(request.getProviderId()).isEqualTo("dr-7");
        assertThat(request.getFacilityId()).isEqualTo("f-1");
        assertThat(request.getSlotStart()).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        assertThat(request.getAppointmentType()).isEqualTo("follow-up");
        assertThat(request.getNotes()).isEqualTo("Knee still hurts");
        assertThat(request.getRequestedAt()).isEqualTo(now);
        assertThat(request.getReplacesBookingId()).isNull();
    }

    @Test
    void shouldLeaveNotesNullWhenBlank() throws Exception {
        BookingRequest request = parser.parse(json(BOOKING.replace("\" Knee still hurts \"", "\"  \"")));

        assertThat(request.getNotes()).isNull();
    }

    @Test
    void shouldRequireFacilityBecauseAProviderIdAloneMayNameSeveralFacilitiesProviders() throws Exception {
        assertThat(errors(BOOKING.replace("\"facilityId\": \"f-1\",", "")))
            .containsExactly(new FieldError("/facilityId", "is required"));
    }

    @Test
    void shouldRequireEveryIdentifyingFieldWhenBodyIsEmpty() throws Exception {
        assertThat(errors("{}")).containsExactly(
            new FieldError("/bookingId", "is required"),
            new FieldError("/patientId", "is required"),
            new FieldError("/providerId", "is required"),
            new FieldError("/facilityId", "is required"),
            new FieldError("/slotStart", "is required"),
            new FieldError("/appointmentType", "is required"));
    }

    @Test
    void shouldNameEveryBadFieldWhenSeveralAreInvalid() throws Exception {
        String body = """
            {"bookingId": "b 1", "patientId": 123, "providerId": "", "facilityId": "f/1", "slotStart": "tomorrow",
             "appointmentType": "follow up", "notes": 5, "requestedAt": "2026-11-21T10:00:00Z", "replacesBookingId": "b-0"}
            """;

        assertThat(errors(body)).containsExactly(
            new FieldError("/requestedAt", "is not a known field; expected one of "
                + "[appointmentType, bookingId, facilityId, notes, patientId, providerId, slotStart]"),
            new FieldError("/replacesBookingId", "is not a known field; expected one of "
                + "[appointmentType, bookingId, facilityId, notes, patientId, providerId, slotStart]"),
            new FieldError("/bookingId", ID_MESSAGE),
            new FieldError("/patientId", "must be a string"),
            new FieldError("/providerId", "must not be blank"),
            new FieldError("/facilityId", ID_MESSAGE),
            new FieldError("/slotStart", "must be an ISO-8601 instant such as 2026-11-21T10:15:00Z"),
            new FieldError("/appointmentType", ID_MESSAGE),
            new FieldError("/notes", "must be a string"));
    }

    @Test
    void shouldRejectBodyWhenItIsNotAnObject() throws Exception {
        assertThat(errors("\"b-1\"")).containsExactly(new FieldError("", "the body must be a JSON object"));
    }

    @Nested
    class SlotStart {

        @Test
        void shouldAcceptSlotWhenItIsInThePastSinceTheSchedulerRecordsThatOutcome() throws Exception {
            assertThat(parser.parse(withSlot("2026-11-20T09:00:00Z")).getSlotStart()).isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));
        }

        @Test
        void shouldAcceptSlotWhenExactlyAYearAhead() throws Exception {
            assertThat(parser.parse(withSlot("2027-11-21T10:16:00Z")).getSlotStart()).isEqualTo(Instant.parse("2027-11-21T10:16:00Z"));
        }

        @Test
        void shouldRejectSlotWhenMoreThanAYearAhead() throws Exception {
            assertThat(errors(withSlot("2027-11-21T10:17:00Z")))
                .containsExactly(new FieldError("/slotStart", "lies more than a year ahead (after 2027-11-21T10:16:00Z)"));
        }

        @Test
        void shouldAcceptSlotWhenWrittenWithAnOffset() throws Exception {
            assertThat(parser.parse(withSlot("2026-12-01T10:30:00+01:00")).getSlotStart()).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"2026-12-01T09:30:01Z", "2026-12-01T09:30:00.500Z", "2026-12-01T09:30:00.000001Z"})
        void shouldRejectSlotWhenNotOnAWholeMinute(String slotStart) throws Exception {
            assertThat(errors(withSlot(slotStart))).containsExactly(new FieldError("/slotStart",
                "must be on a whole minute, such as 2026-12-01T09:30:00Z: slots start on the minute"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"2026-12-01T09:30:00", "2026-12-01", "09:30"})
        void shouldRejectSlotWhenNotAnInstant(String slotStart) throws Exception {
            assertThat(errors(withSlot(slotStart)))
                .containsExactly(new FieldError("/slotStart", "must be an ISO-8601 instant such as 2026-11-21T10:15:00Z"));
        }

        private JsonNode withSlot(String slotStart) throws Exception {
            return json(BOOKING.replace("2026-12-01T09:30:00Z", slotStart));
        }
    }

    @Nested
    class Notes {

        @Test
        void shouldAcceptNotesWhen1000Characters() throws Exception {
            assertThat(parser.parse(json(BOOKING.replace(" Knee still hurts ", "n".repeat(1000)))).getNotes()).hasSize(1000);
        }

        @Test
        void shouldRejectNotesWhenLongerThan1000Characters() throws Exception {
            assertThat(errors(BOOKING.replace(" Knee still hurts ", "n".repeat(1001))))
                .containsExactly(new FieldError("/notes", "must be at most 1000 characters"));
        }
    }

    @Nested
    class Reschedule {

        @Test
        void shouldBookTheNewIdReplacingThePathsWhenValid() throws Exception {
            // When
            BookingRequest request = parser.parseReschedule("b-1", json(RESCHEDULE));

            // Then
            assertThat(request.getClientBookingId()).isEqualTo("b-2");
            assertThat(request.getBookingId()).isEqualTo(BookingIds.of("f-1", "p-123", "dr-7", "b-2"));
            assertThat(request.getReplacesBookingId()).as("the path names careflow's id").isEqualTo("b-1");
            assertThat(request.getPatientId()).isEqualTo("p-123");
            assertThat(request.getProviderId()).isEqualTo("dr-7");
            assertThat(request.getFacilityId()).isEqualTo("f-1");
            assertThat(request.getSlotStart()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
            assertThat(request.getAppointmentType()).isEqualTo("follow-up");
            assertThat(request.getNotes()).isNull();
            assertThat(request.getRequestedAt()).isEqualTo(now);
            assertThat(request.getOccurredAt()).isEqualTo(now);
        }

        @Test
        void shouldKeepOptionalFieldsWhenGiven() throws Exception {
            BookingRequest request = parser.parseReschedule("b-1",
                json(RESCHEDULE.replace("\"appointmentType\"", "\"notes\": \"later please\", \"appointmentType\"")));

            assertThat(request.getNotes()).isEqualTo("later please");
        }

        @Test
        void shouldRejectNewBookingIdWhenItIsThePathsBookingId() throws Exception {
            assertThat(rescheduleErrors("b-2", RESCHEDULE))
                .containsExactly(new FieldError("/newBookingId", "must differ from the bookingId of the booking it replaces"));
        }

        @Test
        void shouldNameEveryBadFieldWhenRescheduleIsInvalid() throws Exception {
            String body = "{\"bookingId\": \"b-2\", \"slotStart\": \"2028-01-01T00:00:00Z\", \"notes\": \"" + "n".repeat(1001) + "\"}";

            assertThat(rescheduleErrors("b 1", body)).containsExactly(
                new FieldError("bookingId", ID_MESSAGE),
                new FieldError("/bookingId", "is not a known field; expected one of "
                    + "[appointmentType, facilityId, newBookingId, notes, patientId, providerId, slotStart]"),
                new FieldError("/newBookingId", "is required"),
                new FieldError("/patientId", "is required"),
                new FieldError("/providerId", "is required"),
                new FieldError("/facilityId", "is required"),
                new FieldError("/slotStart", "lies more than a year ahead (after 2027-11-21T10:16:00Z)"),
                new FieldError("/appointmentType", "is required"),
                new FieldError("/notes", "must be at most 1000 characters"));
        }

        @Test
        void shouldRejectRescheduleBodyWhenItIsNotAnObject() throws Exception {
            assertThat(rescheduleErrors("b-1", "null")).containsExactly(new FieldError("", "the body must be a JSON object"));
        }

        private List<FieldError> rescheduleErrors(String bookingId, String body) throws Exception {
            JsonNode node = json(body);
            ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parseReschedule(bookingId, node));
            assertThat(problem.problem().status()).isEqualTo(400);
            return problem.problem().errors();
        }
    }

    private List<FieldError> errors(String body) throws Exception {
        return errors(json(body));
    }

    private List<FieldError> errors(JsonNode body) {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));
        assertThat(problem).as("a 400 for %s", body).isNotNull();
        assertThat(problem.problem().status()).isEqualTo(400);
        return problem.problem().errors();
    }

    private static JsonNode json(String text) throws Exception {
        return HttpServerFactory.MAPPER.readTree(text);
    }
}
