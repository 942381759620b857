package org.careflow.ingest.triage;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.forms.FormDefinitionParser;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TriageSubmissionParserTest {

    static final String VALID = """
        {"submissionId": "s-1", "patientId": "p-123", "facilityId": "f-1", "formId": "chest-pain", "channel": "WHATSAPP",
         "submittedAt": "2026-11-21T10:15:00Z",
         "vitals": {"respiratoryRate": 22, "spo2": 93, "spo2Scale": 1, "onSupplementalOxygen": false,
                    "systolicBp": 105, "heartRate": 95, "consciousness": "ALERT", "temperature": 38.4},
         "answers": {"chest_pain": "No", "pain_score": 4.0}, "chiefComplaint": "shortness of breath"}
        """;

    /** Version 1 of chest-pain for every facility, version 2 only for f-1; and fever, only for f-2. */
    static final String CHEST_PAIN_V1 = """
        {"version": 1, "title": "Chest pain",
         "questions": [{"id": "chest_pain", "text": "Chest pain?", "type": "YES_NO", "required": true}]}
        """;
    static final String CHEST_PAIN_V2 = """
        {"version": 2, "facilityId": "f-1", "title": "Chest pain",
         "questions": [{"id": "chest_pain", "text": "Chest pain?", "type": "YES_NO", "required": true},
                       {"id": "pain_score", "text": "Pain 0-10", "type": "NUMBER", "min": 0, "max": 10}],
         "scoringRules": [{"id": "severe_pain", "questionId": "pain_score", "min": 7, "points": 2}]}
        """;
    static final String FEVER = """
        {"version": 1, "facilityId": "f-2", "title": "Fever", "questions": []}
        """;

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final FormCatalog forms = FormCatalog.fixed(List.of(form("chest-pain", CHEST_PAIN_V1), form("chest-pain", CHEST_PAIN_V2),
        form("fever", FEVER)));
    private final TriageSubmissionParser parser = new TriageSubmissionParser(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5), forms);

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
        assertThat(submission.getAnswers()).containsExactly(Map.entry("chest_pain", "no"), Map.entry("pain_score", "4"));
        assertThat(submission.getFormId()).isEqualTo("chest-pain");
        assertThat(submission.getFormVersion()).isEqualTo(2);
    }

    @Test
    void shouldCheckAnswersAgainstTheGivenVersionWhenFormVersionIsSent() throws Exception {
        // Given version 1, which has no pain_score question
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formVersion", 1);

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().status()).isEqualTo(400);
        assertThat(problem.problem().errors()).containsExactly(
            new FieldError("/answers/pain_score", "is not a question of form chest-pain version 1"));
    }

    @Test
    void shouldWriteTheGivenVersionWhenItExists() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formVersion", 1);
        ((ObjectNode) body.get("answers")).remove("pain_score");

        TriageSubmission submission = parser.parse(body);

        assertThat(submission.getFormVersion()).isEqualTo(1);
        assertThat(submission.getAnswers()).containsExactlyEntriesOf(Map.of("chest_pain", "no"));
    }

    @Test
    void shouldWriteVersionOneAndNoAnswersWhenFormIsGeneralV1() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formId", "general-v1");
        body.remove("answers");

        TriageSubmission submission = parser.parse(body);

        assertThat(submission.getFormId()).isEqualTo("general-v1");
        assertThat(submission.getFormVersion()).isEqualTo(1);
        assertThat(submission.getAnswers()).isEmpty();
    }

    @Test
    void shouldRejectAnswersWhenFormIsGeneralV1() throws Exception {
        // Given the built-in form, which asks nothing
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formId", "general-v1");

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().errors()).containsExactly(
            new FieldError("/answers/chest_pain", "is not a question of form general-v1 version 1"),
            new FieldError("/answers/pain_score", "is not a question of form general-v1 version 1"));
    }

    @Test
    void shouldListBadAnswersWithTheOtherBadFieldsWhenBothAreWrong() throws Exception {
        // Given
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("channel", "PIGEON");
        ((ObjectNode) body.get("vitals")).put("spo2", 930);
        body.set("answers", json("{\"pain_score\": 11, \"chest_pian\": \"yes\"}"));

        // When
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        // Then one 400 names them all
        assertThat(problem.problem().status()).isEqualTo(400);
        assertThat(problem.problem().errors()).extracting(FieldError::field).containsExactly(
            "/channel", "/vitals/spo2", "/answers/chest_pain", "/answers/pain_score", "/answers/chest_pian");
    }

    @Test
    void shouldAnswer422NamingFormIdWhenFormIsUnknown() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formId", "chest-pian");

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().status()).isEqualTo(422);
        assertThat(problem.problem().type()).isEqualTo(TriageSubmissionParser.FORM_PROBLEM_TYPE);
        assertThat(problem.problem().errors()).containsExactly(new FieldError("/formId", "unknown form chest-pian"));
    }

    @Test
    void shouldAnswer422NamingFormVersionWhenVersionIsUnknown() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formVersion", 3);

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().status()).isEqualTo(422);
        assertThat(problem.problem().errors()).containsExactly(
            new FieldError("/formVersion", "form chest-pain has no version 3; its latest is 2"));
    }

    @Test
    void shouldAnswer422WhenFormBelongsToAnotherFacility() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formId", "fever");
        body.remove("answers");

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().status()).isEqualTo(422);
        assertThat(problem.problem().errors()).containsExactly(
            new FieldError("/formId", "form fever version 1 belongs to another facility"));
    }

    @Test
    void shouldAcceptFacilityFormWhenFacilityMatches() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formId", "fever");
        body.put("facilityId", "f-2");
        body.remove("answers");

        assertThat(parser.parse(body).getFormVersion()).isEqualTo(1);
    }

    @Test
    void shouldAnswer400NotUnknownFormWhenOtherFieldsAreInvalidToo() throws Exception {
        // Given an unknown form and a bad field: the 400 comes first, answers are only checked for shape
        ObjectNode body = (ObjectNode) json(VALID);
        body.put("formId", "chest-pian");
        body.put("answers", "chest pain");
        ((ObjectNode) body.get("vitals")).put("spo2", 930);

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().status()).isEqualTo(400);
        assertThat(problem.problem().errors()).extracting(FieldError::field).containsExactly("/vitals/spo2", "/answers");
    }

    @Test
    void shouldAnswer503WhenFormIsUnknownAndTheCatalogIsStillLoading() throws Exception {
        // Given a catalog that has not read the forms topic yet
        try (FormCatalog loading = FormCatalog.reading(new MockConsumer<>("earliest"), "triage-forms")) {
            TriageSubmissionParser early = new TriageSubmissionParser(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5), loading);

            ProblemException problem = catchThrowableOfType(ProblemException.class, () -> early.parse(json(VALID)));

            assertThat(problem.problem().status()).isEqualTo(503);
            assertThat(problem.headers()).containsKey("Retry-After");
        }
    }

    @Test
    void shouldAcceptBuiltInFormWhenTheCatalogIsStillLoading() throws Exception {
        try (FormCatalog loading = FormCatalog.reading(new MockConsumer<>("earliest"), "triage-forms")) {
            TriageSubmissionParser early = new TriageSubmissionParser(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5), loading);
            ObjectNode body = (ObjectNode) json(VALID);
            body.put("formId", "general-v1");
            body.remove("answers");

            assertThat(early.parse(body).getFormVersion()).isEqualTo(1);
        }
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
        assertThat(problem.problem().errors()).extracting(FieldError::field).containsExactlyInAnyOrder(
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

        assertThat(problem.problem().errors()).extracting(FieldError::field).containsExactly("/vitals/" + field);
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

        assertThat(problem.problem().errors()).extracting(FieldError::field).containsExactly("/submittedAt");
    }

    @Test
    void shouldRequireVitalsWhenAbsent() throws Exception {
        ObjectNode body = (ObjectNode) json(VALID);
        body.remove("vitals");

        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));

        assertThat(problem.problem().errors()).extracting(FieldError::field).containsExactly("/vitals");
    }

    @Test
    void shouldRejectBodyWhenItIsNotAnObject() throws Exception {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(json("[1,2]")));

        assertThat(problem.problem().errors()).hasSize(1);
    }

    static JsonNode json(String text) throws Exception {
        return HttpServerFactory.MAPPER.readTree(text);
    }

    static FormDefinition form(String formId, String body) {
        try {
            return new FormDefinitionParser(Clock.systemUTC()).parse(formId, json(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
