package org.careflow.ingest.scheduling;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BookingCancellationParserTest {

    private static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final BookingCancellationParser parser = new BookingCancellationParser(Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void shouldBuildCancellationWhenEveryFieldIsGiven() throws Exception {
        // When
        BookingCancellation cancellation = parser.parse("b-1",
            json("{\"reason\": \" provider ill \", \"cancelledBy\": \"STAFF\", \"staffId\": \"nurse-3\", \"patientId\": \"p-123\"}"));

        // Then
        assertThat(cancellation.getEventId()).matches("[0-9a-f-]{36}");
        assertThat(cancellation.getOccurredAt()).isEqualTo(now);
        assertThat(cancellation.getBookingId()).isEqualTo("b-1");
        assertThat(cancellation.getReason()).isEqualTo("provider ill");
        assertThat(cancellation.getCancelledBy()).isEqualTo(CancelledBy.STAFF);
        assertThat(cancellation.getStaffId()).isEqualTo("nurse-3");
        assertThat(cancellation.getPatientId()).isEqualTo("p-123");
    }

    @Test
    void shouldBeCancelledByThePatientWhenOnlyAReasonIsGiven() throws Exception {
        BookingCancellation cancellation = parser.parse("b-1", json("{\"reason\": \"patient replied CANCEL\"}"));

        assertThat(cancellation.getCancelledBy()).isEqualTo(CancelledBy.PATIENT);
        assertThat(cancellation.getStaffId()).isNull();
        assertThat(cancellation.getPatientId()).isNull();
    }

    @ParameterizedTest
    @EnumSource(CancelledBy.class)
    void shouldAcceptEveryCancelledByWhenSpeltAsTheContract(CancelledBy by) throws Exception {
        assertThat(parser.parse("b-1", json("{\"reason\": \"x\", \"cancelledBy\": \"" + by + "\"}")).getCancelledBy()).isEqualTo(by);
    }

    @Test
    void shouldAcceptReasonWhen500Characters() throws Exception {
        assertThat(parser.parse("b-1", json("{\"reason\": \"" + "r".repeat(500) + "\"}")).getReason()).hasSize(500);
    }

    @Test
    void shouldRequireReasonWhenAbsent() throws Exception {
        assertThat(errors("b-1", "{}")).containsExactly(new FieldError("/reason", "is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"   \"", "\"\""})
    void shouldRejectReasonWhenBlank(String reason) throws Exception {
        assertThat(errors("b-1", "{\"reason\": " + reason + "}")).containsExactly(new FieldError("/reason", "must not be blank"));
    }

    @Test
    void shouldRejectReasonWhenLongerThan500Characters() throws Exception {
        assertThat(errors("b-1", "{\"reason\": \"" + "r".repeat(501) + "\"}"))
            .containsExactly(new FieldError("/reason", "must be at most 500 characters"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PATIENT", "SYSTEM"})
    void shouldRejectStaffIdWhenNotCancelledByStaff(String by) throws Exception {
        assertThat(errors("b-1", "{\"reason\": \"x\", \"cancelledBy\": \"" + by + "\", \"staffId\": \"nurse-3\"}"))
            .containsExactly(new FieldError("/staffId", "is only given when cancelledBy is STAFF"));
    }

    @Test
    void shouldRejectStaffIdWhenCancelledByDefaultsToPatient() throws Exception {
        assertThat(errors("b-1", "{\"reason\": \"x\", \"staffId\": \"nurse-3\"}"))
            .containsExactly(new FieldError("/staffId", "is only given when cancelledBy is STAFF"));
    }

    @Test
    void shouldNameEveryBadFieldWhenSeveralAreInvalid() throws Exception {
        String body = "{\"reason\": 7, \"cancelledBy\": \"staff\", \"staffId\": \"nurse 3\", \"patientId\": \"p/1\", \"by\": \"me\"}";

        assertThat(errors("b 1", body)).containsExactly(
            new FieldError("bookingId", ID_MESSAGE),
            new FieldError("/by", "is not a known field; expected one of [cancelledBy, patientId, reason, staffId]"),
            new FieldError("/reason", "must be a string"),
            new FieldError("/cancelledBy", "must be one of [PATIENT, STAFF, SYSTEM]"),
            new FieldError("/staffId", ID_MESSAGE),
            new FieldError("/patientId", ID_MESSAGE));
    }

    @Test
    void shouldNotJudgeStaffIdAgainstCancelledByWhenCancelledByIsInvalid() throws Exception {
        assertThat(errors("b-1", "{\"reason\": \"x\", \"cancelledBy\": \"NURSE\", \"staffId\": \"nurse-3\"}"))
            .containsExactly(new FieldError("/cancelledBy", "must be one of [PATIENT, STAFF, SYSTEM]"));
    }

    @Test
    void shouldRejectBodyWhenItIsNotAnObject() throws Exception {
        assertThat(errors("b-1", "[\"ill\"]")).isEqualTo(List.of(new FieldError("", "the body must be a JSON object")));
    }

    private List<FieldError> errors(String bookingId, String body) throws Exception {
        JsonNode node = json(body);
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(bookingId, node));
        assertThat(problem).as("a 400 for %s", body).isNotNull();
        assertThat(problem.problem().status()).isEqualTo(400);
        return problem.problem().errors();
    }

    private static JsonNode json(String text) throws Exception {
        return HttpServerFactory.MAPPER.readTree(text);
    }
}
