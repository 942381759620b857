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
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.topics.OnCallWebhookRule;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.ingest.triage.TriageBatchRoute;
import org.careflow.platform.embedded.Await;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.SecurityGate;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract of {@code POST /v1/triage-submissions:batch}, on a real server; the producer is Kafka's MockProducer. */
class TriageBatchRoutesTest {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);
    /** The server-wide limit, which the batch route does not apply. */
    private static final long MAX_REQUEST_BYTES = 64 * 1024;
    private static final TriageBatchRoute.Limits LIMITS = new TriageBatchRoute.Limits(5, 256 * 1024);

    private final HttpClient client = HttpClient.newHttpClient();
    private final Serializer<SpecificRecord> noopSerializer = (topic, value) -> new byte[0];
    private final FormCatalog forms = FormCatalog.fixed(List.of());
    private final FacilityCatalog facilities = TestFacilities.catalog();
    private MockProducer<String, SpecificRecord> producer;
    private Javalin server;

    private void start(boolean autoComplete) {
        start(new MockProducer<>(autoComplete, null, new StringSerializer(), noopSerializer), Clock.systemUTC());
    }

    private void start(MockProducer<String, SpecificRecord> mock, Clock clock) {
        producer = mock;
        EventPublisher publisher = new EventPublisher(producer, ACK_TIMEOUT);
        IngestRoutes routes = new IngestRoutes(publisher, forms, facilities, clock, new IngestRoutes.Options(Duration.ofMinutes(5), LIMITS, OnCallWebhookRule.strict()));
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(MAX_REQUEST_BYTES).ready(publisher::healthy).gate(SecurityGate.disabled())
            .routes(routes::register).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        forms.close();
    }

    @Test
    void shouldAnswer202AndWriteEveryItemInOrderKeyedByPatientWhenAllAreValid() throws Exception {
        // Given
        start(true);
        String batch = array(valid("p-1"), valid("p-2", "\"submissionId\": \"s-2\", "), valid("p-3"));

        // When
        HttpResponse<String> response = post(batch, "application/json");

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = json(response);
        assertThat(body.get("accepted").asInt()).isEqualTo(3);
        assertThat(body.get("rejected").asInt()).isZero();
        assertThat(body.get("failed").asInt()).isZero();
        assertThat(each(body, "index")).containsExactly("0", "1", "2");
        assertThat(each(body, "status")).containsExactly("202", "202", "202");
        assertThat(each(body, "offset")).containsExactly("0", "1", "2");
        assertThat(body.at("/results/1/submissionId").asText()).isEqualTo("s-2");
        assertThat(body.at("/results/0/problem").isMissingNode()).isTrue();
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("p-1", "p-2", "p-3");
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly(Topics.TRIAGE_SUBMISSIONS.name());
        assertThat(producer.history()).extracting(r -> ((TriageSubmission) r.value()).getSubmissionId())
            .containsExactlyElementsOf(each(body, "submissionId"));
    }

    @Test
    void shouldAnswer207WithEachItemsProblemAndWriteOnlyTheValidOnesWhenItemsDiffer() throws Exception {
        // Given a batch whose middle item has an impossible SpO2 and no channel
        start(true);
        String bad = valid("p-2").replace("\"heartRate\": 80", "\"spo2\": 120").replace("\"channel\": \"WEB\",", "");

        // When
        HttpResponse<String> response = post(array(valid("p-1"), bad, valid("p-3")), "application/json");

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(207);
        JsonNode body = json(response);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("rejected").asInt()).isEqualTo(1);
        assertThat(each(body, "status")).containsExactly("202", "400", "202");
        JsonNode problem = body.at("/results/1/problem");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("/channel", "/vitals/spo2");
        assertThat(body.at("/results/1/offset").isMissingNode()).isTrue();
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("p-1", "p-3");
    }

    @Test
    void shouldAnswer400WithTheSameShapeAndWriteNothingWhenEveryItemIsInvalid() throws Exception {
        start(true);

        HttpResponse<String> response = post(array("{\"patientId\": \"p-1\"}", "42"), "application/json");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("rejected").asInt()).isEqualTo(2);
        assertThat(body.at("/results/1/problem/errors/0/field").asText()).isEmpty();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAcceptOneSubmissionPerLineSkippingBlankLinesWhenBodyIsNdjson() throws Exception {
        // Given
        start(true);
        String ndjson = compact(valid("p-1")) + "\r\n\n   \n" + compact(valid("p-2")) + "\n";

        // When
        HttpResponse<String> response = post(ndjson, "application/x-ndjson");

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(each(json(response), "index")).containsExactly("0", "1");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("p-1", "p-2");
    }

    @Test
    void shouldAnswer400NamingTheLineAndWriteNothingWhenAnNdjsonLineIsNotJson() throws Exception {
        start(true);

        HttpResponse<String> response = post(compact(valid("p-1")) + "\n\n{\"patientId\": \n", "application/x-ndjson");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/message").asText()).startsWith("line 3 is not valid JSON");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer413NamingTheLimitAndWriteNothingWhenThereAreTooManyItems() throws Exception {
        start(true);
        String[] six = IntStream.range(0, 6).mapToObj(i -> valid("p-" + i)).toArray(String[]::new);

        HttpResponse<String> response = post(array(six), "application/json");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("detail").asText()).contains("batch.max.items").contains("at most 5");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer400WhenTheArrayIsEmpty() throws Exception {
        start(true);

        HttpResponse<String> response = post("[]", "application/json");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/message").asText()).contains("empty");
    }

    @Test
    void shouldAnswer400WhenTheBodyIsNotAnArray() throws Exception {
        start(true);

        HttpResponse<String> response = post(valid("p-1"), "application/json");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/message").asText()).contains("JSON array");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenContentTypeIsNeitherJsonNorNdjson() throws Exception {
        start(true);

        HttpResponse<String> response = post(array(valid("p-1")), "text/plain");

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAcceptABatchOverTheServerWideLimitWhenItIsUnderTheBatchLimit() throws Exception {
        // Given a batch larger than http.max.request.bytes
        start(true);
        String complaint = "x".repeat(400);
        String[] items = IntStream.range(0, 5)
            .mapToObj(i -> valid("p-" + i, "\"chiefComplaint\": \"" + complaint + "\", ")).toArray(String[]::new);
        String batch = array(items).replace("}", " ".repeat(15_000) + "}");
        assertThat((long) batch.length()).isGreaterThan(MAX_REQUEST_BYTES);

        // When
        HttpResponse<String> response = post(batch, "application/json");

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(producer.history()).hasSize(5);
    }

    @Test
    void shouldAnswer413AndWriteNothingWhenTheBatchIsOverItsByteLimit() throws Exception {
        start(true);
        String batch = array(valid("p-1")).replace("}", " ".repeat((int) LIMITS.maxBytes()) + "}");

        HttpResponse<String> response = post(batch, "application/json");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("detail").asText()).contains("http.max.batch.request.bytes");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer503ForTheItemKafkaFailedAnd202ForTheOthersWhenOnePublishFails() throws Exception {
        // Given three submissions waiting for Kafka's acknowledgements
        start(false);
        CompletableFuture<HttpResponse<String>> pending = postAsync(array(valid("p-1"), valid("p-2"), valid("p-3")));
        Await.until("all three sends to reach the producer", Duration.ofSeconds(10), () -> producer.history().size() == 3);

        // When Kafka acknowledges the first and third but fails the second
        producer.completeNext();
        producer.errorNext(new TimeoutException("no broker"));
        producer.completeNext();

        // Then
        HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(207);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode body = json(response);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(1);
        assertThat(each(body, "status")).containsExactly("202", "503", "202");
        assertThat(body.at("/results/1/submissionId").asText())
            .isEqualTo(((TriageSubmission) producer.history().get(1).value()).getSubmissionId());
        assertThat(body.at("/results/1/problem/detail").asText()).contains("same submissionId");
    }

    @Test
    void shouldStopSendingAndAnswer503WhenSendingTakesLongerThanTheAckTimeout() throws Exception {
        // Given Kafka unreachable: a send blocks for the whole ack timeout, then fails
        TestClock clock = new TestClock(Instant.now());
        AtomicInteger sends = new AtomicInteger();
        start(new MockProducer<>(true, null, new StringSerializer(), noopSerializer) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, SpecificRecord> record, Callback callback) {
                sends.incrementAndGet();
                clock.advance(ACK_TIMEOUT.plusMillis(1));
                throw new TimeoutException("metadata not available");
            }
        }, clock);

        // When
        HttpResponse<String> response = post(array(valid("p-1"), valid("p-2"), valid("p-3")), "application/json");

        // Then only the first was tried, and the batch as a whole is 503
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(response).get("failed").asInt()).isEqualTo(3);
        assertThat(each(json(response), "submissionId")).hasSize(3).doesNotContainNull();
        assertThat(sends).hasValue(1);
    }

    @Test
    void shouldRouteTheBatchWhenTheColonIsPercentEncoded() throws Exception {
        // Given a client that encodes ':' in path segments (JavaScript's encodeURIComponent, Python's quote)
        start(true);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/triage-submissions%3Abatch"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(array(valid("p-1"))))
            .build();

        // When
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void shouldNameEveryBadFieldOfEachItemWhenSeveralItemsHaveSeveral() throws Exception {
        // Given a valid item between two with several bad fields each
        start(true);
        String first = valid("p 1").replace("\"channel\": \"WEB\",", "\"colour\": \"red\",");
        String third = valid("p-3").replace("\"heartRate\": 80", "\"heartRate\": 5, \"spo2\": 30")
            .replace("2026-01-01T00:00:00Z", "soon");

        // When
        HttpResponse<String> response = post(array(first, valid("p-2"), third), "application/json");

        // Then each item's problem names each of its bad fields, in the order they are checked
        assertThat(response.statusCode()).as(response.body()).isEqualTo(207);
        JsonNode body = json(response);
        assertThat(each(body, "status")).containsExactly("400", "202", "400");
        assertThat(body.at("/results/0/problem/errors").findValuesAsText("field")).containsExactly("/colour", "/patientId", "/channel");
        assertThat(body.at("/results/2/problem/errors").findValuesAsText("field"))
            .containsExactly("/submittedAt", "/vitals/spo2", "/vitals/heartRate");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("p-2");
    }

    @Test
    void shouldWriteTheValidItemsAroundWhenItemsInTheMiddleAreNotObjects() throws Exception {
        // Given a number, an array and a null between two valid items
        start(true);

        // When
        HttpResponse<String> response = post(array(valid("p-1"), "42", "[{\"patientId\": \"p-9\"}]", "null", valid("p-5")),
            "application/json");

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(207);
        JsonNode body = json(response);
        assertThat(each(body, "index")).containsExactly("0", "1", "2", "3", "4");
        assertThat(each(body, "status")).containsExactly("202", "400", "400", "400", "202");
        assertThat(body.at("/results/2/problem/errors/0/message").asText()).contains("JSON object");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("p-1", "p-5");
    }

    @Test
    void shouldAnswer400AndWriteNothingWhenTheBodyBreaksOffAfterValidItems() throws Exception {
        start(true);

        HttpResponse<String> response = post("[" + valid("p-1") + ", " + valid("p-2") + ", {\"patientId\": ", "application/json");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/message").asText()).startsWith("the body is not valid JSON at line 3");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldNameWhereJacksonsStrictReaderDoesWhenSomethingFollowsTheArray() throws Exception {
        start(true);
        for (String body : List.of(array(valid("p-1")) + " " + array(valid("p-2")), array(valid("p-1")) + "\n  x",
            "{\"a\": 1} [1]", array(valid("p-1")) + " ]")) {

            HttpResponse<String> response = post(body, "application/json");

            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(json(response).at("/errors/0/message").asText()).as(body)
                .isEqualTo("the body is not valid JSON" + strictReaderLocation(body, true));
        }
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldNameTheColumnJacksonsStrictReaderDoesWhenAnNdjsonLineHoldsTwoValues() throws Exception {
        start(true);
        String line = compact(valid("p-2")) + " {}";

        HttpResponse<String> response = post(compact(valid("p-1")) + "\n" + line + "\n", "application/x-ndjson");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/message").asText())
            .isEqualTo("line 2 is not valid JSON" + strictReaderLocation(line, false) + "; send one submission object per line");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer400NotTooManyWhenABatchOverTheItemLimitIsNotValidJson() throws Exception {
        start(true);
        String[] six = IntStream.range(0, 6).mapToObj(i -> valid("p-" + i)).toArray(String[]::new);

        HttpResponse<String> broken = post(array(six).replaceFirst("]$", ", {"), "application/json");
        HttpResponse<String> notObjects = post("[1, 2, 3, 4, 5, 6]", "application/json");

        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(notObjects.statusCode()).isEqualTo(413);
        assertThat(producer.history()).isEmpty();
    }

    /** Where Jackson's tree reader, strict about trailing tokens, says {@code body} stops being valid JSON. */
    private static String strictReaderLocation(String body, boolean withLine) {
        try {
            HttpServerFactory.MAPPER.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return withLine ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                : ", column " + e.getLocation().getColumnNr();
        }
        throw new AssertionError("valid JSON: " + body);
    }

    private static String valid(String patientId) {
        return valid(patientId, "");
    }

    /** A valid submission for {@code patientId}, with {@code fields} ({@code "name": value, }) added first. */
    private static String valid(String patientId, String fields) {
        return """
            {%s"patientId": "%s", "facilityId": "f-1", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "2026-01-01T00:00:00Z", "vitals": {"heartRate": 80}}
            """.formatted(fields, patientId).strip();
    }

    /** {@code name} of every item result, in order. */
    private static List<String> each(JsonNode body, String name) {
        List<String> values = new ArrayList<>();
        body.get("results").forEach(result -> values.add(result.path(name).asText(null)));
        return values;
    }

    private static String array(String... items) {
        return List.of(items).stream().collect(Collectors.joining(",\n", "[", "]"));
    }

    private static String compact(String json) throws Exception {
        return HttpServerFactory.MAPPER.readTree(json).toString();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return HttpServerFactory.MAPPER.readTree(response.body());
    }

    private HttpResponse<String> post(String body, String contentType) throws Exception {
        return client.send(request(body, contentType), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return client.sendAsync(request(body, "application/json"), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String body, String contentType) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + TriageBatchRoute.PATH))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    /** A clock the test moves forward. */
    private static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
