package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.triage.Disposition;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.platform.embedded.Await;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.SecurityGate;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP contract of the ingest API, on a real server; the producer is Kafka's MockProducer (the broker path is covered by IngestKafkaIT and FormsIT). */
class IngestRoutesTest {

    private static final String VALID = """
        {"patientId": "p-1", "facilityId": "f-1", "formId": "general-v1", "channel": "WEB",
         "submittedAt": "2026-01-01T00:00:00Z", "vitals": {"heartRate": 80}}
        """;
    private static final String CHEST_PAIN = """
        {"version": 2, "title": "Chest pain triage",
         "questions": [{"id": "chest_pain", "text": "Do you have chest pain?", "type": "YES_NO", "required": true},
                       {"id": "pain_score", "text": "Pain 0-10", "type": "NUMBER", "min": 0, "max": 10}],
         "scoringRules": [{"id": "severe_pain", "questionId": "pain_score", "min": 7, "points": 2}],
         "redFlags": [{"id": "chest_pain_flag", "questionId": "chest_pain", "equals": "yes", "description": "Chest pain: rule out ACS"}]}
        """;

    private final HttpClient client = HttpClient.newHttpClient();
    private final Serializer<SpecificRecord> noopSerializer = (topic, value) -> new byte[0];
    private MockProducer<String, SpecificRecord> producer;
    private Javalin server;

    private FormCatalog forms = FormCatalog.fixed(List.of());

    private final FacilityCatalog facilities = TestFacilities.catalog();

    private void start(boolean autoComplete) {
        producer = new MockProducer<>(autoComplete, null, new StringSerializer(), noopSerializer);
        EventPublisher publisher = new EventPublisher(producer, Duration.ofSeconds(2));
        IngestRoutes routes = new IngestRoutes(publisher, forms, facilities, Clock.systemUTC(), Duration.ofMinutes(5));
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(64 * 1024).ready(publisher::healthy).gate(SecurityGate.disabled())
            .routes(routes::register).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        forms.close();
    }

