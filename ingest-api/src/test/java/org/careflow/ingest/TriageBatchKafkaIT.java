package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.careflow.config.CommonConfig;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.ingest.triage.TriageBatchRoute;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/triage-submissions:batch} against a real KRaft broker and the real Apicurio registry. */
@Tag("integration")
class TriageBatchKafkaIT {

    private static final int ITEMS = 50;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldWriteEveryItemAtTheAnsweredPartitionAndOffsetWhenABatchOf50IsAccepted(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.catalogue(dir)) {
            TestFacilities.publish(platform.bootstrapServers(), platform.registryUrl());
            try (IngestApp app = IngestApp.start(config(platform))) {
                // Given 50 submissions for 50 patients, spread over the topic's partitions
                String batch = IntStream.range(0, ITEMS).mapToObj(TriageBatchKafkaIT::submission)
                    .collect(Collectors.joining(",\n", "[", "]"));

                // When they are posted as one batch
                HttpResponse<String> response = post(app, batch);

                // Then every one is accepted, and is at the partition and offset its result names
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
                assertThat(body.get("accepted").asInt()).isEqualTo(ITEMS);
                List<JsonNode> results = new ArrayList<>();
                body.get("results").forEach(results::add);
                assertThat(results).hasSize(ITEMS);
                List<ConsumerRecord<String, TriageSubmission>> written =
                    AcceptedRecords.readAll(platform.broker(), platform.registry(), Topics.TRIAGE_SUBMISSIONS, results, DEADLINE);
                Map<Integer, Long> lastOffset = new HashMap<>();
                for (int i = 0; i < ITEMS; i++) {
                    JsonNode result = results.get(i);
                    ConsumerRecord<String, TriageSubmission> record = written.get(i);
                    assertThat(result.get("index").asInt()).isEqualTo(i);
                    assertThat(result.get("submissionId").asText()).isEqualTo("it-batch-" + i);
                    assertThat(record.key()).isEqualTo("p-" + i);
                    assertThat(record.value().getSubmissionId()).isEqualTo("it-batch-" + i);
                    assertThat(record.value().getVitals().getHeartRate()).isEqualTo(60 + i);
                    // Sent in item order: within a partition, a later item has a later offset.
                    Long previous = lastOffset.put(record.partition(), record.offset());
                    if (previous != null) {
                        assertThat(record.offset()).isGreaterThan(previous);
                    }
                }
                assertThat(lastOffset).hasSizeGreaterThan(1);
            }
        }
    }

    private static String submission(int i) {
        return """
            {"submissionId": "it-batch-%d", "patientId": "p-%d", "facilityId": "f-1", "formId": "general-v1",
             "channel": "WEB", "submittedAt": "2026-11-21T10:15:00Z", "vitals": {"heartRate": %d, "spo2": 97}}
            """.formatted(i, i, 60 + i);
    }

    private static IngestConfig config(PlatformFixture platform) {
        Map<String, Object> props = CommonConfig.connection(platform.bootstrapServers(), platform.registryUrl(), "127.0.0.1", 0);
        // Not a security test: the routes' checks pass with authentication off.
        props.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
        props.put(IngestConfig.KAFKA_ACK_TIMEOUT_MS_CONFIG, 10_000L);
        return new IngestConfig(props);
    }

    private HttpResponse<String> post(IngestApp app, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + TriageBatchRoute.PATH))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
