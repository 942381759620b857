package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.careflow.events.triage.Disposition;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.state.triage.FacilityHourStats;
import org.careflow.state.triage.TriageQueueEntry;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.triage.TriageFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The queue's two processors on shared in-memory stores, as one task runs them. */
class QueueProcessorsTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final PlainAvroEventSerdes SERDES = new PlainAvroEventSerdes();

    private final EnqueueAssessmentProcessor enqueue = new EnqueueAssessmentProcessor();
    private final ApplyDispositionProcessor dispose = new ApplyDispositionProcessor();
    private KeyValueStore<String, TriageQueueEntry> queue;
    private WindowStore<String, FacilityHourStats> stats;

    @BeforeEach
    void init() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        queue = kvStore(context, TriageTopology.QUEUE_STORE);
        kvStore(context, TriageTopology.QUEUE_PATIENT_STORE);
        stats = Stores.windowStoreBuilder(Stores.inMemoryWindowStore(TriageTopology.FACILITY_STATS_STORE, Duration.ofDays(2),
                FacilityStatsWriter.WINDOW, false), Serdes.String(), SERDES.internalValueSerde(FacilityHourStats.class))
            .withLoggingDisabled().build();
        stats.init(context.getStateStoreContext(), stats);
        context.addStateStore(stats);
        enqueue.init(context);
        dispose.init(context);
    }

    @Test
    void shouldOrderByBandThenScoreThenLongestWaitingWhenPatientsQueue() {
        enqueue("low-early", T0, TriageFixtures.lowVitals());
        enqueue("medium-late", T0.plusSeconds(600), TriageFixtures.mediumVitals());
        enqueue("high", T0.plusSeconds(900), TriageFixtures.exampleVitals());
        enqueue("medium-early", T0.plusSeconds(60), TriageFixtures.mediumVitals());
        enqueue("normal", T0.minusSeconds(600), TriageFixtures.normalVitals());

        assertThat(queuedPatients()).containsExactly("high", "medium-early", "medium-late", "low-early", "normal");
    }

    @Test
    void shouldBreakTiesByPatientIdWhenBandScoreAndWaitAreEqual() {
        enqueue("p-b", T0, TriageFixtures.mediumVitals());
        enqueue("p-a", T0, TriageFixtures.mediumVitals());

        assertThat(queuedPatients()).containsExactly("p-a", "p-b");
    }

    @Test
    void shouldReplaceEntryAndKeepWaitingSinceWhenPatientSubmitsAgain() {
        enqueue("p-1", T0, TriageFixtures.lowVitals());
        enqueue("p-2", T0.plusSeconds(60), TriageFixtures.mediumVitals());

        enqueue("p-1", T0.plusSeconds(600), TriageFixtures.exampleVitals());

        assertThat(queuedPatients()).containsExactly("p-1", "p-2");
        TriageQueueEntry first = queuedEntries().get(0);
        assertThat(first.getWaitingSince()).isEqualTo(T0);
        assertThat(first.getScore()).isEqualTo(7);
        assertThat(queuedEntries()).hasSize(2);
    }

    @Test
    void shouldIgnoreOlderSubmissionWhenItArrivesAfterANewerOne() {
        enqueue("p-1", T0.plusSeconds(600), TriageFixtures.exampleVitals());
        enqueue("p-1", T0, TriageFixtures.normalVitals());

        assertThat(queuedEntries()).singleElement().satisfies(e -> assertThat(e.getScore()).isEqualTo(7));
    }

    @Test
    void shouldRemovePatientAndRecordMinutesWaitedWhenDispositionArrives() {
        enqueue("p-1", T0, TriageFixtures.lowVitals());
        enqueue("p-2", T0, TriageFixtures.lowVitals());

        dispose("p-1", T0.plus(Duration.ofMinutes(42)));

        assertThat(queuedPatients()).containsExactly("p-2");
        FacilityHourStats hour = stats.fetch("f-1", T0.toEpochMilli());
        assertThat(hour.getMinutesToBeSeen()).containsExactly(42L);
        assertThat(hour.getSubmissionsByBand()).containsEntry("LOW", 2);
    }

    @Test
    void shouldCountEveryPatientButKeepABoundedSampleOfWaitsWhenMorePatientsLeaveInAnHourThanItKeeps() {
        // Given more patients leaving the queue in one hour than an hour's entry keeps waits for
        int patients = FacilityStatsWriter.MAX_WAIT_SAMPLES + 200;
        for (int i = 0; i < patients; i++) {
            enqueue("p-" + i, T0, TriageFixtures.lowVitals());
            dispose("p-" + i, T0.plus(Duration.ofMinutes(30)));
        }

        // Then the hour counts them all, and keeps at most the bound of their waits
        FacilityHourStats hour = stats.fetch("f-1", T0.toEpochMilli());
        assertThat(hour.getLeft()).isEqualTo(patients);
        assertThat(hour.getMinutesToBeSeen()).hasSize(FacilityStatsWriter.MAX_WAIT_SAMPLES).containsOnly(30L);
        assertThat(queuedPatients()).isEmpty();
    }

    @Test
    void shouldNotRequeueWhenSubmissionReceivedBeforeLeavingArrivesLateAndIsNoWorse() {
        enqueue("p-1", T0.plusSeconds(60), TriageFixtures.lowVitals());
        dispose("p-1", T0.plusSeconds(600));

        enqueue("p-1", T0, TriageFixtures.lowVitals());
        assertThat(queuedPatients()).isEmpty();

        enqueue("p-1", T0.plusSeconds(900), TriageFixtures.lowVitals());
        assertThat(queuedEntries()).singleElement().satisfies(e -> assertThat(e.getWaitingSince()).isEqualTo(T0.plusSeconds(900)));
    }

    @Test
    @DisplayName("Escalate, never downgrade: a worse submission received before leaving but processed after puts the patient back")
    void shouldRequeueWhenSubmissionReceivedBeforeLeavingIsWorse() {
        enqueue("p-1", T0.plusSeconds(60), TriageFixtures.lowVitals());
        dispose("p-1", T0.plusSeconds(600));

        enqueue("p-1", T0, TriageFixtures.exampleVitals());

        assertThat(queuedEntries()).singleElement().satisfies(e -> assertThat(e.getBand()).isEqualTo(RiskBand.HIGH));
    }

    @Test
    @DisplayName("A clock cannot hide a patient: a submission received after leaving requeues even when its device dated it earlier")
    void shouldRequeueWhenSubmissionReceivedAfterLeavingIsDatedBeforeIt() {
        enqueue("p-1", T0.plusSeconds(60), TriageFixtures.lowVitals());
        dispose("p-1", T0.plusSeconds(600));

        enqueueReceived("p-1", T0, T0.plusSeconds(900), TriageFixtures.lowVitals());

        assertThat(queuedPatients()).containsExactly("p-1");
    }

    @Test
    @DisplayName("Escalate, never downgrade: a late submission dated before the entry replaces it only when worse")
    void shouldKeepTheEntryWhenALateSubmissionDatedEarlierIsNoWorse() {
        enqueue("p-1", T0.plusSeconds(60), TriageFixtures.exampleVitals());

        enqueue("p-1", T0, TriageFixtures.lowVitals());
        assertThat(queuedEntries()).singleElement().satisfies(e -> assertThat(e.getBand()).isEqualTo(RiskBand.HIGH));

        enqueue("p-2", T0.plusSeconds(60), TriageFixtures.lowVitals());
        enqueue("p-2", T0, TriageFixtures.exampleVitals());
        assertThat(queuedEntries()).filteredOn(e -> e.getPatientId().equals("p-2"))
            .singleElement().satisfies(e -> assertThat(e.getBand()).isEqualTo(RiskBand.HIGH));
    }

    @Test
    @DisplayName("An assessment for review (its form never arrived) heads the facility's queue")
    void shouldPutReviewEntriesAtTheTopWhenTheFormNeverArrived() {
        enqueue("p-1", T0, TriageFixtures.exampleVitals());
        TriageSubmission late = TriageFixtures.submission("s-review", "p-2", T0.plusSeconds(60), TriageFixtures.normalVitals());
        enqueue.process(new Record<>("f-1", QueueEntries.of(TriageAssessor.assessForReview(late, Duration.ofSeconds(30), T0.plusSeconds(90))), 0L));

        assertThat(queuedPatients()).containsExactly("p-2", "p-1");
        assertThat(queuedEntries().get(0).getReview()).isTrue();
    }

    @Test
    void shouldIgnoreDispositionWhenPatientIsNotWaiting() {
        dispose("nobody", T0);

        assertThat(queuedPatients()).isEmpty();
        assertThat(stats.fetch("f-1", T0.toEpochMilli())).isNull();
    }

    @Test
    void shouldCountSubmissionsInTheHourTheyWereMadeWhenOnWindowEdges() {
        enqueue("p-1", Instant.parse("2026-11-21T10:59:59.999Z"), TriageFixtures.lowVitals());
        enqueue("p-2", Instant.parse("2026-11-21T11:00:00Z"), TriageFixtures.lowVitals());

        assertThat(stats.fetch("f-1", Instant.parse("2026-11-21T10:00:00Z").toEpochMilli()).getSubmissionsByBand()).containsEntry("LOW", 1);
        assertThat(stats.fetch("f-1", Instant.parse("2026-11-21T11:00:00Z").toEpochMilli()).getSubmissionsByBand()).containsEntry("LOW", 1);
    }

    private void enqueue(String patientId, Instant submittedAt, VitalSigns vitals) {
        TriageAssessment a = TriageAssessor.assess(TriageFixtures.submission("s-" + patientId + "-" + submittedAt, patientId, submittedAt, vitals),
            submittedAt.plusSeconds(1));
        enqueue.process(new Record<>("f-1", QueueEntries.of(a), submittedAt.toEpochMilli()));
    }

    /** As {@link #enqueue}, for a submission its device dated {@code submittedAt} and careflow received at {@code receivedAt}. */
    private void enqueueReceived(String patientId, Instant submittedAt, Instant receivedAt, VitalSigns vitals) {
        TriageSubmission s = TriageSubmission.newBuilder(TriageFixtures.submission("s-" + patientId + "-" + receivedAt, patientId,
            submittedAt, vitals)).setOccurredAt(receivedAt).build();
        enqueue.process(new Record<>("f-1", QueueEntries.of(TriageAssessor.assess(s, receivedAt.plusSeconds(1))), receivedAt.toEpochMilli()));
    }

    private void dispose(String patientId, Instant decidedAt) {
        TriageDisposition d = TriageDisposition.newBuilder().setEventId("d-" + patientId).setOccurredAt(decidedAt)
            .setFacilityId("f-1").setPatientId(patientId).setDisposition(Disposition.SEEN).setDecidedAt(decidedAt).build();
        dispose.process(new Record<>("f-1", d, decidedAt.toEpochMilli()));
    }

    private List<TriageQueueEntry> queuedEntries() {
        List<TriageQueueEntry> entries = new ArrayList<>();
        try (KeyValueIterator<String, TriageQueueEntry> it = queue.prefixScan(QueueKeys.facilityPrefix("f-1"), new StringSerializer())) {
            it.forEachRemaining(kv -> entries.add(kv.value));
        }
        return entries;
    }

    private List<String> queuedPatients() {
        return queuedEntries().stream().map(TriageQueueEntry::getPatientId).toList();
    }

    private static KeyValueStore<String, TriageQueueEntry> kvStore(MockProcessorContext<Void, Void> context, String name) {
        KeyValueStore<String, TriageQueueEntry> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
            Serdes.String(), SERDES.internalValueSerde(TriageQueueEntry.class)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }
}
