package org.careflow.notifications.topology;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.ConsentChange;
import org.careflow.events.notifications.MessagingConsent;
import org.careflow.events.notifications.PatientContact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Folds consent changes (keyed by patientId) into the patient's contact record, when they are the latest decision. */
final class ApplyConsentProcessor extends ContextualProcessor<String, ConsentChange, String, Emissions> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyConsentProcessor.class);

    private KeyValueStore<String, PatientContact> contacts;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        contacts = context.getStateStore(NotificationsTopology.CONTACTS_STORE);
    }

    @Override
    public void process(Record<String, ConsentChange> record) {
        ConsentChange change = record.value();
        if (record.key() == null || change == null) {
            return;
        }
        PatientContact contact = contacts.get(record.key());
        if (contact == null) {
            // Without a contact record there is nobody to message; the change stays on its topic for audit.
            LOG.debug("Consent change for a patient without a contact record; nothing to apply");
            return;
        }
        MessagingConsent consent = apply(contact.getConsent(), change);
        if (consent != contact.getConsent()) {
            contact.setConsent(consent);
            contacts.put(record.key(), contact);
        }
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
