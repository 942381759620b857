package org.careflow.notifications.topology;

import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.PatientContact;
import org.careflow.state.notifications.PhoneIndexUpdate;

/**
 * Keeps the patient's contact record (keyed by patientId) and tells the phone index when its phone changes. A contact
 * record whose consent decision is older than the one held (the patient sent STOP after the client last recorded
 * consent) keeps the newer decision: an old consent re-sent never overrides a later opt-out.
 */
final class ApplyContactProcessor extends ContextualProcessor<String, PatientContact, String, Emissions> {

    private KeyValueStore<String, PatientContact> contacts;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        contacts = context.getStateStore(NotificationsTopology.CONTACTS_STORE);
    }

    @Override
    public void process(Record<String, PatientContact> record) {
        String patientId = record.key();
        if (patientId == null) {
            return;
        }
        PatientContact current = contacts.get(patientId);
        PatientContact next = record.value();
        if (next == null) {
            contacts.delete(patientId);
        } else {
            next = PatientContact.newBuilder(next).build();
            if (current != null && !Consents.supersedes(next.getConsent(), current.getConsent())) {
                next.setConsent(current.getConsent());
            }
            contacts.put(patientId, next);
        }
        String oldPhone = current == null ? null : current.getPhone();
        String newPhone = next == null ? null : next.getPhone();
        if (!Objects.equals(oldPhone, newPhone)) {
            Emissions out = new Emissions();
            if (oldPhone != null) {
                out.phoneUpdates.add(KeyValue.pair(oldPhone, new PhoneIndexUpdate(patientId, false)));
            }
            if (newPhone != null) {
                out.phoneUpdates.add(KeyValue.pair(newPhone, new PhoneIndexUpdate(patientId, true)));
            }
            context().forward(new Record<>(null, out, record.timestamp()));
        }
    }
}
