package org.careflow.notifications.topology;

import java.time.Instant;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.careflow.events.notifications.PatientContact;
import org.careflow.topics.BusinessMetrics;

/**
 * Keeps the patient's contact record (keyed by patientId), deciding each write where the record is kept
 * ({@link ContactWrites}): a facility's integration writes only for a linked patient, a patient's new phone waits for
 * its verification, and every decision is a ContactOutcome. The phone index hears when a phone is bound or pending.
 * A contact record whose consent decision is older than the one held (the patient sent STOP after the client last
 * recorded consent) keeps the newer decision: an old consent re-sent never overrides a later opt-out.
 */
final class ApplyContactProcessor extends ContextualProcessor<String, PatientContact, String, Emissions> {

    private final BusinessMetrics metrics;
    private final int maxLogEntries;
    private ContactWrites writes;

    ApplyContactProcessor(BusinessMetrics metrics, int maxLogEntries) {
        this.metrics = metrics;
        this.maxLogEntries = maxLogEntries;
    }

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        writes = new ContactWrites(context.getStateStore(NotificationsTopology.CONTACTS_STORE),
            context.getStateStore(NotificationsTopology.CONTACT_TRUST_STORE), context.getStateStore(NotificationsTopology.REMINDERS_STORE),
            context.getStateStore(NotificationsTopology.MESSAGES_STORE), metrics, maxLogEntries);
    }

    @Override
    public void process(Record<String, PatientContact> record) {
        String patientId = record.key();
        if (patientId == null) {
            return;
        }
        Emissions out = new Emissions();
        writes.write(patientId, record.value(), Instant.ofEpochMilli(context().currentSystemTimeMs()), out);
        if (!out.isEmpty()) {
            context().forward(new Record<>(null, out, record.timestamp()));
        }
    }
}
