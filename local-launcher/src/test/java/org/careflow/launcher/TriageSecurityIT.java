package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.DeteriorationReason;
import org.careflow.platform.embedded.Await;
import org.careflow.security.Role;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenancy of triage state, tried over HTTP as an attacker (or a careless integrator) of another facility would, against
 * the whole local stack. Each test names the invariant it checks and asserts that nothing of the victim's changed.
 */
@Tag("integration")
class TriageSecurityIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String A = "f-sec-a";
    private static final String B = "f-sec-b";

    @TempDir
    static Path dataDir;
    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(StackOptions.ephemeral(dataDir));
        HttpCalls.actAs(stack.auth());
        HttpCalls.registerFacilities(stack.ingestUrl(), A, B);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("Invariant: a facility reusing another's submission id first does not drop the other's submission")
    void shouldScoreTheVictimsSubmissionWhenAnotherFacilitySentItsIdFirst() {
        String patient = "p-shared-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        // Given: facility A's integration sends the id first
        assertThat(submit(A, "s-taken", patient, now, vitals(16, 70)).statusCode()).isEqualTo(202);
        // When: facility B's real submission uses the same id
        assertThat(submit(B, "s-taken", patient, now, SICK).statusCode()).isEqualTo(202);

        // Then: B's clinician sees B's assessment (HIGH), and B's queue has the patient
        JsonNode seenByB = Await.value("B's assessment", DEADLINE, () -> okJson(get(stack.triageUrl() + "/v1/patients/" + patient + "/triage",
            token(Role.CLINICIAN, B))));
        assertThat(seenByB.get("facilityId").asText()).isEqualTo(B);
        assertThat(seenByB.get("band").asText()).isEqualTo("HIGH");
        // (the queue is fed through the facility repartition, so it follows the assessment)
        Await.until("the patient on B's queue", DEADLINE, () -> {
            JsonNode queueB = okJson(get(stack.triageUrl() + "/v1/facilities/" + B + "/queue?limit=1000", token(Role.CLINICIAN, B)));
            return queueB != null && queueB.get("entries").findValuesAsText("patientId").contains(patient);
        });
        // ... and A's clinician sees only A's
        JsonNode seenByA = okJson(get(stack.triageUrl() + "/v1/patients/" + patient + "/triage/history", token(Role.CLINICIAN, A)));
        assertThat(seenByA.get("assessments").findValuesAsText("facilityId")).containsOnly(A);
    }

    @Test
    @DisplayName("Invariant: another facility's assessments (however dated) do not suppress this facility's deterioration alert")
    void shouldAlertTheVictimFacilityWhenAnotherFacilityPostedAheadForTheSamePatient() {
        String patient = "p-alert-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        // Given: facility A posts a HIGH assessment dated minutes ahead for the patient
        assertThat(submit(A, "s-a-" + patient, patient, now.plusSeconds(240), SICK).statusCode()).isEqualTo(202);
        // When: at facility B the patient is assessed normal, then worse
        assertThat(submit(B, "s-b1-" + patient, patient, now, vitals(16, 70)).statusCode()).isEqualTo(202);
        Await.until("B's first assessment", DEADLINE, () -> okJson(get(stack.triageUrl() + "/v1/patients/" + patient + "/triage",
            token(Role.CLINICIAN, B))) != null);
        assertThat(submit(B, "s-b2-" + patient, patient, now.plusSeconds(1), SICK).statusCode()).isEqualTo(202);

        // Then: B's on-call clinician is alerted, comparing B's two assessments
        DeteriorationAlert alert = awaitAlert(B, patient);
        assertThat(alert.getReasons()).contains(DeteriorationReason.BAND_ROSE);
        assertThat(alert.getPrevious().getSubmissionId()).isEqualTo("s-b1-" + patient);
    }

    @Test
    @DisplayName("Invariant: a device clock running fast cannot suppress an alert, and one too far ahead is refused at ingest")
    void shouldAlertOnTheWorseSubmissionWhenTheEarlierOneWasDatedAhead() {
        String patient = "p-clock-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        HttpResponse<String> tooFar = submit(B, "s-far-" + patient, patient, now.plus(Duration.ofMinutes(10)), vitals(16, 70));
        assertThat(tooFar.statusCode()).isEqualTo(400);
        assertThat(tooFar.body()).contains("/submittedAt");

        assertThat(submit(B, "s-ahead-" + patient, patient, now.plusSeconds(240), vitals(16, 70)).statusCode()).isEqualTo(202);
        Await.until("the assessment dated ahead", DEADLINE, () -> okJson(get(stack.triageUrl() + "/v1/patients/" + patient + "/triage",
            token(Role.CLINICIAN, B))) != null);
        assertThat(submit(B, "s-real-" + patient, patient, now, SICK).statusCode()).isEqualTo(202);

        DeteriorationAlert alert = awaitAlert(B, patient);
        assertThat(alert.getReasons()).contains(DeteriorationReason.BAND_ROSE);
        assertThat(alert.getCurrent().getSubmissionId()).isEqualTo("s-real-" + patient);
        List<String> bands = Await.value("the worse assessment on B's queue", DEADLINE, () -> {
            JsonNode queue = okJson(get(stack.triageUrl() + "/v1/facilities/" + B + "/queue?limit=1000", token(Role.CLINICIAN, B)));
            List<String> found = new ArrayList<>();
            if (queue != null) {
                queue.get("entries").forEach(e -> {
                    if (patient.equals(e.get("patientId").asText())) {
                        found.add(e.get("band").asText());
                    }
                });
            }
            return found.contains("HIGH") ? found : null;
        });
        assertThat(bands).as("the worse assessment stands on the queue, once").containsExactly("HIGH");
    }

    @Test
    @DisplayName("Invariant: foreign and unknown answer the same: another facility's patient is the 404 of a patient never seen")
    void shouldAnswerAnotherFacilitysPatientAsUnknown() {
        String patient = "p-foreign-" + UUID.randomUUID();
        assertThat(submit(B, "s-" + patient, patient, Instant.now().truncatedTo(ChronoUnit.SECONDS), vitals(16, 70)).statusCode()).isEqualTo(202);
        Await.until("B's assessment", DEADLINE, () -> okJson(get(stack.triageUrl() + "/v1/patients/" + patient + "/triage",
            token(Role.CLINICIAN, B))) != null);

        HttpResponse<String> foreign = get(stack.triageUrl() + "/v1/patients/" + patient + "/triage", token(Role.CLINICIAN, A));
        HttpResponse<String> unknown = get(stack.triageUrl() + "/v1/patients/nobody-" + UUID.randomUUID() + "/triage", token(Role.CLINICIAN, A));

        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).isEqualTo(unknown.body());
        assertThat(get(stack.triageUrl() + "/v1/patients/" + patient + "/triage/history", token(Role.CLINICIAN, A)).statusCode()).isEqualTo(404);
    }

    private static String token(Role role, String facility) {
        return stack.auth().token(role, Set.of(facility), null, Duration.ofMinutes(30));
    }

    private static HttpResponse<String> submit(String facility, String submissionId, String patientId, Instant at, String vitals) {
        return send("POST", stack.ingestUrl() + "/v1/triage-submissions", token(Role.INTEGRATION, facility), """
            {"submissionId": "%s", "patientId": "%s", "facilityId": "%s", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "%s", "vitals": %s}
            """.formatted(submissionId, patientId, facility, at, vitals));
    }

    /** NEWS2 9 (respiration 26, SpO2 91 on air, pulse 130): HIGH. */
    private static final String SICK = "{\"respiratoryRate\": 26, \"spo2\": 91, \"onSupplementalOxygen\": false, \"systolicBp\": 120, "
        + "\"heartRate\": 130, \"consciousness\": \"ALERT\", \"temperature\": 37.0}";

    private static String vitals(int respiratoryRate, int heartRate) {
        return "{\"respiratoryRate\": " + respiratoryRate + ", \"spo2\": 98, \"onSupplementalOxygen\": false, \"systolicBp\": 120, "
            + "\"heartRate\": " + heartRate + ", \"consciousness\": \"ALERT\", \"temperature\": 37.0}";
    }

    private static HttpResponse<String> get(String url, String token) {
        return send("GET", url, token, null);
    }

    private static JsonNode okJson(HttpResponse<String> response) {
        return response.statusCode() == 200 ? HttpCalls.json(response.body()) : null;
    }

    private static HttpResponse<String> send(String method, String url, String token, String body) {
        return HttpCalls.sendAs(token, method, url, body);
    }

    private static DeteriorationAlert awaitAlert(String facility, String patientId) {
        return StackRecords.<DeteriorationAlert>await(stack, Topics.TRIAGE_ALERTS.name(), "an alert for the patient at " + facility, DEADLINE,
            r -> patientId.equals(r.value().getPatientId()) && facility.equals(r.key())
                && r.value().getReasons().contains(DeteriorationReason.BAND_ROSE));
    }
}
