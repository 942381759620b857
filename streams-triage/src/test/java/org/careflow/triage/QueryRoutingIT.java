package org.careflow.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.Await;
import org.careflow.query.StreamsHttpApp;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Query routing across rebalances on real Kafka Streams: an instance remembers each key's owner while nothing changes,
 * and a rebalance that moves keys never leaves it answering from, or forwarding to, an owner that no longer has them.
 */
@Tag("integration")
class QueryRoutingIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int PATIENTS = 40;

    @Test
    void shouldAnswerFromNewOwnerWhenRebalanceMovesKeysThatAnInstanceRemembered(@TempDir Path dir) throws Exception {
        try (TriagePlatform platform = TriagePlatform.start(dir)) {
            String applicationId = "routing-it-" + UUID.randomUUID();
            platform.submitPatients(PATIENTS);
            StreamsHttpApp first = TriageApp.start(platform.config(applicationId, dir.resolve("state-1"), 0));
            StreamsHttpApp second = TriageApp.start(platform.config(applicationId, dir.resolve("state-2"), 0));
            StreamsHttpApp third = null;
            boolean secondClosed = false;
            try {
                // Given two instances sharing the partitions, and every patient asked for through the first (which now
                // remembers each patient's owner, some of them the second)
                Await.until("both instances running with active tasks", DEADLINE, () -> hasActiveTasks(first) && hasActiveTasks(second));
                for (int i = 0; i < PATIENTS; i++) {
                    String path = path("patient-" + i);
                    Await.until("an assessment readable through the first instance", DEADLINE, () -> platform.status(first.port(), path) == 200);
                }
                List<String> ownedBySecond = ownedBy(first, second);
                assertThat(ownedBySecond).isNotEmpty();

                // When the second instance leaves and the first takes over its partitions
                second.close();
                secondClosed = true;
                Await.until("the first instance owning every patient", DEADLINE,
                    () -> first.streams().state() == KafkaStreams.State.RUNNING && ownedBy(first, first).size() == PATIENTS);

                // Then the first answers the patients it remembered as the second's, from its own store
                for (String patient : ownedBySecond) {
                    Await.until("the moved partition restored on the first instance", DEADLINE,
                        () -> platform.status(first.port(), path(patient)) != 503);
                    assertAnswered(platform.get(first.port(), path(patient)), patient);
                }

                // ... and every other patient too (so the first now remembers itself as the owner of every patient)
                for (int i = 0; i < PATIENTS; i++) {
                    assertAnswered(platform.get(first.port(), path("patient-" + i)), "patient-" + i);
                }

                // When a third instance joins and takes some partitions from the first, which remembered itself as their owner
                StreamsHttpApp joined = TriageApp.start(platform.config(applicationId, dir.resolve("state-3"), 0));
                third = joined;
                Await.until("both instances running with active tasks", DEADLINE,
                    () -> hasActiveTasks(first) && hasActiveTasks(joined) && first.streams().state() == KafkaStreams.State.RUNNING);
                List<String> movedToThird = ownedBy(first, joined);
                assertThat(movedToThird).isNotEmpty();

                // Then once the new owner answers a patient itself, the first forwards it there rather than reading a store
                // it no longer holds
                for (String patient : movedToThird) {
                    Await.until("the moved partition restored on the third instance", DEADLINE,
                        () -> platform.status(joined.port(), path(patient)) == 200);
                    assertAnswered(platform.get(first.port(), path(patient)), patient);
                }
                // ... and every patient is answered right through either instance
                for (int i = 0; i < PATIENTS; i++) {
                    assertAnswered(platform.get(first.port(), path("patient-" + i)), "patient-" + i);
                    assertAnswered(platform.get(joined.port(), path("patient-" + i)), "patient-" + i);
                }
            } finally {
                first.close();
                if (!secondClosed) {
                    second.close();
                }
                if (third != null) {
                    third.close();
                }
            }
        }
    }

    private static void assertAnswered(HttpResponse<String> response, String patient) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("patientId").asText()).isEqualTo(patient);
        assertThat(body.get("submissionId").asText()).isEqualTo("sub-" + patient.substring("patient-".length()));
    }

    private static String path(String patient) {
        return "/v1/patients/" + patient + "/triage";
    }

    /** The patients {@code owner} owns, as {@code entry}'s current metadata says. */
    private static List<String> ownedBy(StreamsHttpApp entry, StreamsHttpApp owner) {
        List<String> owned = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            HostInfo active = entry.streams().queryMetadataForKey(TriageTopology.PATIENT_HISTORY_STORE, "patient-" + i,
                Serdes.String().serializer()).activeHost();
            if (active.equals(host(owner))) {
                owned.add("patient-" + i);
            }
        }
        return owned;
    }

    private static boolean hasActiveTasks(StreamsHttpApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
            && app.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }

    private static HostInfo host(StreamsHttpApp app) {
        return new HostInfo("127.0.0.1", app.port());
    }
}
