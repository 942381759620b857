package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.DeteriorationReason;
import org.careflow.events.triage.Disposition;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.ReviewReason;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.forms.FormKey;
import org.careflow.state.triage.FacilityHourStats;
import org.careflow.state.triage.PatientTriageEntry;
import org.careflow.state.triage.TriageQueueEntry;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.TriageFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TriageTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:15:00Z");

    private final EventSerdes serdes = new PlainAvroEventSerdes();
    private final TriageConfig config = new TriageConfig(Map.of());
    private TopologyTestDriver driver;
    private TestInputTopic<String, FormDefinition> forms;
    private TestInputTopic<String, TriageSubmission> submissions;
    private TestInputTopic<String, byte[]> rawSubmissions;
    private TestInputTopic<String, TriageDisposition> dispositions;
    private TestOutputTopic<String, TriageAssessment> assessments;
    private TestOutputTopic<String, DeteriorationAlert> alerts;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        Properties props = config.streamsProperties(8081);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(TriageTopology.build(config, serdes), props, T0);
        forms = driver.createInputTopic(Topics.TRIAGE_FORMS.name(), Serdes.String().serializer(), serdes.valueSerde(Topics.TRIAGE_FORMS).serializer());
        submissions = driver.createInputTopic(Topics.TRIAGE_SUBMISSIONS.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.TRIAGE_SUBMISSIONS).serializer());
        rawSubmissions = driver.createInputTopic(Topics.TRIAGE_SUBMISSIONS.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        dispositions = driver.createInputTopic(Topics.TRIAGE_DISPOSITIONS.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.TRIAGE_DISPOSITIONS).serializer());
        assessments = driver.createOutputTopic(Topics.TRIAGE_ASSESSMENTS.name(), Serdes.String().deserializer(),
            serdes.valueSerde(Topics.TRIAGE_ASSESSMENTS).deserializer());
        alerts = driver.createOutputTopic(Topics.TRIAGE_ALERTS.name(), Serdes.String().deserializer(), serdes.valueSerde(Topics.TRIAGE_ALERTS).deserializer());
        deadLetters = driver.createOutputTopic(Topics.TRIAGE_DEAD_LETTERS.name(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldPublishScoredAssessmentKeyedByPatientWhenSubmissionArrives() {
        submit("s-1", "p-1", T0, TriageFixtures.exampleVitals());

        TestRecord<String, TriageAssessment> out = assessments.readRecord();
        assertThat(out.key()).isEqualTo("p-1");
        assertThat(out.value().getNews2().getTotal()).isEqualTo(7);
        assertThat(out.value().getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(assessments.isEmpty()).isTrue();
    }

    @Test
    void shouldProduceOneAssessmentAndOneQueueEntryWhenSubmissionIsRepeated() {
        submit("s-1", "p-1", T0, TriageFixtures.lowVitals());
        submit("s-1", "p-1", T0, TriageFixtures.lowVitals());

        assertThat(assessments.readValuesToList()).hasSize(1);
        assertThat(queue("f-1")).extracting(TriageQueueEntry::getPatientId).containsExactly("p-1");
        assertThat(history("p-1")).hasSize(1);
    }

    @Test
    void shouldOrderFacilityQueueAndKeepFacilitiesApartWhenPatientsSubmit() {
        submit("s-1", "p-low", T0, TriageFixtures.lowVitals());
        submit("s-2", "p-medium", T0.plusSeconds(60), TriageFixtures.mediumVitals());
        submit("s-3", "p-high", T0.plusSeconds(120), TriageFixtures.exampleVitals());
        submit("s-4", "p-medium-earlier", T0.minusSeconds(60), TriageFixtures.mediumVitals());
        submissions.pipeInput("p-other", TriageFixtures.submission("s-5", "p-other", "f-2", T0, TriageFixtures.exampleVitals()));

        assertThat(queue("f-1")).extracting(TriageQueueEntry::getPatientId)
            .containsExactly("p-high", "p-medium-earlier", "p-medium", "p-low");
        assertThat(queue("f-2")).extracting(TriageQueueEntry::getPatientId).containsExactly("p-other");
    }

    @Test
    void shouldBreakTiesByPatientIdWhenBandScoreAndWaitingTimeAreEqual() {
        submit("s-1", "p-b", T0, TriageFixtures.mediumVitals());
        submit("s-2", "p-c", T0, TriageFixtures.mediumVitals());
        submit("s-3", "p-a", T0, TriageFixtures.mediumVitals());

        assertThat(queue("f-1")).extracting(TriageQueueEntry::getPatientId).containsExactly("p-a", "p-b", "p-c");
    }

    @Test
    void shouldMovePatientWhenNewSubmissionReplacesTheirEntry() {
        submit("s-1", "p-1", T0, TriageFixtures.lowVitals());
        submit("s-2", "p-2", T0.plusSeconds(60), TriageFixtures.mediumVitals());

        submit("s-3", "p-1", T0.plusSeconds(300), TriageFixtures.exampleVitals());

        List<TriageQueueEntry> queue = queue("f-1");
        assertThat(queue).extracting(TriageQueueEntry::getPatientId).containsExactly("p-1", "p-2");
        assertThat(queue.get(0).getWaitingSince()).isEqualTo(T0);
        assertThat(queue.get(0).getSubmissionId()).isEqualTo("s-3");
    }

    @Test
    void shouldTakePatientOffQueueAndRecordTimeToBeSeenWhenDispositionArrives() {
        submit("s-1", "p-1", T0, TriageFixtures.lowVitals());
        submit("s-2", "p-2", T0, TriageFixtures.lowVitals());

        dispositions.pipeInput("f-1", disposition("p-1", T0.plusSeconds(25 * 60)));

        assertThat(queue("f-1")).extracting(TriageQueueEntry::getPatientId).containsExactly("p-2");
        WindowStore<String, FacilityHourStats> stats = driver.getWindowStore(TriageTopology.FACILITY_STATS_STORE);
        assertThat(stats.fetch("f-1", Instant.parse("2026-11-21T10:00:00Z").toEpochMilli()).getMinutesToBeSeen()).containsExactly(25L);
    }

    @Test
    void shouldCountSubmissionsPerHourWhenTheyFallOnWindowEdges() {
        submit("s-1", "p-1", Instant.parse("2026-11-21T10:59:59.999Z"), TriageFixtures.exampleVitals());
        submit("s-2", "p-2", Instant.parse("2026-11-21T11:00:00Z"), TriageFixtures.lowVitals());
        submit("s-3", "p-3", Instant.parse("2026-11-21T11:59:59.999Z"), TriageFixtures.lowVitals());

        WindowStore<String, FacilityHourStats> stats = driver.getWindowStore(TriageTopology.FACILITY_STATS_STORE);
        assertThat(stats.fetch("f-1", Instant.parse("2026-11-21T10:00:00Z").toEpochMilli()).getSubmissionsByBand())
            .containsExactly(Map.entry("HIGH", 1));
        assertThat(stats.fetch("f-1", Instant.parse("2026-11-21T11:00:00Z").toEpochMilli()).getSubmissionsByBand())
            .containsExactly(Map.entry("LOW", 2));
    }

    @Test
    void shouldScoreEachSubmissionWithItsFormVersionWhenVersionsDiffer() {
        forms.pipeInput(FormKey.of("chest", 1), TriageFixtures.chestPainForm("chest", 1, 2));
        forms.pipeInput(FormKey.of("chest", 2), TriageFixtures.chestPainForm("chest", 2, 5));
        Map<String, String> answers = Map.of("chest_pain", "no", "pain", "9");

        submissions.pipeInput("p-1", TriageFixtures.formSubmission("s-1", "p-1", T0, TriageFixtures.normalVitals(), "chest", 1, answers));
        submissions.pipeInput("p-2", TriageFixtures.formSubmission("s-2", "p-2", T0, TriageFixtures.normalVitals(), "chest", null, answers));

        List<TriageAssessment> out = assessments.readValuesToList();
        assertThat(out.get(0).getFormScore().getPoints()).isEqualTo(2);
        assertThat(out.get(0).getBand()).isEqualTo(RiskBand.LOW);
        assertThat(out.get(1).getFormVersion()).isEqualTo(2);
        assertThat(out.get(1).getFormScore().getPoints()).isEqualTo(5);
        assertThat(out.get(1).getBand()).as("form points raise the band by the NEWS2 thresholds").isEqualTo(RiskBand.MEDIUM);
    }

    @Test
    void shouldForceHighPutFirstAndAlertWhenRedFlagIsRaised() {
        forms.pipeInput(FormKey.of("chest", 1), TriageFixtures.chestPainForm("chest", 1, 2));
        submit("s-1", "p-medium", T0, TriageFixtures.mediumVitals());

        submissions.pipeInput("p-flag", TriageFixtures.formSubmission("s-2", "p-flag", T0.plusSeconds(60), TriageFixtures.normalVitals(),
            "chest", 1, Map.of("chest_pain", "yes")));

        List<TriageQueueEntry> queue = queue("f-1");
        assertThat(queue).extracting(TriageQueueEntry::getPatientId).containsExactly("p-flag", "p-medium");
        assertThat(queue.get(0).getRedFlags()).containsExactly("chest_pain_flag");
        TestRecord<String, DeteriorationAlert> alert = alerts.readRecord();
        assertThat(alert.key()).isEqualTo("f-1");
        assertThat(alert.value().getReasons()).containsExactly(DeteriorationReason.RED_FLAG);
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("No clinical signal dropped (form after submission): the red flag is scored, queued first and alerted once the form arrives")
    void shouldScoreTheRedFlagWhenTheFormArrivesAfterTheSubmission() {
        // Given: a submission naming a form version streams-triage does not hold yet
        submit("s-1", "p-medium", T0, TriageFixtures.mediumVitals());
        submissions.pipeInput("p-flag", TriageFixtures.formSubmission("s-2", "p-flag", T0.plusSeconds(60), TriageFixtures.normalVitals(),
            "chest", 1, Map.of("chest_pain", "yes")));
        assertThat(assessments.readValuesToList()).extracting(TriageAssessment::getSubmissionId).containsExactly("s-1");

        // When: the form arrives a moment later
        forms.pipeInput(FormKey.of("chest", 1), TriageFixtures.chestPainForm("chest", 1, 2));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then: scored with the form, never without it
        TriageAssessment scored = assessments.readValue();
        assertThat(scored.getSubmissionId()).isEqualTo("s-2");
        assertThat(scored.getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(scored.getFormScore().getRedFlags()).containsExactly("chest_pain_flag");
        assertThat(assessments.isEmpty()).isTrue();
        assertThat(queue("f-1")).extracting(TriageQueueEntry::getPatientId).containsExactly("p-flag", "p-medium");
        assertThat(alerts.readValue().getReasons()).containsExactly(DeteriorationReason.RED_FLAG);
    }

    @Test
    @DisplayName("No clinical signal dropped (form never arrives): the patient heads the queue HIGH for review, with an alert")
    void shouldQueueForReviewAtTheTopWhenTheFormNeverArrives() {
        // Given: a HIGH patient already waiting, and a submission whose form never arrives
        submit("s-1", "p-high", T0, TriageFixtures.exampleVitals());
        alerts.readValuesToList();
        submissions.pipeInput("p-flag", TriageFixtures.formSubmission("s-2", "p-flag", T0.plusSeconds(60), TriageFixtures.normalVitals(),
            "chest", 1, Map.of("chest_pain", "yes")));

        // When: the wait bound passes
        driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(queue("f-1")).extracting(TriageQueueEntry::getPatientId).containsExactly("p-high");
        driver.advanceWallClockTime(config.formWait().bound());

        // Then
        List<TriageAssessment> out = assessments.readValuesToList();
        assertThat(out).extracting(TriageAssessment::getSubmissionId).containsExactly("s-1", "s-2");
        assertThat(out.get(1).getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(out.get(1).getReview()).isEqualTo(ReviewReason.FORM_UNAVAILABLE);
        assertThat(out.get(1).getBandReason()).startsWith("form unavailable, review");
        assertThat(queue("f-1")).extracting(TriageQueueEntry::getPatientId).containsExactly("p-flag", "p-high");
        assertThat(alerts.readValue().getReasons()).containsExactly(DeteriorationReason.REVIEW_NEEDED);
    }

    @Test
    @DisplayName("Triage state is per facility: facility A sending B's submission id first does not drop B's submission")
    void shouldScoreEachFacilitysSubmissionWhenSubmissionIdsRepeatAcrossFacilities() {
        submissions.pipeInput("p-1", TriageFixtures.submission("s-1", "p-1", "f-a", T0, TriageFixtures.lowVitals()));
        submissions.pipeInput("p-1", TriageFixtures.submission("s-1", "p-1", "f-b", T0, TriageFixtures.exampleVitals()));

        assertThat(assessments.readValuesToList()).extracting(TriageAssessment::getFacilityId).containsExactly("f-a", "f-b");
        assertThat(queue("f-b")).singleElement().satisfies(e -> assertThat(e.getBand()).isEqualTo(RiskBand.HIGH));
        assertThat(queue("f-a")).singleElement().satisfies(e -> assertThat(e.getBand()).isEqualTo(RiskBand.LOW));
    }

    @Test
    void shouldAlertNamingBothAssessmentsWhenBandRisesAndNotWhenItFalls() {
        submit("s-1", "p-1", T0, TriageFixtures.lowVitals());
        submit("s-2", "p-1", T0.plusSeconds(600), TriageFixtures.exampleVitals());
        submit("s-3", "p-1", T0.plusSeconds(1200), TriageFixtures.lowVitals());

        List<DeteriorationAlert> raised = alerts.readValuesToList();
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).getPrevious().getSubmissionId()).isEqualTo("s-1");
        assertThat(raised.get(0).getCurrent().getSubmissionId()).isEqualTo("s-2");
        assertThat(raised.get(0).getReasons()).contains(DeteriorationReason.BAND_ROSE, DeteriorationReason.SCORE_ROSE);
    }

    @Test
    void shouldKeepHistoryNewestReceivedFirstWhenPatientSubmitsSeveralTimes() {
        submit("s-1", "p-1", T0, TriageFixtures.lowVitals());
        submit("s-3", "p-1", T0.plusSeconds(120), TriageFixtures.mediumVitals());
        submit("s-2", "p-1", T0.plusSeconds(60), TriageFixtures.exampleVitals());

        assertThat(history("p-1")).extracting(TriageAssessment::getSubmissionId).containsExactly("s-2", "s-3", "s-1");
    }

    @Test
    void shouldSkipUnreadableRecordAndGoOnWhenBytesAreNotAvro() {
        // The dead-letter record itself is checked against a real broker in TriageStreamsIT:
        // the test driver does not route deserialization failures to the dead-letter topic.
        rawSubmissions.pipeInput("p-1", "not avro".getBytes(StandardCharsets.UTF_8));
        submit("s-2", "p-2", T0, TriageFixtures.normalVitals());

        assertThat(assessments.readValue().getSubmissionId()).isEqualTo("s-2");
        assertThat(assessments.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterRecordWithItsOriginWhenScoringFails() {
        VitalSigns vitals = TriageFixtures.normalVitals();
        vitals.setSpo2Scale(3);

        submit("s-1", "p-1", T0, vitals);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.headers().lastHeader("__streams.errors.message")).isNotNull();
        assertThat(new String(dead.headers().lastHeader("__streams.errors.topic").value(), StandardCharsets.UTF_8))
            .isEqualTo(Topics.TRIAGE_SUBMISSIONS.name());
        assertThat(dead.headers().lastHeader("__streams.errors.partition")).isNotNull();
        assertThat(dead.headers().lastHeader("__streams.errors.offset")).isNotNull();
        assertThat(assessments.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepTheLatestAssessmentsAndStillAlertOnTheLatestWhenALongStayPatientSubmitsWithoutEnd() {
        // Given a long-stay patient who submitted far more often than the history keeps
        int many = 5 * PatientHistory.MAX_HISTORY;
        for (int i = 0; i < many; i++) {
            submit("s-" + i, "p-1", T0.plusSeconds(60L * i), TriageFixtures.lowVitals());
        }
        assessments.readValuesToList();

        // When the patient deteriorates, and a client repeats the latest submission
        submit("s-worse", "p-1", T0.plusSeconds(60L * many), TriageFixtures.exampleVitals());
        submit("s-worse", "p-1", T0.plusSeconds(60L * many), TriageFixtures.exampleVitals());

        // Then the history keeps the latest assessments, newest first, and the latest one is what the latest store holds
        List<TriageAssessment> history = history("p-1");
        assertThat(history).hasSize(PatientHistory.MAX_HISTORY)
            .extracting(TriageAssessment::getSubmissionId).startsWith("s-worse", "s-" + (many - 1), "s-" + (many - 2));
        KeyValueStore<String, PatientTriageEntry> store = driver.getKeyValueStore(TriageTopology.PATIENT_HISTORY_STORE);
        assertThat(store.get(PatientKeys.latest("p-1", "f-1")).getAssessment().getSubmissionId()).isEqualTo("s-worse");
        assertThat(store.get(PatientKeys.latest("p-1", "f-1")).getSequence()).isEqualTo(many);
        // and the deterioration is compared with the assessment received just before it, once
        assertThat(assessments.readValuesToList()).hasSize(1);
        assertThat(alerts.readValuesToList()).filteredOn(a -> a.getCurrent().getSubmissionId().equals("s-worse"))
            .singleElement().satisfies(a -> assertThat(a.getPrevious().getSubmissionId()).isEqualTo("s-" + (many - 1)));
    }

    @Test
    void shouldMatchPinnedDescriptionWhenTopologyIsBuilt() throws IOException {
        Topology topology = TriageTopology.build(config, serdes);

        Path pin = Path.of("src/test/resources/triage-topology.txt");
        if (Boolean.getBoolean("careflow.updatePins")) {
            Files.writeString(pin, topology.describe().toString());
        }
        String pinned = Files.readString(pin);
        assertThat(topology.describe().toString().strip())
            .as("the topology changed: if deliberate, rerun with -Dcareflow.updatePins=true and commit the file")
            .isEqualTo(pinned.strip());
    }

    private void submit(String submissionId, String patientId, Instant submittedAt, VitalSigns vitals) {
        submissions.pipeInput(patientId, TriageFixtures.submission(submissionId, patientId, submittedAt, vitals));
    }

    private static TriageDisposition disposition(String patientId, Instant decidedAt) {
        return TriageDisposition.newBuilder().setEventId("d-" + patientId).setOccurredAt(decidedAt).setFacilityId("f-1")
            .setPatientId(patientId).setDisposition(Disposition.SEEN).setDecidedAt(decidedAt).build();
    }

    private List<TriageQueueEntry> queue(String facilityId) {
        KeyValueStore<String, TriageQueueEntry> store = driver.getKeyValueStore(TriageTopology.QUEUE_STORE);
        List<TriageQueueEntry> entries = new ArrayList<>();
        try (KeyValueIterator<String, TriageQueueEntry> it = store.prefixScan(QueueKeys.facilityPrefix(facilityId), new StringSerializer())) {
            it.forEachRemaining(kv -> entries.add(kv.value));
        }
        return entries;
    }

    /** The patient's history at f-1, newest received first. */
    private List<TriageAssessment> history(String patientId) {
        KeyValueStore<String, PatientTriageEntry> store = driver.getKeyValueStore(TriageTopology.PATIENT_HISTORY_STORE);
        return PatientStoreReads.historyNewestFirst(store, patientId, "f-1");
    }
}
