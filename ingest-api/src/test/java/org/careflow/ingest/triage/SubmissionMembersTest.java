package org.careflow.ingest.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.Schema;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.careflow.ingest.forms.FormCatalog;
import org.junit.jupiter.api.Test;

/**
 * A submission read from a stream (the batch route) is checked exactly as one read as a tree (the single-event route):
 * the same event, or the same problem with the same fields in the same order.
 */
class SubmissionMembersTest {

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final FormCatalog forms = FormCatalog.fixed(List.of(
        TriageSubmissionParserTest.form("chest-pain", TriageSubmissionParserTest.CHEST_PAIN_V1),
        TriageSubmissionParserTest.form("chest-pain", TriageSubmissionParserTest.CHEST_PAIN_V2),
        TriageSubmissionParserTest.form("fever", TriageSubmissionParserTest.FEVER)));
    private final TriageSubmissionParser parser = new TriageSubmissionParser(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5), forms);

    /** Bodies that differ from the valid one in every way the checks distinguish. */
    private static final List<String> BODIES = List.of(
        TriageSubmissionParserTest.VALID,
        "{}",
        """
            {"submissionId": " s-2 ", "patientId": "p-1", "facilityId": "f-1", "formId": "general-v1", "formVersion": 1.0,
             "channel": "WEB", "submittedAt": "2026-11-21T10:15:00.123456789Z", "vitals": {}}""",
        """
            {"patientId": 7, "facilityId": ["f-1"], "formId": {"a": 1}, "formVersion": 1.5, "channel": "PIGEON",
             "submittedAt": "yesterday", "vitals": [1, 2], "answers": 3, "chiefComplaint": true, "extra": {"x": [1]}}""",
        """
            {"patientId": "p 1", "facilityId": "", "formId": "chest-pain", "formVersion": 99999999999, "channel": null,
             "submittedAt": "2026-11-21T10:30:00Z", "vitals": {"spo2": 930, "heartRate": 80.5, "temperature": "38",
             "onSupplementalOxygen": "yes", "consciousness": "ASLEEP", "pulse": 80, "pulse": 81, "respiratoryRate": 1e400,
             "systolicBp": 123456789012345678901234567890, "spo2Scale": -1}, "unknown": 1, "unknown": 2}""",
        """
            {"patientId": "p-1", "facilityId": "f-1", "formId": "chest-pain", "channel": "WEB",
             "submittedAt": "2026-11-21T10:15:00Z", "vitals": {"heartRate": 80}, "answers": {"chest_pain": "maybe", "other": 1}}""",
        """
            {"patientId": "p-1", "facilityId": "f-2", "formId": "chest-pain", "formVersion": 2, "channel": "WEB",
             "submittedAt": "2026-11-21T10:15:00Z", "vitals": {"heartRate": 80}, "answers": {"chest_pain": true}}""",
        """
            {"patientId": "p-1", "facilityId": "f-1", "formId": "nope", "channel": "WEB", "submittedAt": "2026-11-21T10:15:00Z",
             "vitals": {"heartRate": 80}, "answers": null}""",
        """
            {"patientId": "p-1", "patientId": "p-2", "facilityId": "f-1", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "2026-11-21T10:15:00Z", "vitals": {"heartRate": 500, "bogus": 1}, "vitals": {"heartRate": 80}}""",
        """
            {"patientId": "p-1", "facilityId": "f-1", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "2026-11-21T10:15:00Z", "vitals": {"heartRate": 80}, "vitals": null}""",
        """
            {"patientId": "p-1", "facilityId": "f-1", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "2026-02-30T10:15:00Z", "vitals": 5, "vitals": {"spo2": 95, "spo2Scale": 2.0}}""");

    @Test
    void shouldGiveTheSameEventOrProblemWhenReadFromAStreamAsFromATree() throws Exception {
        for (String body : BODIES) {
            // When
            Object fromTree = outcome(() -> parser.parse(HttpServerFactory.MAPPER.readTree(body)));
            Object fromStream = outcome(() -> parser.parse(streamed(body)));

            // Then
            assertThat(fromStream).as(body).isEqualTo(fromTree);
        }
    }

    @Test
    void shouldNameEveryBadFieldInOrderWhenASubmissionHasSeveral() throws Exception {
        // Given a streamed submission with an unknown member, a bad id, no channel and two impossible vital signs
        String body = """
            {"patientId": "p 1", "facilityId": "f-1", "formId": "general-v1", "submittedAt": "2026-11-21T10:15:00Z",
             "vitals": {"spo2": 120, "heartRate": 5}, "colour": "blue"}""";

        // When
        ProblemException problem = (ProblemException) outcomeException(() -> parser.parse(streamed(body)));

        // Then
        assertThat(problem.problem().status()).isEqualTo(400);
        assertThat(problem.problem().errors()).extracting(e -> e.field())
            .containsExactly("/colour", "/patientId", "/channel", "/vitals/spo2", "/vitals/heartRate");
    }

    @Test
    void shouldSetEverySchemaFieldWhenBuildingTheEventDirectly() throws Exception {
        // Given the fullest valid submission
        TriageSubmission submission = parser.parse(streamed(TriageSubmissionParserTest.VALID));

        // Then no field is left unset: a field added to the schema must be set by the parser too
        for (Schema.Field field : TriageSubmission.getClassSchema().getFields()) {
            assertThat(submission.get(field.pos())).as(field.name()).isNotNull();
        }
        for (Schema.Field field : VitalSigns.getClassSchema().getFields()) {
            assertThat(submission.getVitals().get(field.pos())).as("vitals." + field.name()).isNotNull();
        }
    }

    private static SubmissionMembers streamed(String body) throws Exception {
        try (JsonParser parser = HttpServerFactory.MAPPER.createParser(body)) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            SubmissionMembers members = SubmissionMembers.read(parser);
            assertThat(parser.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(parser.nextToken()).isNull();
            return members;
        }
    }

    @FunctionalInterface
    private interface Parse {
        TriageSubmission get() throws Exception;
    }

    /** The event (its random ids cleared) or the problem. */
    private static Object outcome(Parse parse) throws Exception {
        try {
            TriageSubmission submission = parse.get();
            if (submission.getSubmissionId().length() == 36) {
                submission.setSubmissionId("random");
                submission.setEventId("random");
            }
            return submission;
        } catch (ProblemException e) {
            return e.problem();
        }
    }

    private static Exception outcomeException(Parse parse) throws Exception {
        try {
            parse.get();
            return null;
        } catch (ProblemException e) {
            return e;
        }
    }
}
