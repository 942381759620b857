package org.careflow.triage.topology;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.state.triage.TriageQueueEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a patient off their facility's queue (dispositions keyed by facilityId) and records how long they
 * waited, in the hour the decision was made.
 */
public final class ApplyDispositionProcessor implements Processor<String, TriageDisposition, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyDispositionProcessor.class);

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
    public void process(Record<String, TriageDisposition> record) {
        TriageDisposition d = record.value();
        if (d == null) {
            return;
        }
        String patientKey = QueueKeys.patientKey(d.getFacilityId(), d.getPatientId());
        TriageQueueEntry entry = patients.get(patientKey);
        if (entry == null || entry.getLeftAt() != null) {
            LOG.debug("Disposition for a patient not waiting at the facility; nothing to take off the queue");
            return;
        }
        queue.delete(QueueKeys.orderKey(entry));
        patients.put(patientKey, TriageQueueEntry.newBuilder(entry).setLeftAt(d.getDecidedAt()).build());
        long minutes = Math.max(0, Duration.between(entry.getWaitingSince(), d.getDecidedAt()).toMinutes());
        stats.update(d.getFacilityId(), d.getDecidedAt(),
            s -> FacilityStatsWriter.recordWait(s, minutes, patientKey + "@" + d.getDecidedAt().toEpochMilli()));
    }
}
