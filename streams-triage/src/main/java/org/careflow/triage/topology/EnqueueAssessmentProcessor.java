package org.careflow.triage.topology;

import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.state.triage.TriageQueueEntry;

/**
 * Puts assessed patients (queue entries made by {@link QueueEntries#of}, keyed by facilityId) on their facility's queue: one entry per patient, replaced and moved
 * by a newer assessment but keeping the time the patient started waiting (see {@link #replaces} for late ones);
 * and counts them per hour by band.
 */
public final class EnqueueAssessmentProcessor implements Processor<String, TriageQueueEntry, Void, Void> {

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
    public void process(Record<String, TriageQueueEntry> record) {
        TriageQueueEntry a = record.value();
        if (record.key() == null || a == null) {
            return;
        }
        stats.update(a.getFacilityId(), a.getSubmittedAt(),
            s -> s.getSubmissionsByBand().merge(a.getBand().name(), 1, Integer::sum));

        String patientKey = QueueKeys.patientKey(a.getFacilityId(), a.getPatientId());
        TriageQueueEntry current = patients.get(patientKey);
        boolean waiting = current != null && current.getLeftAt() == null;
        if (current != null && !replaces(a, current, waiting)) {
            return;
        }
        if (waiting) {
            queue.delete(QueueKeys.orderKey(current));
        }
        TriageQueueEntry entry = TriageQueueEntry.newBuilder(a)
            .setWaitingSince(waiting ? current.getWaitingSince() : a.getSubmittedAt())
            .setLeftAt(null)
            .build();
        queue.put(QueueKeys.orderKey(entry), entry);
        patients.put(patientKey, entry);
    }

    /**
     * Whether {@code a} takes the place of the patient's {@code current} entry. Assessments normally arrive in the order
     * careflow received them, and the newest stands. One whose client-reported time is older than the entry's (a delayed
     * device, or a clock running slow or fast) is in doubt: it replaces the entry only if it is more urgent, so the
     * queue escalates and never downgrades on it. After the patient left the queue, an assessment careflow received
     * before they left puts them back only if it is more urgent than what they left with.
     */
    static boolean replaces(TriageQueueEntry a, TriageQueueEntry current, boolean waiting) {
        if (waiting) {
            return !a.getSubmittedAt().isBefore(current.getSubmittedAt()) || moreUrgent(a, current);
        }
        Instant received = a.getReceivedAt() != null ? a.getReceivedAt() : a.getSubmittedAt();
        return !received.isBefore(current.getLeftAt()) || moreUrgent(a, current);
    }

    /** A higher band, a review where there was none, a red flag the entry lacks, or a higher score in the same band. */
    static boolean moreUrgent(TriageQueueEntry a, TriageQueueEntry entry) {
        int band = RiskBands.rank(a.getQueueBand());
        int entryBand = RiskBands.rank(entry.getQueueBand());
        if (band != entryBand) {
            return band > entryBand;
        }
        if (a.getReview() && !entry.getReview()) {
            return true;
        }
        if (!entry.getRedFlags().containsAll(a.getRedFlags())) {
            return true;
        }
        return a.getScore() > entry.getScore();
    }
}
