package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LatestAssessmentProcessorTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private final LatestAssessmentProcessor processor = new LatestAssessmentProcessor();
    private KeyValueStore<String, TriageAssessment> store;

    @BeforeEach
    void init() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriageTopology.LATEST_ASSESSMENT_STORE),
                Serdes.String(), new PlainAvroEventSerdes().valueSerde(Topics.TRIAGE_ASSESSMENTS))
            .withLoggingDisabled()
            .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor.init(context);
    }

    @Test
    void shouldStoreAssessmentWhenPatientHasNone() {
        processor.process(record("s-1", T0));

        assertThat(store.get("p-1").getSubmissionId()).isEqualTo("s-1");
    }

    @Test
    void shouldReplaceAssessmentWhenNewerSubmissionArrives() {
        processor.process(record("s-1", T0));
        processor.process(record("s-2", T0.plusSeconds(60)));

        assertThat(store.get("p-1").getSubmissionId()).isEqualTo("s-2");
    }

    @Test
    void shouldKeepNewerAssessmentWhenOlderSubmissionArrivesLate() {
        processor.process(record("s-2", T0.plusSeconds(60)));
        processor.process(record("s-1", T0));

        assertThat(store.get("p-1").getSubmissionId()).isEqualTo("s-2");
    }

    private static Record<String, TriageAssessment> record(String submissionId, Instant submittedAt) {
        TriageAssessment assessment = TriageAssessor.assess(
            TriageFixtures.submission(submissionId, "p-1", submittedAt, TriageFixtures.normalVitals()), submittedAt.plusSeconds(2));
        return new Record<>("p-1", assessment, submittedAt.toEpochMilli());
    }
}
