package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.careflow.config.CommonConfig;
import org.careflow.events.triage.Disposition;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.topics.Topic;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Triage forms and dispositions through the ingest API, against a real KRaft broker and the real Apicurio registry. */
@Tag("integration")
class FormsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String CHEST_PAIN = """
        {"version": 2, "facilityId": "f-1", "title": "Chest pain triage",
         "questions": [{"id": "chest_pain", "text": "Do you have chest pain?", "type": "YES_NO", "required": true},
                       {"id": "pain_score", "text": "Pain 0-10", "type": "NUMBER", "min": 0, "max": 10},
                       {"id": "onset", "text": "When did it start?", "type": "CHOICE", "allowedValues": ["today", "this_week", "longer"]}],
         "scoringRules": [{"id": "severe_pain", "questionId": "pain_score", "min": 7, "points": 2},
                          {"id": "moderate_pain", "questionId": "pain_score", "min": 4, "max": 7, "points": 1},
                          {"id": "sudden", "questionId": "onset", "equals": "today", "points": 1}],
         "redFlags": [{"id": "chest_pain_flag", "questionId": "chest_pain", "equals": "yes", "description": "Chest pain: rule out ACS"}]}
        """;
    private static final String SUBMISSION = """
        {"submissionId": "it-forms-1", "patientId": "p-123", "facilityId": "f-1", "formId": "chest-pain", "channel": "WEB",
         "submittedAt": "2026-11-21T10:15:00Z", "vitals": {"heartRate": 95},
         "answers": ANSWERS}
        """;

    @TempDir
    static Path dir;
    private static PlatformFixture platform;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startPlatform() {
        platform = PlatformFixture.catalogue(dir);
        TestFacilities.publish(platform.bootstrapServers(), platform.registryUrl());
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldPublishFormsOnceAndCheckSubmissionsAgainstThemOnEveryInstance() throws Exception {
        try (IngestApp first = IngestApp.start(config())) {
            // Given a new form, when it is published
            HttpResponse<String> published = put(first, "chest-pain", CHEST_PAIN);

            // Then it is written keyed formId@version, readable through the registry
            assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
            JsonNode accepted = HttpServerFactory.MAPPER.readTree(published.body());
            assertThat(accepted.get("version").asInt()).isEqualTo(2);
            ConsumerRecord<String, FormDefinition> form = read(Topics.TRIAGE_FORMS, accepted);
            assertThat(form.key()).isEqualTo("chest-pain@2");
            assertThat(form.value().getScoringRules()).hasSize(3);

            // When the same version is sent again, or changed
            HttpResponse<String> again = put(first, "chest-pain", CHEST_PAIN);
            HttpResponse<String> changed = put(first, "chest-pain", CHEST_PAIN.replace("\"points\": 2", "\"points\": 3"));

            // Then the first is idempotent and the second refused
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(changed.statusCode()).isEqualTo(409);
            assertThat(HttpServerFactory.MAPPER.readTree(changed.body()).get("detail").asText())
                .isEqualTo("version 2 of form chest-pain exists; publish version 3");

            // When submissions against it have a bad answer, or name an unknown form
            HttpResponse<String> badAnswer = post(first, SUBMISSION.replace("ANSWERS", "{\"chest_pain\": \"maybe\"}"));
            HttpResponse<String> unknownForm = post(first, SUBMISSION.replace("ANSWERS", "{}").replace("chest-pain", "chest-pian"));

            // Then they are refused, naming the field
            assertThat(badAnswer.statusCode()).isEqualTo(400);
            assertThat(HttpServerFactory.MAPPER.readTree(badAnswer.body()).get("errors").findValuesAsText("field"))
                .containsExactly("/answers/chest_pain");
            assertThat(unknownForm.statusCode()).isEqualTo(422);
            assertThat(HttpServerFactory.MAPPER.readTree(unknownForm.body()).at("/errors/0/field").asText()).isEqualTo("/formId");

            // When a valid submission is posted without a form version
            HttpResponse<String> valid = post(first,
                SUBMISSION.replace("ANSWERS", "{\"chest_pain\": \"Yes\", \"pain_score\": 8.0, \"onset\": \"today\"}"));

            // Then the event carries the version it was checked against and the answers in canonical form
            assertThat(valid.statusCode()).as(valid.body()).isEqualTo(202);
            TriageSubmission written = read(Topics.TRIAGE_SUBMISSIONS, HttpServerFactory.MAPPER.readTree(valid.body())).value();
            assertThat(written.getFormVersion()).isEqualTo(2);
            assertThat(written.getAnswers()).containsExactlyInAnyOrderEntriesOf(
                Map.of("chest_pain", "yes", "pain_score", "8", "onset", "today"));
        }

        // When another instance starts after the form was published
        try (IngestApp second = IngestApp.start(config())) {
            // Then it read the form from the topic: it is ready, knows the content, and checks answers against it
            assertThat(status(second, "/health/ready")).isEqualTo(200);
            assertThat(put(second, "chest-pain", CHEST_PAIN).statusCode()).isEqualTo(200);
            assertThat(put(second, "chest-pain", CHEST_PAIN.replace("\"points\": 2", "\"points\": 3")).statusCode()).isEqualTo(409);
            HttpResponse<String> accepted = post(second,
                SUBMISSION.replace("it-forms-1", "it-forms-2").replace("ANSWERS", "{\"chest_pain\": false, \"pain_score\": \"5\"}"));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            TriageSubmission written = read(Topics.TRIAGE_SUBMISSIONS, HttpServerFactory.MAPPER.readTree(accepted.body())).value();
            assertThat(written.getAnswers()).containsExactlyInAnyOrderEntriesOf(Map.of("chest_pain", "no", "pain_score", "5"));
        }
    }

    @Test
    void shouldWriteDispositionKeyedByFacilityWhenValid() throws Exception {
        try (IngestApp app = IngestApp.start(config())) {
            // When
            HttpResponse<String> response = send(app, "POST", "/v1/facilities/f-9/queue/p-77/disposition",
                "{\"disposition\": \"DISCHARGED\", \"decidedBy\": \"dr-7\", \"submissionId\": \"s-9\"}");

            // Then
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
            ConsumerRecord<String, TriageDisposition> record = read(Topics.TRIAGE_DISPOSITIONS, body);
            assertThat(record.key()).isEqualTo("f-9");
            assertThat(record.value().getEventId()).isEqualTo(body.get("eventId").asText());
            assertThat(record.value().getPatientId()).isEqualTo("p-77");
            assertThat(record.value().getDisposition()).isEqualTo(Disposition.DISCHARGED);
            assertThat(record.value().getDecidedBy()).isEqualTo("dr-7");
            assertThat(record.value().getSubmissionId()).isEqualTo("s-9");
        }
    }

    private static IngestConfig config() {
        Map<String, Object> props = CommonConfig.connection(platform.bootstrapServers(), platform.registryUrl(), "127.0.0.1", 0);
        // Not a security test: the routes' checks pass with authentication off.
        props.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
        props.put(IngestConfig.KAFKA_ACK_TIMEOUT_MS_CONFIG, 10_000L);
        return new IngestConfig(props);
    }

    private HttpResponse<String> put(IngestApp app, String formId, String body) throws Exception {
        return send(app, "PUT", IngestRoutes.FORM_PATH.replace("{formId}", formId), body);
    }

    private HttpResponse<String> post(IngestApp app, String body) throws Exception {
        return send(app, "POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, body);
    }

    private HttpResponse<String> send(IngestApp app, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private int status(IngestApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The record at the partition and offset a 202 named, read through the registry. */
    private static <V extends SpecificRecord> ConsumerRecord<String, V> read(Topic<String, V> topic, JsonNode accepted) {
        return AcceptedRecords.read(platform.broker(), platform.registry(), topic, accepted, DEADLINE);
    }
}
