package org.careflow.notifications.topology;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.ConsentChange;
import org.careflow.events.notifications.MessagingConsent;
import org.careflow.events.notifications.PatientContact;
import org.careflow.state.notifications.ContactTrust;

/**
 * Folds consent changes (keyed by patientId) into the records they concern, when they are the latest decision: a change
 * naming no facility into the patient's own record and what every facility wrote; a change naming facilities (a STOP
 * from a phone only those facilities bound) into what those facilities wrote, and nothing else.
 */
final class ApplyConsentProcessor extends ContextualProcessor<String, ConsentChange, String, Emissions> {

    private KeyValueStore<String, PatientContact> contacts;
    private KeyValueStore<String, ContactTrust> trusts;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        contacts = context.getStateStore(NotificationsTopology.CONTACTS_STORE);
        trusts = context.getStateStore(NotificationsTopology.CONTACT_TRUST_STORE);
    }

    @Override
    public void process(Record<String, ConsentChange> record) {
        ConsentChange change = record.value();
        if (record.key() == null || change == null) {
            return;
        }
        // A patient with no record has nothing to fold it into; the change stays on its topic for audit.
        ContactWrites.applyConsent(contacts, trusts, record.key(), change);
    }

    /** The consent after {@code change}, or {@code current} itself when the change is older than the decision held. */
    static MessagingConsent apply(MessagingConsent current, ConsentChange change) {
        java.time.Instant held = Consents.decidedAt(current);
        if (held != null && change.getAt().isBefore(held)) {
            return current;
        }
        MessagingConsent next = MessagingConsent.newBuilder(current).setGranted(change.getGranted()).setSource(change.getSource()).build();
        if (change.getGranted()) {
            next.setConsentedAt(change.getAt());
        } else {
            next.setRevokedAt(change.getAt());
        }
        return next;
    }
}
