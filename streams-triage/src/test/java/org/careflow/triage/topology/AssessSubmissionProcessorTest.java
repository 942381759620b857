package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.forms.FormKey;
import org.careflow.state.triage.PatientTriageHistory;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AssessSubmissionProcessorTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final PlainAvroEventSerdes SERDES = new PlainAvroEventSerdes();

    private final AssessSubmissionProcessor processor = new AssessSubmissionProcessor();
    private MockProcessorContext<String, AssessmentOutcome> context;
    private KeyValueStore<String, PatientTriageHistory> history;
    private TimestampedKeyValueStore<String, FormDefinition> forms;

    @BeforeEach
    void init() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(T0.plusSeconds(3600).toEpochMilli());
        history = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriageTopology.PATIENT_HISTORY_STORE),
            Serdes.String(), SERDES.internalValueSerde(PatientTriageHistory.class)).withLoggingDisabled().build();
        history.init(context.getStateStoreContext(), history);
        context.addStateStore(history);
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
        assertThat(history.get("p-1").getAssessments()).hasSize(1);
    }

    @Test
    void shouldKeepHistoryNewestFirstWhenSubmissionsArriveOutOfOrder() {
        process("s-2", T0.plusSeconds(60), TriageFixtures.normalVitals());
        process("s-1", T0, TriageFixtures.normalVitals());
        process("s-3", T0.plusSeconds(120), TriageFixtures.normalVitals());

        assertThat(history.get("p-1").getAssessments()).extracting(a -> a.getSubmissionId()).containsExactly("s-3", "s-2", "s-1");
    }

    @Test
    void shouldAlertWithBothAssessmentsWhenBandRises() {
        process("s-1", T0, TriageFixtures.normalVitals());
        context.resetForwards();

        process("s-2", T0.plusSeconds(600), TriageFixtures.exampleVitals());

        var alert = context.forwarded().get(0).record().value().alert();
        assertThat(alert).isNotNull();
        assertThat(alert.getReasons()).contains(DeteriorationReason.BAND_ROSE, DeteriorationReason.SCORE_ROSE);
        assertThat(alert.getPrevious().getSubmissionId()).isEqualTo("s-1");
        assertThat(alert.getCurrent().getSubmissionId()).isEqualTo("s-2");
    }

    @Test
    void shouldNotAlertWhenLateSubmissionIsOlderThanTheNewest() {
        process("s-2", T0.plusSeconds(600), TriageFixtures.normalVitals());
        context.resetForwards();

        process("s-1", T0, TriageFixtures.exampleVitals());

        assertThat(context.forwarded().get(0).record().value().alert()).isNull();
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

        processor.process(new Record<>("p-1", TriageFixtures.formSubmission("s-1", "p-1", T0, TriageFixtures.normalVitals(), "chest", 1,
            Map.of("chest_pain", "yes")), 0L));

        AssessmentOutcome outcome = context.forwarded().get(0).record().value();
        assertThat(outcome.assessment().getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(outcome.assessment().getNews2().getBand()).isEqualTo(RiskBand.LOW);
        assertThat(outcome.alert().getReasons()).containsExactly(DeteriorationReason.RED_FLAG);
        assertThat(outcome.alert().getPrevious()).isNull();
        assertThat(outcome.alert().getNewRedFlags()).containsExactly("chest_pain_flag");
    }

    @Test
    void shouldScoreNews2AndSayWhyWhenFormIsNotAvailable() {
        processor.process(new Record<>("p-1", TriageFixtures.formSubmission("s-1", "p-1", T0, TriageFixtures.exampleVitals(), "unknown", 3,
            Map.of("chest_pain", "yes")), 0L));

        var assessment = context.forwarded().get(0).record().value().assessment();
        assertThat(assessment.getFormScore()).isNull();
        assertThat(assessment.getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(assessment.getBandReason()).contains("not available");
    }

    private void process(String submissionId, Instant submittedAt, org.careflow.events.triage.VitalSigns vitals) {
        processor.process(new Record<>("p-1", TriageFixtures.submission(submissionId, "p-1", submittedAt, vitals), submittedAt.toEpochMilli()));
    }
}
