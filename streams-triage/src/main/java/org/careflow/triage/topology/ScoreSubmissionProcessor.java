package org.careflow.triage.topology;

import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;

/** Scores each submission, stamping the assessment with the stream time's wall clock. */
final class ScoreSubmissionProcessor implements FixedKeyProcessor<String, TriageSubmission, TriageAssessment> {

    private FixedKeyProcessorContext<String, TriageAssessment> context;

    @Override
    public void init(FixedKeyProcessorContext<String, TriageAssessment> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, TriageSubmission> record) {
        if (record.value() == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        context.forward(record.withValue(TriageAssessor.assess(record.value(), now)));
    }
}
