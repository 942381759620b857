package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.careflow.config.CommonConfig;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.metrics.PrometheusSamples;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest API against a real KRaft broker and the real Apicurio registry. */
@Tag("integration")
class IngestKafkaIT {

    private static final String BODY = """
        {"submissionId": "it-sub-1", "patientId": "p-123", "facilityId": "f-1", "formId": "general-v1", "channel": "WHATSAPP",
         "submittedAt": "2026-11-21T10:15:00Z",
         "vitals": {"respiratoryRate": 22, "spo2": 93, "spo2Scale": 1, "onSupplementalOxygen": false,
                    "systolicBp": 105, "heartRate": 95, "consciousness": "ALERT", "temperature": 38.4},
         "chiefComplaint": "shortness of breath"}
        """;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldAnswer202OnlyForWrittenEventsAnd503WhenKafkaGoesDown(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.catalogue(dir)) {
            TestFacilities.publish(platform.bootstrapServers(), platform.registryUrl());
            try (IngestApp app = IngestApp.start(config(platform))) {
                // Given a running broker, when a valid submission is posted
                HttpResponse<String> accepted = post(app);

                // Then 202 names the partition and offset where the event really is, readable through the registry
                assertThat(accepted.statusCode()).isEqualTo(202);
                JsonNode body = HttpServerFactory.MAPPER.readTree(accepted.body());
                assertThat(body.get("submissionId").asText()).isEqualTo("it-sub-1");
                TriageSubmission written = read(platform, body.get("partition").asInt(), body.get("offset").asLong());
                assertThat(written.getSubmissionId()).isEqualTo("it-sub-1");
                assertThat(written.getPatientId()).isEqualTo("p-123");
                assertThat(written.getVitals().getSpo2()).isEqualTo(93);
                // and /metrics times the request under its route and shows the producer's metrics
                Map<String, String> timed = Map.of("app", "ingest-api", "method", "POST", "route", IngestRoutes.TRIAGE_SUBMISSIONS_PATH,
                    "status", "202");
                String metrics = Await.value("the request to be timed", Duration.ofSeconds(30), () -> {
                    String text = get(app, "/metrics");
                    return PrometheusSamples.sum(text, "careflow_http_requests_seconds_count", timed) == 1.0 ? text : null;
                });
                assertThat(PrometheusSamples.sum(metrics, "careflow_http_requests_seconds_sum", timed)).isPositive();
                assertThat(PrometheusSamples.sum(metrics, "kafka_producer_record_send_total",
                    Map.of("app", "ingest-api", "client_id", "careflow-ingest-api"))).isGreaterThanOrEqualTo(1.0);
                assertThat(metrics).doesNotContain("p-123");

                // When Kafka goes away
                platform.broker().close();
                long started = System.nanoTime();
                HttpResponse<String> refused = post(app);
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                // Then the API says 503 within its configured timeout, never 202
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                assertThat(took).isLessThan(ACK_TIMEOUT.plusSeconds(5));
                // Which 503 depends on where the write stopped: before the producer held it (its metadata expired: "not
                // recorded"), or after (the acknowledgement never came: the outcome is unknown). Either way it says which,
                // and that the same request again is safe (IngestRoutesTest pins each case).
                JsonNode problem = HttpServerFactory.MAPPER.readTree(refused.body());
                String detail = problem.get("detail").asText();
                if (problem.get("type").asText().equals(IngestRoutes.OUTCOME_UNKNOWN_TYPE)) {
                    assertThat(detail).contains("may or may not have been recorded");
                } else {
                    assertThat(problem.get("type").asText()).isEqualTo("about:blank");
                    assertThat(detail).contains("it was not recorded");
                }
                assertThat(detail).contains("Retry with the same submissionId");
                Await.until("readiness to report the outage", Duration.ofSeconds(10), () -> status(app, "/health/ready") == 503);
            }
        }
    }

    private static IngestConfig config(PlatformFixture platform) {
        Map<String, Object> props = CommonConfig.connection(platform.bootstrapServers(), platform.registryUrl(), "127.0.0.1", 0);
        // Not a security test: the routes' checks pass with authentication off.
        props.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
        props.put(IngestConfig.KAFKA_ACK_TIMEOUT_MS_CONFIG, ACK_TIMEOUT.toMillis());
        return new IngestConfig(props);
    }

    private HttpResponse<String> post(IngestApp app) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + IngestRoutes.TRIAGE_SUBMISSIONS_PATH))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String get(IngestApp app, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int status(IngestApp app, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TriageSubmission read(PlatformFixture platform, int partition, long offset) {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(platform.registryUrl(), false).clientConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        try (KafkaConsumer<String, TriageSubmission> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(Topics.TRIAGE_SUBMISSIONS.name(), partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            return Await.value("the record at the acknowledged offset", Duration.ofSeconds(30), () -> {
                for (ConsumerRecord<String, TriageSubmission> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        assertThat(r.key()).isEqualTo("p-123");
                        return r.value();
                    }
                }
                return null;
            });
        }
    }
}