    @Test
    void shouldAnswer202WithPartitionAndOffsetWhenKafkaAcknowledged() throws Exception {
        start(true);

        HttpResponse<String> response = post(VALID, "application/json");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("submissionId").asText()).isNotBlank();
        assertThat(body.has("partition")).isTrue();
        assertThat(body.get("offset").asLong()).isZero();
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.history().get(0).topic()).isEqualTo(Topics.TRIAGE_SUBMISSIONS.name());
        assertThat(producer.history().get(0).key()).isEqualTo("p-1");
        assertThat(((TriageSubmission) producer.history().get(0).value()).getSubmissionId()).isEqualTo(body.get("submissionId").asText());
    }

    @Test
    void shouldAnswer503AndNot202WhenKafkaFailsTheWrite() throws Exception {
        start(false);
        Thread failer = Thread.ofVirtual().start(() -> {
            while (!producer.errorNext(new TimeoutException("no broker"))) {
                Thread.onSpinWait();
            }
        });

        HttpResponse<String> response = post(VALID, "application/json");
        failer.join();

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        // The producer held the record when delivery timed out: the broker may have it, so "not recorded" would be a lie
        JsonNode problem = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo(IngestRoutes.OUTCOME_UNKNOWN_TYPE);
        assertThat(problem.get("detail").asText()).contains("may or may not have been recorded").contains("same request again is safe");
    }

    @Test
    void shouldAnswer503NotRecordedWhenTheProducerNeverTookTheRecord() throws Exception {
        start(true);
        producer.sendException = new org.apache.kafka.common.errors.TimeoutException("metadata not available");

        HttpResponse<String> response = post(VALID, "application/json");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode problem = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("about:blank");
        assertThat(problem.get("detail").asText()).contains("it was not recorded");
    }

    @Test
    void shouldAnswer415WhenContentTypeIsNotJson() throws Exception {
        start(true);

        HttpResponse<String> response = post(VALID, "text/plain");

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer413WhenBodyExceeds64KiB() throws Exception {
        start(true);
        String big = VALID.replace("\"p-1\"", "\"p-1\", \"chiefComplaint\": \"" + "x".repeat(70 * 1024) + "\"");

        HttpResponse<String> response = post(big, "application/json");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer400WithPositionWhenJsonIsMalformed() throws Exception {
        start(true);

        HttpResponse<String> response = post("{\"patientId\": ", "application/json");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).at("/errors/0/message").asText()).contains("not valid JSON");
    }

    @Test
    void shouldAnswer400ListingFieldsAndWriteNothingWhenInvalid() throws Exception {
        start(true);

        HttpResponse<String> response = post("{\"patientId\": \"p-1\", \"vitals\": {\"spo2\": 120}}", "application/json; charset=utf-8");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode errors = HttpServerFactory.MAPPER.readTree(response.body()).get("errors");
        assertThat(errors.findValuesAsText("field")).contains("/facilityId", "/formId", "/channel", "/submittedAt", "/vitals/spo2");
        assertThat(producer.history()).isEmpty();
    }

    // ---- submissions against published forms

    @Test
    void shouldWriteNormalisedAnswersAndResolvedVersionWhenFormIsPublished() throws Exception {
        // Given chest-pain published in this instance
        start(true);
        assertThat(put("chest-pain", CHEST_PAIN).statusCode()).isEqualTo(202);
        String body = VALID.replace("general-v1", "chest-pain").replace("\"vitals\"", "\"answers\": {\"chest_pain\": true}, \"vitals\"");

        // When
        HttpResponse<String> response = post(body, "application/json");

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        TriageSubmission written = (TriageSubmission) producer.history().get(1).value();
        assertThat(written.getFormVersion()).isEqualTo(2);
        assertThat(written.getAnswers()).containsExactlyEntriesOf(java.util.Map.of("chest_pain", "yes"));
    }

    @Test
    void shouldAnswer422AndWriteNothingWhenFormIsUnknown() throws Exception {
        start(true);

        HttpResponse<String> response = post(VALID.replace("general-v1", "chest-pain"), "application/json");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).at("/errors/0/field").asText()).isEqualTo("/formId");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer400NamingTheAnswerWhenAnAnswerIsBad() throws Exception {
        start(true);
        put("chest-pain", CHEST_PAIN);
        String body = VALID.replace("general-v1", "chest-pain").replace("\"vitals\"", "\"answers\": {\"chest_pain\": \"maybe\"}, \"vitals\"");

        HttpResponse<String> response = post(body, "application/json");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field")).containsExactly("/answers/chest_pain");
        assertThat(producer.history()).hasSize(1);
    }

    // ---- PUT /v1/forms/{formId}

    @Test
    void shouldPublishKeyedFormIdAtVersionAndAnswer202WhenFormIsNew() throws Exception {
        start(true);

        HttpResponse<String> response = put("chest-pain", CHEST_PAIN);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("formId").asText()).isEqualTo("chest-pain");
        assertThat(body.get("version").asInt()).isEqualTo(2);
        assertThat(body.get("partition").asInt()).isZero();
        assertThat(body.get("offset").asLong()).isZero();
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.history().get(0).topic()).isEqualTo(Topics.TRIAGE_FORMS.name());
        assertThat(producer.history().get(0).key()).isEqualTo("chest-pain@2");
        assertThat(((FormDefinition) producer.history().get(0).value()).getScoringRules()).hasSize(1);
        assertThat(forms.find("chest-pain", 2)).isPresent();
    }

    @Test
    void shouldAnswer200AndWriteNothingWhenTheSameVersionIsSentAgain() throws Exception {
        start(true);
        put("chest-pain", CHEST_PAIN);

        HttpResponse<String> response = put("chest-pain", CHEST_PAIN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("UNCHANGED");
        assertThat(body.get("version").asInt()).isEqualTo(2);
        assertThat(body.get("eventId").asText()).isEqualTo(((FormDefinition) producer.history().get(0).value()).getEventId());
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void shouldAnswer409AndWriteNothingWhenAPublishedVersionIsChanged() throws Exception {
        start(true);
        put("chest-pain", CHEST_PAIN);

        HttpResponse<String> response = put("chest-pain", CHEST_PAIN.replace("\"points\": 2", "\"points\": 3"));

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("detail").asText())
            .isEqualTo("version 2 of form chest-pain exists; publish version 3");
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void shouldAnswer409WhenVersionIsBelowTheLatest() throws Exception {
        start(true);
        put("chest-pain", CHEST_PAIN);

        HttpResponse<String> response = put("chest-pain", CHEST_PAIN.replace("\"version\": 2", "\"version\": 1"));

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("detail").asText())
            .isEqualTo("version 1 of form chest-pain is below its latest version 2; publish version 3");
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void shouldAnswer409WhenOtherContentForTheSameVersionIsBeingPublished() throws Exception {
        // Given a PUT waiting for Kafka's acknowledgement
        start(false);
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + IngestRoutes.FORM_PATH.replace("{formId}", "chest-pain")))
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(CHEST_PAIN)).build(),
            HttpResponse.BodyHandlers.ofString());
        Await.until("the first PUT to reach the producer", Duration.ofSeconds(10), () -> producer.history().size() == 1);

        // When other content for the same version arrives
        HttpResponse<String> second = put("chest-pain", CHEST_PAIN.replace("\"points\": 2", "\"points\": 3"));

        // Then it is refused, and the first one completes
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(HttpServerFactory.MAPPER.readTree(second.body()).get("detail").asText())
            .isEqualTo("version 2 of form chest-pain is being published with other content; publish version 3");
        producer.completeNext();
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        assertThat(producer.history()).hasSize(1);
        assertThat(put("chest-pain", CHEST_PAIN.replace("\"points\": 2", "\"points\": 3")).statusCode()).isEqualTo(409);
    }

    @Test
    void shouldAnswer400WhenGeneralV1IsPut() throws Exception {
        start(true);

        HttpResponse<String> response = put("general-v1", CHEST_PAIN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).at("/errors/0/message").asText()).contains("built-in form");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer400ListingEveryProblemWhenFormIsInvalid() throws Exception {
        start(true);

        HttpResponse<String> response = put("chest-pain", CHEST_PAIN.replace("\"questionId\": \"pain_score\"", "\"questionId\": \"x\"")
            .replace("\"title\": \"Chest pain triage\",", ""));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field"))
            .containsExactly("/title", "/scoringRules/0/questionId");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer503AndForgetTheVersionWhenKafkaFailsTheFormWrite() throws Exception {
        start(false);
        Thread failer = Thread.ofVirtual().start(() -> {
            while (!producer.errorNext(new TimeoutException("no broker"))) {
                Thread.onSpinWait();
            }
        });

        HttpResponse<String> response = put("chest-pain", CHEST_PAIN);
        failer.join();

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(forms.find("chest-pain", null)).isEmpty();
    }

    @Test
    void shouldAnswer503WhenTheCatalogHasNotReadTheFormsTopicYet() throws Exception {
        forms = FormCatalog.reading(new MockConsumer<>("earliest"), Topics.TRIAGE_FORMS.name());
        start(true);

        HttpResponse<String> response = put("chest-pain", CHEST_PAIN);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenFormIsNotJson() throws Exception {
        start(true);

        HttpResponse<String> response = send("PUT", IngestRoutes.FORM_PATH.replace("{formId}", "chest-pain"), CHEST_PAIN, "text/plain");

        assertThat(response.statusCode()).isEqualTo(415);
    }

    // ---- POST .../disposition

    @Test
    void shouldPublishDispositionKeyedByFacilityAndAnswer202WhenValid() throws Exception {
        start(true);

        HttpResponse<String> response = dispose("f-1", "p-1", "{\"disposition\": \"SEEN\", \"decidedBy\": \"dr-7\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        TriageDisposition written = (TriageDisposition) producer.history().get(0).value();
        assertThat(body.get("eventId").asText()).isEqualTo(written.getEventId());
        assertThat(body.has("partition")).isTrue();
        assertThat(body.get("offset").asLong()).isZero();
        assertThat(producer.history().get(0).topic()).isEqualTo(Topics.TRIAGE_DISPOSITIONS.name());
        assertThat(producer.history().get(0).key()).isEqualTo("f-1");
        assertThat(written.getPatientId()).isEqualTo("p-1");
        assertThat(written.getDisposition()).isEqualTo(Disposition.SEEN);
    }

    @Test
    void shouldAnswer400ListingEveryBadFieldWhenDispositionIsInvalid() throws Exception {
        start(true);

        HttpResponse<String> response = dispose("f-1", "p-1", "{\"disposition\": \"GONE\", \"decidedAt\": \"2999-01-01T00:00:00Z\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field"))
            .containsExactly("/disposition", "/decidedAt");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer503WhenKafkaFailsTheDispositionWrite() throws Exception {
        start(false);
        Thread failer = Thread.ofVirtual().start(() -> {
            while (!producer.errorNext(new TimeoutException("no broker"))) {
                Thread.onSpinWait();
            }
        });

        HttpResponse<String> response = dispose("f-1", "p-1", "{\"disposition\": \"SEEN\"}");
        failer.join();

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    private HttpResponse<String> post(String body, String contentType) throws Exception {
        return send("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, body, contentType);
    }

    private HttpResponse<String> put(String formId, String body) throws Exception {
        return send("PUT", IngestRoutes.FORM_PATH.replace("{formId}", formId), body, "application/json");
    }

    private HttpResponse<String> dispose(String facilityId, String patientId, String body) throws Exception {
        return send("POST", IngestRoutes.DISPOSITION_PATH.replace("{facilityId}", facilityId).replace("{patientId}", patientId),
            body, "application/json");
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
