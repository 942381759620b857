package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.triage.DeteriorationReason;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.ReviewReason;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.forms.FormKey;
import org.careflow.state.triage.AwaitingForm;
import org.careflow.state.triage.PatientTriageEntry;
import org.careflow.state.triage.PatientTriageHistory;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageConfig.FormWait;
import org.careflow.triage.TriageFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AssessSubmissionProcessorTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant NOW = T0.plusSeconds(3600);
    private static final FormWait WAIT = new FormWait(Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofHours(1));
    private static final PlainAvroEventSerdes SERDES = new PlainAvroEventSerdes();

    private final List<String> formWaits = new ArrayList<>();
    private final AssessSubmissionProcessor processor = new AssessSubmissionProcessor(WAIT, new BusinessMetrics() {
        @Override
        public void formWait(String outcome) {
            formWaits.add(outcome);
        }
    });
    private MockProcessorContext<String, AssessmentOutcome> context;
    private KeyValueStore<String, PatientTriageEntry> history;
    private KeyValueStore<String, AwaitingForm> awaiting;
    private TimestampedKeyValueStore<String, FormDefinition> forms;

    @BeforeEach
    void init() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        history = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriageTopology.PATIENT_HISTORY_STORE),
            Serdes.String(), SERDES.stateSerde(PatientTriageEntry.class)).withLoggingDisabled().build();
        history.init(context.getStateStoreContext(), history);
        context.addStateStore(history);
        awaiting = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriageTopology.AWAITING_FORM_STORE),
            Serdes.String(), SERDES.internalValueSerde(AwaitingForm.class)).withLoggingDisabled().build();
        awaiting.init(context.getStateStoreContext(), awaiting);
        context.addStateStore(awaiting);
        forms = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriageTopology.FORMS_STORE),
            Serdes.String(), SERDES.valueSerde(Topics.TRIAGE_FORMS)).withLoggingDisabled().build();
        forms.init(context.getStateStoreContext(), forms);
        context.addStateStore(forms);
        processor.init(context);
    }

    @Test
    void shouldProduceOneAssessmentWhenSameSubmissionIdArrivesTwice() {
        TriageSubmission s = TriageFixtures.submission("s-1", "p-1", T0, TriageFixtures.normalVitals());

        processor.process(new Record<>("p-1", s, 0L));
        processor.process(new Record<>("p-1", s, 0L));

        assertThat(context.forwarded()).hasSize(1);
        assertThat(historyOf("p-1", "f-1")).hasSize(1);
    }

    @Test
    @DisplayName("Migration: an earlier version's history is moved on first touch, compared with, and its ids still de-duplicate")
    void shouldMoveTheLegacyHistoryAndCompareWithItWhenThePatientSubmitsAgain() {
        TriageAssessment oldLow = TriageAssessor.assess(TriageFixtures.submission("s-old-1", "p-1", T0, TriageFixtures.lowVitals()), T0);
        TriageAssessment oldNormal = TriageAssessor.assess(TriageFixtures.submission("s-old-2", "p-1", T0.plusSeconds(60),
            TriageFixtures.normalVitals()), T0.plusSeconds(60));
        history.put(TriageKeys.history("p-1", "f-1"), PatientHistory.earlierLayout(
            new PatientTriageHistory(new ArrayList<>(List.of(oldNormal, oldLow)), new ArrayList<>(List.of("s-old-2", "s-old-1", "s-older")))));

        processor.process(new Record<>("p-1", TriageFixtures.submission("s-older", "p-1", T0, TriageFixtures.exampleVitals()), 0L));
        assertThat(context.forwarded()).as("an id the old version had seen is a retry").isEmpty();

        receive("s-new", T0.plusSeconds(120), T0.plusSeconds(120), TriageFixtures.exampleVitals());

        assertThat(historyOf("p-1", "f-1")).extracting(TriageAssessment::getSubmissionId).containsExactly("s-new", "s-old-2", "s-old-1");
        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(f.record().value().alert().getPrevious().getSubmissionId())
            .as("compared with the newest assessment the old version kept").isEqualTo("s-old-2"));
        assertThat(history.get(TriageKeys.history("p-1", "f-1"))).as("the earlier layout's value is gone").isNull();
    }

    @Test
    void shouldMoveLegacyHistoriesInTheBackgroundWhenTheirPatientsAreQuiet() {
        TriageAssessment old = TriageAssessor.assess(TriageFixtures.submission("s-old", "p-9", T0, TriageFixtures.lowVitals()), T0);
        history.put(TriageKeys.history("p-9", "f-1"), PatientHistory.earlierLayout(
            new PatientTriageHistory(new ArrayList<>(List.of(old)), new ArrayList<>(List.of("s-old")))));

        punctuate(NOW);

        assertThat(history.get(TriageKeys.history("p-9", "f-1"))).isNull();
        assertThat(history.get(PatientKeys.MIGRATED_IDS)).as("the task's store says it was gone through").isNotNull();
        assertThat(historyOf("p-9", "f-1")).extracting(TriageAssessment::getSubmissionId).containsExactly("s-old");
        assertThat(context.forwarded()).as("moving publishes nothing again").isEmpty();
    }

    @Test
    void shouldKeepAFirstAssessmentInTheNewestEntryAloneAndMakeItAHistoryEntryWhenANewerArrives() {
        // Given a patient's first submission at the facility
        receive("s-1", T0, T0, TriageFixtures.normalVitals());

        // Then one write: the newest entry, no history entry
        assertThat(history.get(PatientKeys.latest("p-1", "f-1")).getAssessment().getSubmissionId()).isEqualTo("s-1");
        assertThat(history.get(PatientKeys.entry("p-1", "f-1", 0))).isNull();

        // When a second arrives, the first becomes the history entry of its number and the second the newest, alone
        receive("s-2", T0.plusSeconds(60), T0.plusSeconds(60), TriageFixtures.normalVitals());
        assertThat(history.get(PatientKeys.entry("p-1", "f-1", 0)).getAssessment().getSubmissionId()).isEqualTo("s-1");
        assertThat(history.get(PatientKeys.entry("p-1", "f-1", 1))).isNull();
        assertThat(history.get(PatientKeys.latest("p-1", "f-1")).getSequence()).isEqualTo(1);
        assertThat(PatientEntries.read(history, "p-1", PatientEntries.HISTORY)).extracting(TriageAssessment::getSubmissionId)
            .containsExactlyInAnyOrder("s-1", "s-2");
        assertThat(PatientEntries.read(history, "p-1", PatientEntries.LATEST)).extracting(TriageAssessment::getSubmissionId)
            .containsExactly("s-2");
    }

    @Test
    @DisplayName("Upgrade: the previous version's newest assessment, also kept as a history entry, is read once and rewritten the same")
    void shouldCountTheNewestOnceWhereThePreviousVersionAlsoKeptItAsAnEntry() {
        // Given what the previous version wrote for two submissions: both as entries, the second also as the newest
        TriageAssessment first = assessedAt("s-a", 0);
        TriageAssessment second = assessedAt("s-b", 60);
        history.put(PatientKeys.entry("p-1", "f-1", 0), PatientTriageEntry.newBuilder().setSequence(0).setAssessment(first).build());
        history.put(PatientKeys.entry("p-1", "f-1", 1), PatientTriageEntry.newBuilder().setSequence(1).setAssessment(second).build());
        history.put(PatientKeys.latest("p-1", "f-1"), PatientTriageEntry.newBuilder().setSequence(1).setAssessment(second)
            .setRecentSubmissionIds(new ArrayList<>(List.of("s-a", "s-b"))).build());

        // Then the history has two assessments, not three
        assertThat(PatientEntries.read(history, "p-1", PatientEntries.HISTORY)).extracting(TriageAssessment::getSubmissionId)
            .containsExactlyInAnyOrder("s-a", "s-b");

        // And when the patient submits again, s-b's entry holds s-b and the history reads newest first, each once
        receive("s-c", T0.plusSeconds(120), T0.plusSeconds(120), TriageFixtures.exampleVitals());
        assertThat(history.get(PatientKeys.entry("p-1", "f-1", 1)).getAssessment().getSubmissionId()).isEqualTo("s-b");
        assertThat(historyOf("p-1", "f-1")).extracting(TriageAssessment::getSubmissionId).containsExactly("s-c", "s-b", "s-a");
        assertThat(PatientEntries.read(history, "p-1", PatientEntries.HISTORY)).hasSize(3);
        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(f.record().value().alert().getPrevious().getSubmissionId())
            .as("compared with the newest the previous version kept").isEqualTo("s-b"));
    }

    @Test
    void shouldKeepTheNewestEntriesAndRememberTheLastIdsBeyondThem() {
        int many = PatientHistory.MAX_HISTORY + 5;
        for (int i = 0; i < many; i++) {
            receive("s-" + i, T0.plusSeconds(i), T0.plusSeconds(i), TriageFixtures.normalVitals());
        }
        context.resetForwards();

        processor.process(new Record<>("p-1", TriageFixtures.submission("s-0", "p-1", T0, TriageFixtures.normalVitals()), 0L));

        assertThat(historyOf("p-1", "f-1")).hasSize(PatientHistory.MAX_HISTORY).first()
            .satisfies(a -> assertThat(a.getSubmissionId()).isEqualTo("s-" + (many - 1)));
        assertThat(context.forwarded()).as("the first id is still remembered after its entry left the history").isEmpty();
    }

    @Test
    void shouldForgetTheOldestIdOnceMoreThanTheLastOnesWereSeen() {
        int many = PatientHistory.MAX_SEEN_IDS + 1;
        for (int i = 0; i < many; i++) {
            receive("s-" + i, T0.plusSeconds(i), T0.plusSeconds(i), TriageFixtures.normalVitals());
        }
        context.resetForwards();

        processor.process(new Record<>("p-1", TriageFixtures.submission("s-1", "p-1", T0, TriageFixtures.normalVitals()), 0L));
        assertThat(context.forwarded()).as("s-1 is among the last %d ids", PatientHistory.MAX_SEEN_IDS).isEmpty();
        processor.process(new Record<>("p-1", TriageFixtures.submission("s-0", "p-1", T0, TriageFixtures.normalVitals()), 0L));
        assertThat(context.forwarded()).as("s-0 was forgotten, as the earlier layout forgot it").hasSize(1);
        long keys = 0;
        try (KeyValueIterator<String, PatientTriageEntry> it = history.all()) {
            while (it.hasNext()) {
                it.next();
                keys++;
            }
        }
        // the newest (with the last ids) and the 19 entries before it: bounded whatever the patient submits
        assertThat(keys).isEqualTo(PatientHistory.MAX_HISTORY);
        assertThat(history.get(PatientKeys.latest("p-1", "f-1")).getRecentSubmissionIds())
            .hasSize(PatientHistory.MAX_SEEN_IDS).endsWith("s-0").doesNotContain("s-1");
    }

    @Test
    @DisplayName("Migration: the second layout's seen ids (two keys per id) are moved into the newest entry on first touch")
    void shouldMoveTheSecondLayoutsSeenIdsWhenThePatientSubmitsAgain() {
        TriageAssessment low = TriageAssessor.assess(TriageFixtures.submission("s-a", "p-1", T0, TriageFixtures.lowVitals()), T0);
        TriageAssessment normal = TriageAssessor.assess(TriageFixtures.submission("s-b", "p-1", T0.plusSeconds(60),
            TriageFixtures.normalVitals()), T0.plusSeconds(60));
        putSecondLayout("p-1", "f-1", List.of(low, normal));

        processor.process(new Record<>("p-1", TriageFixtures.submission("s-a", "p-1", T0, TriageFixtures.exampleVitals()), 0L));
        assertThat(context.forwarded()).as("an id the second layout had seen is a retry").isEmpty();

        receive("s-c", T0.plusSeconds(120), T0.plusSeconds(120), TriageFixtures.exampleVitals());

        assertThat(historyOf("p-1", "f-1")).extracting(TriageAssessment::getSubmissionId).containsExactly("s-c", "s-b", "s-a");
        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(f.record().value().alert().getPrevious().getSubmissionId())
            .as("compared with the newest assessment the second layout kept").isEqualTo("s-b"));
        assertThat(history.get(PatientKeys.latest("p-1", "f-1")).getRecentSubmissionIds()).containsExactly("s-a", "s-b", "s-c");
        assertThat(secondLayoutKeys()).as("the id and sequence keys are gone").isEmpty();
    }

    @Test
    void shouldMoveTheSecondLayoutsSeenIdsInTheBackgroundWhenTheirPatientsAreQuiet() {
        TriageAssessment old = TriageAssessor.assess(TriageFixtures.submission("s-old", "p-9", T0, TriageFixtures.lowVitals()), T0);
        putSecondLayout("p-9", "f-1", List.of(old));
        history.put(PatientKeys.MIGRATED, PatientTriageEntry.newBuilder().build());

        punctuate(NOW);

        assertThat(history.get(PatientKeys.latest("p-9", "f-1")).getRecentSubmissionIds()).containsExactly("s-old");
        assertThat(secondLayoutKeys()).isEmpty();
        assertThat(history.get(PatientKeys.MIGRATED_IDS)).as("the task's store says it was gone through").isNotNull();
        assertThat(historyOf("p-9", "f-1")).extracting(TriageAssessment::getSubmissionId).containsExactly("s-old");
        assertThat(context.forwarded()).as("moving publishes nothing again").isEmpty();
        processor.process(new Record<>("p-9", TriageFixtures.submission("s-old", "p-9", T0, TriageFixtures.exampleVitals()), 0L));
        assertThat(context.forwarded()).as("the moved id still de-duplicates").isEmpty();
    }

    @Test
    void shouldKeepHistoryNewestReceivedFirstWhenClientTimesDisagree() {
        receive("s-2", T0.plusSeconds(60), T0.plusSeconds(1), TriageFixtures.normalVitals());
        receive("s-1", T0, T0.plusSeconds(2), TriageFixtures.normalVitals());
        receive("s-3", T0.plusSeconds(120), T0.plusSeconds(3), TriageFixtures.normalVitals());

        assertThat(historyOf("p-1", "f-1")).extracting(TriageAssessment::getSubmissionId).containsExactly("s-3", "s-1", "s-2");
    }

    @Test
    void shouldAlertWithBothAssessmentsWhenBandRises() {
        receive("s-1", T0, T0, TriageFixtures.normalVitals());
        context.resetForwards();

        receive("s-2", T0.plusSeconds(600), T0.plusSeconds(600), TriageFixtures.exampleVitals());

        var alert = context.forwarded().get(0).record().value().alert();
        assertThat(alert).isNotNull();
        assertThat(alert.getReasons()).contains(DeteriorationReason.BAND_ROSE, DeteriorationReason.SCORE_ROSE);
        assertThat(alert.getPrevious().getSubmissionId()).isEqualTo("s-1");
        assertThat(alert.getCurrent().getSubmissionId()).isEqualTo("s-2");
    }

    @Test
    @DisplayName("A clock cannot suppress an alert: a worse assessment received later alerts even when dated earlier")
    void shouldAlertWhenWorseSubmissionIsReceivedLaterButDatedEarlier() {
        // Given: an assessment dated minutes ahead (a fast device clock, or an attacker)
        receive("s-ahead", T0.plusSeconds(240), T0, TriageFixtures.normalVitals());
        context.resetForwards();

        // When: the real, worse submission arrives after it, dated now
        receive("s-real", T0, T0.plusSeconds(5), TriageFixtures.exampleVitals());

        // Then
        var alert = context.forwarded().get(0).record().value().alert();
        assertThat(alert).isNotNull();
        assertThat(alert.getReasons()).contains(DeteriorationReason.BAND_ROSE);
        assertThat(alert.getPrevious().getSubmissionId()).isEqualTo("s-ahead");
    }

    @Test
    @DisplayName("Triage state is per facility: another facility reusing a submission id does not hide this facility's submission")
    void shouldScoreBothWhenAnotherFacilityReusesTheSubmissionId() {
        processor.process(new Record<>("p-1", TriageFixtures.submission("s-1", "p-1", "f-a", T0, TriageFixtures.normalVitals()), 0L));
        processor.process(new Record<>("p-1", TriageFixtures.submission("s-1", "p-1", "f-b", T0, TriageFixtures.exampleVitals()), 0L));

        assertThat(context.forwarded()).hasSize(2);
        assertThat(historyOf("p-1", "f-a")).extracting(TriageAssessment::getFacilityId).containsExactly("f-a");
        assertThat(historyOf("p-1", "f-b")).extracting(TriageAssessment::getBand).containsExactly(RiskBand.HIGH);
        assertThat(context.forwarded().get(0).record().value().assessment().getEventId())
            .isNotEqualTo(context.forwarded().get(1).record().value().assessment().getEventId());
    }

    @Test
    @DisplayName("Triage state is per facility: another facility's HIGH assessment does not suppress this facility's deterioration alert")
    void shouldCompareOnlyWithinTheFacilityWhenDetectingDeterioration() {
        processor.process(new Record<>("p-1", TriageFixtures.submission("s-a", "p-1", "f-a", T0, TriageFixtures.exampleVitals()), 0L));
        processor.process(new Record<>("p-1", TriageFixtures.submission("s-b1", "p-1", "f-b", T0, TriageFixtures.normalVitals()), 0L));
        context.resetForwards();

        processor.process(new Record<>("p-1", TriageFixtures.submission("s-b2", "p-1", "f-b", T0.plusSeconds(60), TriageFixtures.exampleVitals()), 0L));

        var alert = context.forwarded().get(0).record().value().alert();
        assertThat(alert).isNotNull();
        assertThat(alert.getFacilityId()).isEqualTo("f-b");
        assertThat(alert.getPrevious().getSubmissionId()).isEqualTo("s-b1");
    }

    @Test
    void shouldScoreWithTheVersionNamedWhenSeveralVersionsExist() {
        forms.put(FormKey.of("chest", 1), ValueAndTimestamp.make(TriageFixtures.chestPainForm("chest", 1, 2), 0L));
        forms.put(FormKey.of("chest", 2), ValueAndTimestamp.make(TriageFixtures.chestPainForm("chest", 2, 4), 0L));
        Map<String, String> answers = Map.of("chest_pain", "no", "pain", "8");

        processor.process(new Record<>("p-1", TriageFixtures.formSubmission("s-v1", "p-1", T0, TriageFixtures.normalVitals(), "chest", 1, answers), 0L));
        processor.process(new Record<>("p-2", TriageFixtures.formSubmission("s-latest", "p-2", T0, TriageFixtures.normalVitals(), "chest", null, answers), 0L));

        List<AssessmentOutcome> out = context.forwarded().stream().<AssessmentOutcome>map(f -> f.record().value()).toList();
        assertThat(out.get(0).assessment().getFormVersion()).isEqualTo(1);
        assertThat(out.get(0).assessment().getFormScore().getPoints()).isEqualTo(2);
        assertThat(out.get(1).assessment().getFormVersion()).isEqualTo(2);
        assertThat(out.get(1).assessment().getFormScore().getPoints()).isEqualTo(4);
    }

    @Test
    void shouldRaiseHighAndAlertWhenRedFlagOnFirstAssessment() {
        forms.put(FormKey.of("chest", 1), ValueAndTimestamp.make(TriageFixtures.chestPainForm("chest", 1, 2), 0L));

        processor.process(chestPainYes("s-1"));

        AssessmentOutcome outcome = context.forwarded().get(0).record().value();
        assertThat(outcome.assessment().getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(outcome.assessment().getNews2().getBand()).isEqualTo(RiskBand.LOW);
        assertThat(outcome.alert().getReasons()).containsExactly(DeteriorationReason.RED_FLAG);
        assertThat(outcome.alert().getPrevious()).isNull();
        assertThat(outcome.alert().getNewRedFlags()).containsExactly("chest_pain_flag");
    }

    @Test
    @DisplayName("No clinical signal dropped: a submission whose form has not arrived is never scored without it")
    void shouldParkWithoutScoringWhenFormIsNotAvailable() {
        processor.process(chestPainYes("s-1"));

        assertThat(context.forwarded()).isEmpty();
        assertThat(historyOf("p-1", "f-1")).isEmpty();
        assertThat(formWaits).containsExactly("parked");
    }

    @Test
    @DisplayName("No clinical signal dropped: form after submission scores the red flag as soon as the form arrives")
    void shouldScoreTheRedFlagWhenTheFormArrivesAfterTheSubmission() {
        processor.process(chestPainYes("s-1"));
        punctuate(NOW.plusMillis(250));
        assertThat(context.forwarded()).isEmpty();

        forms.put(FormKey.of("chest", 1), ValueAndTimestamp.make(TriageFixtures.chestPainForm("chest", 1, 2), 0L));
        punctuate(NOW.plusMillis(500));

        AssessmentOutcome outcome = context.forwarded().get(0).record().value();
        assertThat(outcome.assessment().getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(outcome.assessment().getFormScore().getRedFlags()).containsExactly("chest_pain_flag");
        assertThat(outcome.assessment().getReview()).isNull();
        assertThat(outcome.alert().getReasons()).containsExactly(DeteriorationReason.RED_FLAG);
        assertThat(awaiting.approximateNumEntries()).isZero();
        assertThat(formWaits).containsExactly("parked", "scored_after_wait");
    }

    @Test
    @DisplayName("No clinical signal dropped: a form that never arrives queues the patient HIGH for review, never silently LOW")
    void shouldQueueForReviewWhenTheFormNeverArrives() {
        processor.process(chestPainYes("s-1"));
        punctuate(NOW.plusSeconds(29));
        assertThat(context.forwarded()).isEmpty();

        punctuate(NOW.plusSeconds(30));

        AssessmentOutcome outcome = context.forwarded().get(0).record().value();
        assertThat(outcome.assessment().getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(outcome.assessment().getNews2().getBand()).isEqualTo(RiskBand.LOW);
        assertThat(outcome.assessment().getReview()).isEqualTo(ReviewReason.FORM_UNAVAILABLE);
        assertThat(outcome.assessment().getBandReason()).startsWith("form unavailable, review").contains("NEWS2 alone gives LOW");
        assertThat(outcome.alert().getReasons()).containsExactly(DeteriorationReason.REVIEW_NEEDED);
        assertThat(formWaits).containsExactly("parked", "review_form_unavailable");

        punctuate(NOW.plusSeconds(40));
        assertThat(context.forwarded()).as("published for review once").hasSize(1);
    }

    @Test
    @DisplayName("No clinical signal dropped: a form arriving after the review still scores the answers, replacing the review")
    void shouldScoreAgainWhenTheFormArrivesAfterTheReview() {
        processor.process(chestPainYes("s-1"));
        punctuate(NOW.plusSeconds(30));
        context.resetForwards();

        forms.put(FormKey.of("chest", 1), ValueAndTimestamp.make(TriageFixtures.chestPainForm("chest", 1, 2), 0L));
        punctuate(NOW.plusSeconds(60));

        TriageAssessment scored = context.forwarded().get(0).record().value().assessment();
        assertThat(scored.getReview()).isNull();
        assertThat(scored.getFormScore().getRedFlags()).containsExactly("chest_pain_flag");
        assertThat(historyOf("p-1", "f-1")).singleElement().satisfies(a -> assertThat(a.getReview()).isNull());
        assertThat(formWaits).containsExactly("parked", "review_form_unavailable", "scored_late");
    }

    @Test
    void shouldForgetTheParkedSubmissionWhenTheFormNeverArrivesWithinTheRetention() {
        processor.process(chestPainYes("s-1"));
        punctuate(NOW.plusSeconds(30));

        punctuate(NOW.plusSeconds(30).plus(Duration.ofHours(1)));

        assertThat(awaiting.approximateNumEntries()).isZero();
        assertThat(historyOf("p-1", "f-1")).singleElement()
            .satisfies(a -> assertThat(a.getReview()).isEqualTo(ReviewReason.FORM_UNAVAILABLE));
        assertThat(formWaits).containsExactly("parked", "review_form_unavailable", "expired");
    }

    @Test
    void shouldIgnoreARetryWhenTheSubmissionIsParked() {
        processor.process(chestPainYes("s-1"));
        processor.process(chestPainYes("s-1"));

        assertThat(formWaits).containsExactly("parked");
        assertThat(awaiting.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void shouldScoreANewerSubmissionAtOnceWhenAnEarlierOneIsParked() {
        processor.process(chestPainYes("s-1"));

        receive("s-2", T0.plusSeconds(60), T0.plusSeconds(60), TriageFixtures.exampleVitals());

        assertThat(context.forwarded()).singleElement()
            .satisfies(f -> assertThat(f.record().value().assessment().getSubmissionId()).isEqualTo("s-2"));
    }

    private Record<String, TriageSubmission> chestPainYes(String submissionId) {
        return new Record<>("p-1", TriageFixtures.formSubmission(submissionId, "p-1", T0, TriageFixtures.normalVitals(), "chest", 1,
            Map.of("chest_pain", "yes")), 0L);
    }

    private void punctuate(Instant at) {
        context.setCurrentSystemTimeMs(at.toEpochMilli());
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(at.toEpochMilli());
    }

    /** The patient's history at the facility, newest received first. */
    /** What the second layout wrote for {@code oldestFirst}: an entry, a seen key and a sequence key per assessment. */
    private void putSecondLayout(String patientId, String facilityId, List<TriageAssessment> oldestFirst) {
        for (int i = 0; i < oldestFirst.size(); i++) {
            TriageAssessment a = oldestFirst.get(i);
            PatientTriageEntry entry = PatientTriageEntry.newBuilder().setSequence(i).setAssessment(a).build();
            history.put(PatientKeys.entry(patientId, facilityId, i), entry);
            history.put(PatientKeys.seen(patientId, facilityId, a.getSubmissionId()), PatientTriageEntry.newBuilder().setSequence(i).build());
            history.put(PatientKeys.order(patientId, facilityId, i),
                PatientTriageEntry.newBuilder().setSequence(i).setSubmissionId(a.getSubmissionId()).build());
            if (i == oldestFirst.size() - 1) {
                history.put(PatientKeys.latest(patientId, facilityId), entry);
            }
        }
    }

    private List<String> secondLayoutKeys() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, PatientTriageEntry> it = history.all()) {
            it.forEachRemaining(kv -> {
                int at = kv.key.indexOf(TriageKeys.SEPARATOR) + 1;
                if (at > 0 && at < kv.key.length() && (kv.key.charAt(at) == PatientKeys.SEEN || kv.key.charAt(at) == PatientKeys.ORDER)) {
                    keys.add(kv.key);
                }
            });
        }
        return keys;
    }

    /** p-1's submission {@code submissionId} with normal vitals, made and assessed {@code seconds} after T0. */
    private static TriageAssessment assessedAt(String submissionId, long seconds) {
        Instant at = T0.plusSeconds(seconds);
        return TriageAssessor.assess(TriageFixtures.submission(submissionId, "p-1", at, TriageFixtures.normalVitals()), at);
    }

    private List<TriageAssessment> historyOf(String patientId, String facilityId) {
        return PatientStoreReads.historyNewestFirst(history, patientId, facilityId);
    }

    /** A submission the client dated {@code submittedAt} and careflow received at {@code receivedAt}. */
    private void receive(String submissionId, Instant submittedAt, Instant receivedAt, VitalSigns vitals) {
        TriageSubmission s = TriageSubmission.newBuilder(TriageFixtures.submission(submissionId, "p-1", submittedAt, vitals))
            .setOccurredAt(receivedAt).build();
        processor.process(new Record<>("p-1", s, receivedAt.toEpochMilli()));
    }
}
