package org.careflow.triage.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.triage.TriageAssessment;

/**
 * Keeps each patient's latest assessment by submission time, so a late retry of an older submission never
 * hides a newer one.
 */
public final class LatestAssessmentProcessor implements Processor<String, TriageAssessment, Void, Void> {

    private KeyValueStore<String, TriageAssessment> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(TriageTopology.LATEST_ASSESSMENT_STORE);
    }

    @Override
    public void process(Record<String, TriageAssessment> record) {
        TriageAssessment incoming = record.value();
        if (record.key() == null || incoming == null) {
            return;
        }
        TriageAssessment current = store.get(record.key());
        if (current == null || !incoming.getSubmittedAt().isBefore(current.getSubmittedAt())) {
            store.put(record.key(), incoming);
        }
    }
}
