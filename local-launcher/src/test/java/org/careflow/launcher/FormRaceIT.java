package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.careflow.platform.embedded.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No clinical signal is dropped when a submission races its form: each of 50 submissions is posted the moment ingest
 * has accepted a new form version (the form's record and the submission then travel to streams-triage side by side),
 * with the version's red flag answered yes. Every one must come out HIGH with the red flag named, scored with its form.
 */
@Tag("integration")
class FormRaceIT {

    private static final int ROUNDS = 50;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String FACILITY = "f-race";
    private static final String NORMAL_VITALS = "{\"respiratoryRate\": 16, \"spo2\": 98, \"onSupplementalOxygen\": false, "
        + "\"systolicBp\": 120, \"heartRate\": 70, \"consciousness\": \"ALERT\", \"temperature\": 37.0}";

    @Test
    @DisplayName("Form after submission: 50 submissions posted right after their form version are all HIGH with the red flag named")
    void shouldScoreEveryRedFlagWhenSubmissionsArriveRightAfterTheirFormVersion(@TempDir Path dataDir) {
        try (LocalStack stack = LocalStack.start(StackOptions.ephemeral(dataDir))) {
            HttpCalls.actAs(stack.auth());
            String ingest = stack.ingestUrl();
            String triage = stack.triageUrl();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            HttpCalls.registerFacilities(ingest, FACILITY);

            // When: each round publishes version v and, as soon as ingest accepted it, a submission answering its red flag yes
            for (int v = 1; v <= ROUNDS; v++) {
                // Publishing forms is rate-limited (admin routes): a 429 is asked again, as its Retry-After says a client should
                String form = form(v);
                HttpResponse<String> put = Await.value("form version " + v + " accepted", DEADLINE, () -> {
                    HttpResponse<String> answer = HttpCalls.send("PUT", ingest + "/v1/forms/race", form);
                    return answer.statusCode() == 429 ? null : answer;
                });
                assertThat(put.statusCode()).isEqualTo(202);
                assertThat(HttpCalls.send("POST", ingest + "/v1/triage-submissions", submission(v, now)).statusCode()).isEqualTo(202);
            }

            // Then: every submission is HIGH with the red flag of its own version, scored with that version
            for (int v = 1; v <= ROUNDS; v++) {
                String patient = "p-race-" + v;
                int version = v;
                JsonNode assessment = Await.value("the assessment of " + patient, DEADLINE, () -> HttpCalls.getJson(triage + "/v1/patients/" + patient + "/triage"));
                assertThat(assessment.get("band").asText()).as("band of round %d", v).isEqualTo("HIGH");
                assertThat(assessment.get("formVersion").asInt()).isEqualTo(version);
                assertThat(assessment.at("/form/redFlags/0").asText()).isEqualTo("red_flag_v" + version);
                assertThat(assessment.hasNonNull("review")).as("round %d scored with its form, not for review", v).isFalse();
                assertThat(assessment.get("bandReason").asText()).startsWith("red flag");
            }
            JsonNode queue = HttpCalls.getJson(triage + "/v1/facilities/" + FACILITY + "/queue?limit=" + ROUNDS);
            assertThat(queue.get("waiting").asInt()).isEqualTo(ROUNDS);
            assertThat(queue.get("entries").findValuesAsText("band")).containsOnly("HIGH");
        }
    }

    private static String form(int version) {
        return """
            {"version": %d, "facilityId": "%s", "title": "Race form",
             "questions": [{"id": "q", "text": "Do you have the symptom of version %d?", "type": "YES_NO", "required": true}],
             "redFlags": [{"id": "red_flag_v%d", "questionId": "q", "equals": "yes", "description": "Symptom %d"}]}
            """.formatted(version, FACILITY, version, version, version);
    }

    private static String submission(int version, Instant at) {
        return """
            {"submissionId": "s-race-%d", "patientId": "p-race-%d", "facilityId": "%s", "formId": "race", "formVersion": %d,
             "channel": "WHATSAPP", "submittedAt": "%s", "vitals": %s, "answers": {"q": "yes"}}
            """.formatted(version, version, FACILITY, version, at, NORMAL_VITALS);
    }
}
