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
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.ingest.triage.TriageSubmissionParser;
import org.careflow.query.HttpServerFactory;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP contract of the ingest API, on a real server; the producer is Kafka's MockProducer (the broker path is covered by IngestKafkaIT). */
class IngestRoutesTest {

    private static final String VALID = """
        {"patientId": "p-1", "facilityId": "f-1", "formId": "general-v1", "channel": "WEB",
         "submittedAt": "2026-01-01T00:00:00Z", "vitals": {"heartRate": 80}}
        """;

    private final HttpClient client = HttpClient.newHttpClient();
    private final Serializer<SpecificRecord> noopSerializer = (topic, value) -> new byte[0];
    private MockProducer<String, SpecificRecord> producer;
    private Javalin server;

    private void start(boolean autoComplete) {
        producer = new MockProducer<>(autoComplete, null, new StringSerializer(), noopSerializer);
        EventPublisher publisher = new EventPublisher(producer, Duration.ofSeconds(2));
        IngestRoutes routes = new IngestRoutes(publisher, new TriageSubmissionParser(Clock.systemUTC(), Duration.ofMinutes(5)));
        server = HttpServerFactory.create("127.0.0.1", 0, 64 * 1024, publisher::healthy, routes::register).start();
    }

    @AfterEach
    void stop() {
        server.stop();
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

    private HttpResponse<String> post(String body, String contentType) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + IngestRoutes.TRIAGE_SUBMISSIONS_PATH))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
