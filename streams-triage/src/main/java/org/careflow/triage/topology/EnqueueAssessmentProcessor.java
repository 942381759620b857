package org.careflow.triage.topology;

import java.util.ArrayList;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.state.triage.TriageQueueEntry;

/**
 * Puts assessments (keyed by facilityId) on their facility's queue: one entry per patient, replaced and moved
 * by a newer assessment but keeping the time the patient started waiting; and counts them per hour by band.
 */
public final class EnqueueAssessmentProcessor implements Processor<String, TriageAssessment, Void, Void> {

    private KeyValueStore<String, TriageQueueEntry> queue;
    private KeyValueStore<String, TriageQueueEntry> patients;
    private FacilityStatsWriter stats;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        QueueStores stores = QueueStores.from(context);
        queue = stores.queue();
        patients = stores.patients();
        stats = stores.stats();
    }

    @Override
    public void process(Record<String, TriageAssessment> record) {
        TriageAssessment a = record.value();
        if (record.key() == null || a == null) {
            return;
        }
        stats.update(a.getFacilityId(), a.getSubmittedAt(),
            s -> s.getSubmissionsByBand().merge(a.getBand().name(), 1, Integer::sum));

        String patientKey = QueueKeys.patientKey(a.getFacilityId(), a.getPatientId());
        TriageQueueEntry current = patients.get(patientKey);
        boolean waiting = current != null && current.getLeftAt() == null;
        if (current != null) {
            // A submission made before the newest one, or before the patient left, arrives late: no change.
            java.time.Instant since = waiting ? current.getSubmittedAt() : current.getLeftAt();
            if (a.getSubmittedAt().isBefore(since)) {
                return;
            }
        }
        if (waiting) {
            queue.delete(QueueKeys.orderKey(current));
        }
        TriageQueueEntry entry = TriageQueueEntry.newBuilder()
            .setFacilityId(a.getFacilityId())
            .setPatientId(a.getPatientId())
            .setSubmissionId(a.getSubmissionId())
            .setBand(a.getBand())
            .setQueueBand(TriageAssessor.effectiveBand(a))
            .setScore(TriageAssessor.score(a))
            .setRedFlags(new ArrayList<>(TriageAssessor.redFlags(a)))
            .setWaitingSince(waiting ? current.getWaitingSince() : a.getSubmittedAt())
            .setSubmittedAt(a.getSubmittedAt())
            .setAssessedAt(a.getOccurredAt())
            .setLeftAt(null)
            .build();
        queue.put(QueueKeys.orderKey(entry), entry);
        patients.put(patientKey, entry);
    }
}
