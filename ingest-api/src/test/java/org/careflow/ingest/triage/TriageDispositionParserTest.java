package org.careflow.ingest.triage;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.careflow.events.triage.Disposition;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TriageDispositionParserTest {

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final TriageDispositionParser parser = new TriageDispositionParser(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));

    @Test
    void shouldBuildEventWhenEveryFieldIsGiven() throws Exception {
        // Given
        String body = """
            {"disposition": "ADMITTED", "decidedAt": "2026-11-21T10:00:00Z", "decidedBy": "dr-7", "submissionId": "s-1"}""";

        // When
        TriageDisposition event = parser.parse("f-1", "p-123", json(body));

        // Then
        assertThat(event.getEventId()).matches("[0-9a-f-]{36}");
        assertThat(event.getOccurredAt()).isEqualTo(now);
        assertThat(event.getFacilityId()).isEqualTo("f-1");
        assertThat(event.getPatientId()).isEqualTo("p-123");
        assertThat(event.getDisposition()).isEqualTo(Disposition.ADMITTED);
        assertThat(event.getDecidedAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(event.getDecidedBy()).isEqualTo("dr-7");
        assertThat(event.getSubmissionId()).isEqualTo("s-1");
    }

    @Test
    void shouldDecideNowBySystemForEveryEntryWhenOnlyDispositionIsGiven() throws Exception {
        TriageDisposition event = parser.parse("f-1", "p-123", json("{\"disposition\": \"LEFT_WITHOUT_BEING_SEEN\"}"));

        assertThat(event.getDecidedAt()).isEqualTo(now);
        assertThat(event.getDecidedBy()).isNull();
        assertThat(event.getSubmissionId()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Disposition.class)
    void shouldAcceptEveryDispositionWhenSpeltAsTheContract(Disposition disposition) throws Exception {
        assertThat(parser.parse("f-1", "p-1", json("{\"disposition\": \"" + disposition + "\"}")).getDisposition()).isEqualTo(disposition);
    }

    @Test
    void shouldAcceptDecidedAtWhenWithinTheClockSkew() throws Exception {
        String body = "{\"disposition\": \"SEEN\", \"decidedAt\": \"" + now.plus(Duration.ofMinutes(5)) + "\"}";

        assertThat(parser.parse("f-1", "p-1", json(body)).getDecidedAt()).isEqualTo(Instant.parse("2026-11-21T10:21:00Z"));
    }

    @Test
    void shouldNameEveryBadFieldWhenSeveralAreInvalid() throws Exception {
        // Given
        String body = """
            {"disposition": "seen", "decidedAt": "2026-11-21T10:21:01Z", "decidedBy": "dr 7", "submissionId": 5, "note": "x"}""";

        // When
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse("f 1", "-p", json(body)));

        // Then
        assertThat(problem.problem().status()).isEqualTo(400);
        assertThat(problem.problem().errors()).containsExactly(
            new FieldError("facilityId", "must be 1-128 letters, digits or . _ : - starting with a letter or digit"),
            new FieldError("patientId", "must be 1-128 letters, digits or . _ : - starting with a letter or digit"),
            new FieldError("/note", "is not a known field; expected one of [decidedAt, decidedBy, disposition, submissionId]"),
            new FieldError("/disposition", "must be one of [SEEN, ADMITTED, DISCHARGED, LEFT_WITHOUT_BEING_SEEN]"),
            new FieldError("/decidedAt", "lies in the future"),
            new FieldError("/decidedBy", "must be 1-128 letters, digits or . _ : - starting with a letter or digit"),
            new FieldError("/submissionId", "must be a string"));
    }

    @Test
    void shouldRequireDispositionWhenAbsent() throws Exception {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse("f-1", "p-1", json("{}")));

        assertThat(problem.problem().errors()).containsExactly(new FieldError("/disposition", "is required"));
    }

    @Test
    void shouldRejectDecidedAtWhenNotAnInstant() throws Exception {
        ProblemException problem = catchThrowableOfType(ProblemException.class,
            () -> parser.parse("f-1", "p-1", json("{\"disposition\": \"SEEN\", \"decidedAt\": \"10:00\"}")));

        assertThat(problem.problem().errors()).extracting(FieldError::field).containsExactly("/decidedAt");
    }

    @Test
    void shouldRejectBodyWhenItIsNotAnObject() throws Exception {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse("f-1", "p-1", json("\"SEEN\"")));

        assertThat(problem.problem().errors()).isEqualTo(List.of(new FieldError("", "the body must be a JSON object")));
    }

    private static JsonNode json(String text) throws Exception {
        return HttpServerFactory.MAPPER.readTree(text);
    }
}
