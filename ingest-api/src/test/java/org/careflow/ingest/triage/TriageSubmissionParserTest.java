package org.careflow.ingest.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.query.HttpServerFactory;
import org.careflow.query.Problem;
import org.careflow.query.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TriageSubmissionParserTest {

    static final String VALID = """
        {"submissionId": "s-1", "patientId": "p-123", "facilityId": "f-1", "formId": "general-v1", "channel": "WHATSAPP",
         "submittedAt": "2026-11-21T10:15:00Z",
         "vitals": {"respiratoryRate": 22, "spo2": 93, "spo2Scale": 1, "onSupplementalOxygen": false,
                    "systolicBp": 105, "heartRate": 95, "consciousness": "ALERT", "temperature": 38.4},
         "answers": {"chest_pain": "no", "pain_score": 4}, "chiefComplaint": "shortness of breath"}
        """;

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final TriageSubmissionParser parser = new TriageSubmissionParser(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));

    @Test
    void shouldBuildEventWhenBodyIsValid() throws Exception {
        TriageSubmission submission = parser.parse(json(VALID));

        assertThat(submission.getSubmissionId()).isEqualTo("s-1");
        assertThat(submission.getEventId()).isEqualTo("s-1");
        assertThat(submission.getPatientId()).isEqualTo("p-123");
        assertThat(submission.getChannel()).isEqualTo(SubmissionChannel.WHATSAPP);
        assertThat(submission.getSubmittedAt()).isEqualTo(Instant.parse("2026-11-21T10:15:00Z"));
        assertThat(submission.getOccurredAt()).isEqualTo(now);
        assertThat(submission.getVitals().getSpo2()).isEqualTo(93);
        assertThat(submission.getVitals().getTemperature()).isEqualTo(38.4);
        assertThat(submission.getVitals().getConsciousness()).isEqualTo(Consciousness.ALERT);
        assertThat(submission.getAnswers()).containsEntry("chest_pain", "no").containsEntry("pain_score", "4");
    }

    @Test
    void shouldGenerateSubmissionIdWhenClientSentNone() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.remove("submissionId");

        TriageSubmission submission = parser.parse(body);

        assertThat(submission.getSubmissionId()).isNotBlank().isNotEqualTo("s-1");
    }

    @Test
    void shouldKeepMissingVitalsMissingWhenOmitted() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        ((ObjectNode) body.get("vitals")).remove("spo2");
        ((ObjectNode) body.get("vitals")).putNull("heartRate");

        TriageSubmission submission = parser.parse(body);

        assertThat(submission.getVitals().getSpo2()).isNull();
        assertThat(submission.getVitals().getHeartRate()).isNull();
    }

    @Test
    void shouldNameEveryBadFieldWhenSeveralAreInvalid() throws Exception {
        String body = """
            {"patientId": "", "facilityId": 7, "formId": "general-v1", "channel": "PIGEON",
             "submittedAt": "yesterday", "vitals": {"spo2": 930, "heartRate": 95.5, "consciousness": "SLEEPY", "spO2": 93},
             "extra": 1}
            """;

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(json(body)));

        assertThat(problem.problem().status()).isEqualTo(400);
        assertThat(problem.problem().errors()).extracting(Problem.FieldError::field).containsExactlyInAnyOrder(
            "/patientId", "/facilityId", "/channel", "/submittedAt", "/vitals/spo2", "/vitals/heartRate",
            "/vitals/consciousness", "/vitals/spO2", "/extra");
    }

    @ParameterizedTest
    @CsvSource({
        "respiratoryRate, 0", "respiratoryRate, 81", "spo2, 39", "spo2, 101", "spo2Scale, 3",
        "systolicBp, 39", "systolicBp, 301", "heartRate, 19", "heartRate, 301", "temperature, 24.9", "temperature, 45.1"})
    void shouldRejectImpossibleVitalWhenOutOfRange(String field, String value) throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        ((ObjectNode) body.get("vitals")).set(field, json(value));

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().errors()).extracting(Problem.FieldError::field).containsExactly("/vitals/" + field);
        assertThat(problem.problem().errors().get(0).message()).contains("between");
    }

    @ParameterizedTest
    @CsvSource({"respiratoryRate, 1", "respiratoryRate, 80", "spo2, 40", "spo2, 100", "systolicBp, 40", "systolicBp, 300",
        "heartRate, 20", "heartRate, 300", "temperature, 25.0", "temperature, 45.0"})
    void shouldAcceptVitalWhenOnRangeEdge(String field, String value) throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        ((ObjectNode) body.get("vitals")).set(field, json(value));

        assertThat(parser.parse(body).getVitals().get(field)).isNotNull();
    }

    @Test
    void shouldRejectSubmittedAtWhenBeyondClockSkew() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("submittedAt", now.plus(Duration.ofMinutes(6)).toString());

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().errors()).extracting(Problem.FieldError::field).containsExactly("/submittedAt");
    }

    @Test
    void shouldRequireVitalsWhenAbsent() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.remove("vitals");

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().errors()).extracting(Problem.FieldError::field).containsExactly("/vitals");
    }

    @Test
    void shouldRejectBodyWhenItIsNotAnObject() throws Exception {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(json("[1,2]")));

        assertThat(problem.problem().errors()).hasSize(1);
    }

    static JsonNode json(String text) throws Exception {
        return HttpServerFactory.MAPPER.readTree(text);
    }
}
