package org.careflow.triage;

import org.careflow.query.StreamsHttpApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.platform.embedded.Await;
import org.careflow.http.HttpServerFactory;
import org.careflow.query.InteractiveQueryService;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stale reads on real Kafka Streams: two instances with one standby replica each; the owner of a key stops serving
 * without leaving the group (as an instance does while it dies), and the other instance answers from its standby copy
 * when the caller accepts staleness, with the answer saying so, and 503 with Retry-After otherwise.
 */
@Tag("integration")
class StaleReadsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int PATIENTS = 40;
    private static final Duration TIME_BOUND = Duration.ofSeconds(30);

    @Test
    void shouldAnswerFromStandbyWithStalenessWhenOwnerStopsServingAndCallerAllowsStale(@TempDir Path dir) throws Exception {
        try (TriagePlatform platform = TriagePlatform.start(dir)) {
            String applicationId = "stale-it-" + UUID.randomUUID();
            platform.submitPatients(PATIENTS);
            StreamsHttpApp first = TriageApp.start(platform.config(applicationId, dir.resolve("state-1"), 1));
            StreamsHttpApp second = TriageApp.start(platform.config(applicationId, dir.resolve("state-2"), 1));
            try {
                // Given both instances serving, every assessment readable, and each standby copy caught up
                Await.until("both instances running with active and standby tasks", DEADLINE,
                    () -> hasActiveAndStandbyTasks(first) && hasActiveAndStandbyTasks(second));
                for (int i = 0; i < PATIENTS; i++) {
                    String path = "/v1/patients/patient-" + i + "/triage";
                    Await.until("an assessment readable", DEADLINE, () -> platform.status(first.port(), path) == 200);
                }
                Await.until("standby copies caught up", DEADLINE, () -> standbysCaughtUp(first) && standbysCaughtUp(second));
                String patient = patientOwnedBy(first, second);

                // Then a fresh answer to a stale-tolerant read says it is not stale
                HttpResponse<String> fresh = platform.get(first.port(), "/v1/patients/" + patient + "/triage?allowStale=true");
                assertThat(fresh.statusCode()).isEqualTo(200);
                JsonNode freshBody = HttpServerFactory.MAPPER.readTree(fresh.body());
                assertThat(freshBody.at("/staleness/stale").asBoolean()).isFalse();
                assertThat(freshBody.at("/staleness/source").asText()).isEqualTo("active");
                assertThat(fresh.headers().firstValue(InteractiveQueryService.STALE_HEADER)).hasValue("false");
                // ... and a plain read keeps its shape
                HttpResponse<String> plain = platform.get(first.port(), "/v1/patients/" + patient + "/triage");
                assertThat(HttpServerFactory.MAPPER.readTree(plain.body()).has("staleness")).isFalse();

                // When the owner's stream processor stops without leaving the group (its partitions stay assigned to it)
                second.streams().close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
                assertThat(first.streams().queryMetadataForKey(TriageTopology.PATIENT_HISTORY_STORE, patient,
                    Serdes.String().serializer()).activeHost()).isEqualTo(host(second));

                // Then a stale-tolerant read is answered from the standby copy, saying how stale it may be
                HttpResponse<String> stale = platform.get(first.port(), "/v1/patients/" + patient + "/triage?allowStale=true");
                assertThat(stale.statusCode()).as(stale.body()).isEqualTo(200);
                JsonNode body = HttpServerFactory.MAPPER.readTree(stale.body());
                assertThat(body.get("patientId").asText()).isEqualTo(patient);
                assertThat(body.get("submissionId").asText()).isEqualTo("sub-" + patient.substring("patient-".length()));
                assertThat(body.get("score").asInt()).isEqualTo(7);
                assertThat(body.at("/staleness/stale").asBoolean()).isTrue();
                assertThat(body.at("/staleness/source").asText()).isEqualTo("standby");
                assertThat(body.at("/staleness/offsetLag").isIntegralNumber()).isTrue();
                long lag = body.at("/staleness/offsetLag").asLong();
                assertThat(lag).isBetween(0L, 1L);
                assertThat(stale.headers().firstValue(InteractiveQueryService.STALE_HEADER)).hasValue("true");

                // ... a bounded read too when the copy is within the bound, and 503 when it is not
                HttpResponse<String> bounded = platform.get(first.port(), "/v1/patients/" + patient + "/triage?maxLagRecords=" + lag);
                assertThat(bounded.statusCode()).isEqualTo(200);
                assertThat(HttpServerFactory.MAPPER.readTree(bounded.body()).at("/staleness/source").asText()).isEqualTo("standby");
                if (lag > 0) {
                    HttpResponse<String> tooStale = platform.get(first.port(), "/v1/patients/" + patient + "/triage?maxLagRecords=" + (lag - 1));
                    assertThat(tooStale.statusCode()).isEqualTo(503);
                    assertThat(tooStale.headers().firstValue("Retry-After")).isPresent();
                }

                // ... while a strict read is 503 with Retry-After, as before
                HttpResponse<String> strict = platform.get(first.port(), "/v1/patients/" + patient + "/triage");
                assertThat(strict.statusCode()).isEqualTo(503);
                assertThat(strict.headers().firstValue("Retry-After")).isPresent();

                // ... and a time-bounded read is answered by the standby once it has been sampled caught up, with the bound
                // it met (the copy stays complete: nothing new is written, so its bound is the age of the newest sample)
                String byTime = "/v1/patients/" + patient + "/triage?maxLagMs=" + TIME_BOUND.toMillis();
                Await.until("the standby answering within " + TIME_BOUND.toMillis() + " ms", DEADLINE,
                    () -> platform.status(first.port(), byTime) == 200);
                JsonNode timeBounded = HttpServerFactory.MAPPER.readTree(platform.get(first.port(), byTime).body());
                assertThat(timeBounded.at("/staleness/source").asText()).isEqualTo("standby");
                assertThat(timeBounded.at("/staleness/maxStalenessMs").isIntegralNumber()).isTrue();
                assertThat(timeBounded.at("/staleness/maxStalenessMs").asLong()).isBetween(0L, TIME_BOUND.toMillis());
                // ... while a malformed time bound is 400 naming it
                HttpResponse<String> malformed = platform.get(first.port(), "/v1/patients/" + patient + "/triage?maxLagMs=soon");
                assertThat(malformed.statusCode()).isEqualTo(400);
                assertThat(malformed.body()).contains("maxLagMs");
            } finally {
                first.close();
                second.close();
            }
        }
    }

    private static String patientOwnedBy(StreamsHttpApp entry, StreamsHttpApp owner) {
        for (int i = 0; i < PATIENTS; i++) {
            KeyQueryMetadata metadata = entry.streams().queryMetadataForKey(TriageTopology.PATIENT_HISTORY_STORE, "patient-" + i,
                Serdes.String().serializer());
            if (metadata.activeHost().equals(host(owner)) && metadata.standbyHosts().contains(host(entry))) {
                return "patient-" + i;
            }
        }
        throw new AssertionError("No patient is owned by the second instance with a standby on the first");
    }

    private static boolean hasActiveAndStandbyTasks(StreamsHttpApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
            && app.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty() && !t.standbyTasks().isEmpty());
    }

    private static boolean standbysCaughtUp(StreamsHttpApp app) {
        Map<String, Map<Integer, LagInfo>> lags = app.streams().allLocalStorePartitionLags();
        Map<Integer, LagInfo> history = lags.get(TriageTopology.PATIENT_HISTORY_STORE);
        // Under exactly_once_v2 a caught-up standby stays one offset short of the end: the last commit's transaction marker.
        return history != null && history.size() == 6 && history.values().stream().allMatch(l -> l.offsetLag() <= 1);
    }

    private static HostInfo host(StreamsHttpApp app) {
        return new HostInfo("127.0.0.1", app.port());
    }
}
