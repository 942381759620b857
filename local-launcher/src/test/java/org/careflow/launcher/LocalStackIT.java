package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.careflow.platform.embedded.Await;
import org.careflow.topics.BookingIds;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One triage event through the whole local stack, as ./careflow up runs it: HTTP in, NEWS2 out of a query. */
@Tag("integration")
class LocalStackIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String README_EXAMPLE = """
        {"submissionId": "s-readme-1", "patientId": "p-123", "facilityId": "f-1", "formId": "general-v1", "channel": "WHATSAPP",
         "submittedAt": "2026-11-21T10:15:00Z",
         "vitals": {"respiratoryRate": 22, "spo2": 93, "spo2Scale": 1, "onSupplementalOxygen": false,
                    "systolicBp": 105, "heartRate": 95, "consciousness": "ALERT", "temperature": 38.4},
         "chiefComplaint": "shortness of breath"}
        """;

    @Test
    void shouldScoreSubmissionEndToEndAndKeepEverythingAcrossRestartUnlessFresh(@TempDir Path dataDir) throws Exception {
        // Given the stack, with schemas registered up front and producers not allowed to register
        try (LocalStack stack = LocalStack.start(StackOptions.ephemeral(dataDir))) {
            HttpCalls.actAs(stack.auth());
            HttpCalls.registerFacilities(stack.ingestUrl(), "f-1");
            // When the README's example is posted
            HttpResponse<String> accepted = post(stack, README_EXAMPLE);

            // Then it is accepted, and the query answers its NEWS2 score as the RCP chart gives it
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            JsonNode assessment = awaitAssessment(stack, "p-123");
            assertThat(assessment.get("submissionId").asText()).isEqualTo("s-readme-1");
            assertThat(assessment.get("score").asInt()).isEqualTo(7);
            assertThat(assessment.get("band").asText()).isEqualTo("HIGH");
            assertThat(assessment.get("monitoring").asText()).isEqualTo("CONTINUOUS");
            assertThat(assessment.at("/components/spo2/points").asInt()).isEqualTo(2);
            assertThat(assessment.at("/components/temperature/value").asDouble()).isEqualTo(38.4);

            // ... written with the one registered schema version, none added by the producer
            assertThat(versionCount(stack, SchemaRegistrar.artifactId(Topics.TRIAGE_SUBMISSIONS))).isEqualTo(1);

            // ... and the demo data goes through the same door
            assertThat(DemoData.post(stack.ingestUrl(), stack.auth())).isEqualTo(DemoData.PATIENTS);
            assertThat(awaitAssessment(stack, DemoData.patients().get(0)).get("facilityId").asText()).isEqualTo("demo-facility");
            // ... with a booking whose confirmation and reminders streams-notifications plans (the dispatcher is off here)
            JsonNode reminders = Await.value("the demo booking's reminders", Duration.ofSeconds(90), () ->
                HttpCalls.getJson(stack.notificationsUrl() + "/v1/patients/" + DemoData.patients().get(0) + "/reminders"));
            assertThat(reminders.at("/bookings/0/bookingId").asText())
                .isEqualTo(BookingIds.of(DemoData.FACILITY, DemoData.patients().get(0), DemoData.PROVIDER, DemoData.BOOKING));
            assertThat(reminders.at("/bookings/0/reminders").findValuesAsText("offset")).containsExactly("confirmation", "24h", "2h");
            // ... and the stack creates the BI views by itself once the sinks have made their tables
            Await.until("the BI views", Duration.ofSeconds(120), () -> biViews(stack) == 4);
        }

        // When the stack restarts on the same data
        try (LocalStack stack = LocalStack.start(StackOptions.ephemeral(dataDir))) {
            HttpCalls.actAs(stack.auth());
            // Then what it knew is still answered, and new events still flow (schema ids survived)
            assertThat(awaitAssessment(stack, "p-123").get("score").asInt()).isEqualTo(7);
            assertThat(post(stack, README_EXAMPLE.replace("p-123", "p-after-restart").replace("s-readme-1", "s-2")).statusCode()).isEqualTo(202);
            assertThat(awaitAssessment(stack, "p-after-restart").get("submissionId").asText()).isEqualTo("s-2");
        }

        // When it starts fresh
        StackOptions fresh = StackOptions.ephemeral(dataDir);
        fresh = new StackOptions(fresh.dataDir(), true, false, fresh.host(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
        try (LocalStack stack = LocalStack.start(fresh)) {
            HttpCalls.actAs(stack.auth());
            // Then nothing of before remains
            Await.until("the fresh stack to answer", DEADLINE, () -> get(stack.triageUrl() + "/v1/patients/p-123/triage").statusCode() == 404);
        }
    }

    private JsonNode awaitAssessment(LocalStack stack, String patient) {
        return Await.value("the assessment of " + patient, DEADLINE, () -> {
            HttpResponse<String> response = get(stack.triageUrl() + "/v1/patients/" + patient + "/triage");
            return response.statusCode() == 200 ? json(response.body()) : null;
        });
    }

    private int versionCount(LocalStack stack, String artifactId) {
        return json(StackRegistry.get(stack, StackRegistry.reader(stack), "/groups/default/artifacts/" + artifactId + "/versions").body())
            .get("count").asInt();
    }

    private static HttpResponse<String> post(LocalStack stack, String body) {
        return HttpCalls.send("POST", stack.ingestUrl() + "/v1/triage-submissions", body);
    }

    private static HttpResponse<String> get(String url) {
        return HttpCalls.get(url);
    }

    private static JsonNode json(String body) {
        return HttpCalls.json(body);
    }

    private static int biViews(LocalStack stack) {
        try (java.sql.Connection db = stack.postgres().connection(LocalStack.SINK_DATABASE); java.sql.Statement sql = db.createStatement();
             java.sql.ResultSet rs = sql.executeQuery("SELECT count(*) FROM information_schema.views WHERE table_schema = 'bi'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
