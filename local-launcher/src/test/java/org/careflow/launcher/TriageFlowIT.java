package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.DeteriorationReason;
import org.careflow.platform.embedded.Await;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forms, the live queue, dispositions, history, statistics and alerts, over HTTP against the whole local stack. */
@Tag("integration")
class TriageFlowIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String FORM = """
        {"version": 1, "facilityId": "f-flow", "title": "Chest pain triage",
         "questions": [{"id": "chest_pain", "text": "Do you have chest pain?", "type": "YES_NO", "required": true},
                       {"id": "pain_score", "text": "Pain 0-10", "type": "NUMBER", "min": 0, "max": 10}],
         "scoringRules": [{"id": "severe_pain", "questionId": "pain_score", "min": 7, "points": 2}],
         "redFlags": [{"id": "chest_pain_flag", "questionId": "chest_pain", "equals": "yes", "description": "Chest pain: rule out ACS"}]}
        """;

    @Test
    void shouldRunTheTriageFlowOverHttpWhenAFacilityUsesItsOwnForm(@TempDir Path dataDir) {
        try (LocalStack stack = LocalStack.start(StackOptions.ephemeral(dataDir))) {
            HttpCalls.actAs(stack.auth());
            String ingest = stack.ingestUrl();
            HttpCalls.registerFacilities(ingest, "f-flow", "f-edge");
            String triage = stack.triageUrl();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

            // A facility publishes its form, and scoring holds it
            assertThat(send("PUT", ingest + "/v1/forms/chest-pain", FORM).statusCode()).isEqualTo(202);
            Await.until("streams-triage to hold the form", DEADLINE, () -> get(triage + "/v1/forms/chest-pain") != null);

            // Patients submit: vitals only, a red flag on the facility's form, and a repeated submission
            assertThat(submit(ingest, "s-low", "p-low", "general-v1", now.minusSeconds(600), vitals(16, 95), "{}").statusCode()).isEqualTo(202);
            assertThat(submit(ingest, "s-med", "p-med", "general-v1", now.minusSeconds(300), vitals(22, 95), "{}").statusCode()).isEqualTo(202);
            assertThat(submit(ingest, "s-med", "p-med", "general-v1", now.minusSeconds(300), vitals(22, 95), "{}").statusCode()).isEqualTo(202);
            assertThat(submit(ingest, "s-flag", "p-flag", "chest-pain", now.minusSeconds(60), vitals(16, 70),
                "{\"chest_pain\": \"yes\", \"pain_score\": 8}").statusCode()).isEqualTo(202);
            assertThat(submit(ingest, "s-x", "p-x", "no-such-form", now, vitals(16, 70), "{}").statusCode()).isEqualTo(422);

            // The queue is ordered: the red flag first, then by score
            JsonNode queue = Await.value("three patients on the queue", DEADLINE, () -> {
                JsonNode q = get(triage + "/v1/facilities/f-flow/queue?limit=10");
                return q != null && q.get("waiting").asInt() == 3 ? q : null;
            });
            assertThat(queue.get("entries").findValuesAsText("patientId")).containsExactly("p-flag", "p-med", "p-low");
            assertThat(queue.at("/entries/0/band").asText()).isEqualTo("HIGH");
            assertThat(queue.at("/entries/0/redFlags/0").asText()).isEqualTo("chest_pain_flag");
            assertThat(queue.at("/entries/2/minutesWaiting").asLong()).isGreaterThanOrEqualTo(10);
            assertThat(get(triage + "/v1/facilities/f-flow/queue?limit=1").get("entries")).hasSize(1);

            // The repeated submission made one assessment
            assertThat(get(triage + "/v1/patients/p-med/triage/history").get("assessments")).hasSize(1);
            JsonNode flagged = get(triage + "/v1/patients/p-flag/triage");
            assertThat(flagged.at("/form/points").asInt()).isEqualTo(2);
            assertThat(flagged.get("bandReason").asText()).contains("red flag");

            // A clinician sees the flagged patient
            assertThat(send("POST", ingest + "/v1/facilities/f-flow/queue/p-flag/disposition", "{\"disposition\": \"SEEN\"}").statusCode())
                .isEqualTo(202);
            JsonNode after = Await.value("the patient seen to leave the queue", DEADLINE, () -> {
                JsonNode q = get(triage + "/v1/facilities/f-flow/queue");
                return q != null && q.get("waiting").asInt() == 2 ? q : null;
            });
            assertThat(after.get("entries").findValuesAsText("patientId")).containsExactly("p-med", "p-low");

            // Statistics: submissions by band, who is waiting, and time to be seen
            JsonNode stats = get(triage + "/v1/facilities/f-flow/stats?from=" + now.minus(Duration.ofHours(2)) + "&to=" + now.plus(Duration.ofHours(1)));
            assertThat(stats.at("/waitingNowByBand/LOW").asInt() + stats.at("/waitingNowByBand/MEDIUM").asInt()
                + stats.at("/waitingNowByBand/LOW_MEDIUM").asInt()).isEqualTo(2);
            int submitted = 0;
            int seen = 0;
            for (JsonNode hour : stats.get("hours")) {
                for (JsonNode count : hour.get("submissionsByBand")) {
                    submitted += count.asInt();
                }
                seen += hour.get("seen").asInt();
            }
            assertThat(submitted).isEqualTo(3);
            assertThat(seen).isEqualTo(1);

            // The red flag raised an alert for the facility's on-call clinician
            DeteriorationAlert alert = awaitAlert(stack, "p-flag");
            assertThat(alert.getReasons()).contains(DeteriorationReason.RED_FLAG);
            assertThat(alert.getNewRedFlags()).containsExactly("chest_pain_flag");

            // A waiting patient who gets worse moves up and keeps their place in time
            assertThat(submit(ingest, "s-low-2", "p-low", "general-v1", now.minusSeconds(30), vitals(25, 95), "{}").statusCode()).isEqualTo(202);
            JsonNode moved = Await.value("the worse patient to move up", DEADLINE, () -> {
                JsonNode q = get(triage + "/v1/facilities/f-flow/queue");
                return q != null && "p-low".equals(q.at("/entries/0/patientId").asText()) ? q : null;
            });
            assertThat(moved.get("waiting").asInt()).isEqualTo(2);
            assertThat(moved.at("/entries/0/waitingSince").asText()).isEqualTo(now.minusSeconds(600).toString());

            // A new form version does not change how a submission made against the old one is scored
            assertThat(send("PUT", ingest + "/v1/forms/chest-pain", FORM.replace("\"version\": 1", "\"version\": 2")
                .replace("\"points\": 2", "\"points\": 4")).statusCode()).isEqualTo(202);
            assertThat(send("POST", ingest + "/v1/triage-submissions", """
                {"submissionId": "s-v1", "patientId": "p-v1", "facilityId": "f-flow", "formId": "chest-pain", "formVersion": 1,
                 "channel": "WEB", "submittedAt": "%s", "vitals": %s, "answers": {"chest_pain": "no", "pain_score": 9}}
                """.formatted(now, vitals(16, 70))).statusCode()).isEqualTo(202);
            // (scoring sees a new version once the global table of forms has it)
            Await.until("streams-triage to hold version 2", DEADLINE, () -> {
                JsonNode f = get(triage + "/v1/forms/chest-pain");
                return f != null && f.get("latest").asInt() == 2;
            });
            assertThat(submit(ingest, "s-v2", "p-v2", "chest-pain", now, vitals(16, 70), "{\"chest_pain\": \"no\", \"pain_score\": 9}")
                .statusCode()).isEqualTo(202);
            JsonNode v1 = Await.value("the v1 assessment", DEADLINE, () -> get(triage + "/v1/patients/p-v1/triage"));
            JsonNode v2 = Await.value("the latest-version assessment", DEADLINE, () -> get(triage + "/v1/patients/p-v2/triage"));
            assertThat(v1.get("formVersion").asInt()).isEqualTo(1);
            assertThat(v1.at("/form/points").asInt()).isEqualTo(2);
            assertThat(v2.get("formVersion").asInt()).isEqualTo(2);
            assertThat(v2.at("/form/points").asInt()).isEqualTo(4);

            // Hourly statistics split exactly on the hour
            Instant hour = now.truncatedTo(ChronoUnit.HOURS);
            assertThat(send("POST", ingest + "/v1/triage-submissions", edgeSubmission("s-edge-1", "p-edge-1", hour.minusMillis(1))).statusCode())
                .isEqualTo(202);
            assertThat(send("POST", ingest + "/v1/triage-submissions", edgeSubmission("s-edge-2", "p-edge-2", hour)).statusCode())
                .isEqualTo(202);
            Await.until("both edge submissions to be assessed", DEADLINE,
                () -> get(triage + "/v1/patients/p-edge-1/triage") != null && get(triage + "/v1/patients/p-edge-2/triage") != null);
            JsonNode edges = Await.value("the edge submissions in the statistics", DEADLINE, () -> {
                JsonNode st = get(triage + "/v1/facilities/f-edge/stats?from=" + hour.minus(Duration.ofHours(1)) + "&to=" + hour.plus(Duration.ofHours(1)));
                return st != null && st.get("hours").size() == 2 ? st : null;
            });
            assertThat(edges.at("/hours/0/start").asText()).isEqualTo(hour.minus(Duration.ofHours(1)).toString());
            assertThat(edges.at("/hours/0/submissionsByBand/LOW").asInt()).isEqualTo(1);
            assertThat(edges.at("/hours/1/start").asText()).isEqualTo(hour.toString());
            assertThat(edges.at("/hours/1/submissionsByBand/LOW").asInt()).isEqualTo(1);
        }
        // And nothing the stack logged on the way holds a patient's id, a phone number or a token
        LogHygiene.assertNothingSensitiveLogged(List.of("p-low", "p-med", "p-flag", "p-x", "p-v1", "p-v2", "p-edge-1", "p-edge-2"));
    }

    private static String vitals(int respiratoryRate, int heartRate) {
        return "{\"respiratoryRate\": " + respiratoryRate + ", \"spo2\": 98, \"onSupplementalOxygen\": false, \"systolicBp\": 120, "
            + "\"heartRate\": " + heartRate + ", \"consciousness\": \"ALERT\", \"temperature\": 37.0}";
    }

    private static String edgeSubmission(String submissionId, String patientId, Instant at) {
        return """
            {"submissionId": "%s", "patientId": "%s", "facilityId": "f-edge", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "%s", "vitals": %s}
            """.formatted(submissionId, patientId, at, vitals(16, 70));
    }

    private HttpResponse<String> submit(String ingest, String submissionId, String patientId, String formId, Instant at, String vitals,
                                        String answers) {
        return send("POST", ingest + "/v1/triage-submissions", """
            {"submissionId": "%s", "patientId": "%s", "facilityId": "f-flow", "formId": "%s", "channel": "WEB",
             "submittedAt": "%s", "vitals": %s, "answers": %s}
            """.formatted(submissionId, patientId, formId, at, vitals, answers));
    }

    private DeteriorationAlert awaitAlert(LocalStack stack, String patientId) {
        DeteriorationAlert alert = StackRecords.<DeteriorationAlert>await(stack, Topics.TRIAGE_ALERTS.name(), "an alert for " + patientId,
            DEADLINE, r -> patientId.equals(r.value().getPatientId()));
        assertThat(alert.getFacilityId()).isEqualTo("f-flow");
        return alert;
    }

    private static JsonNode get(String url) {
        return HttpCalls.getJson(url);
    }

    private static HttpResponse<String> send(String method, String url, String body) {
        return HttpCalls.send(method, url, body);
    }
}
