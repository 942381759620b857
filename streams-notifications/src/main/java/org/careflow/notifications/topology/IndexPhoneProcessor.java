package org.careflow.notifications.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.state.notifications.PhoneIndexUpdate;
import org.careflow.state.notifications.PhonePatients;
import org.careflow.state.notifications.PhonePending;
import org.careflow.state.notifications.PhoneSent;

/**
 * Keeps, per phone number, the patients it is bound to (verified, or written by a linked facility), the patients
 * waiting to verify it, and the messages recently sent to it: how an inbound message finds its patient.
 *
 * <p>A phone's entry is bounded: the latest {@link #MAX_PATIENTS} patients bound to it (a newer binding displaces the
 * oldest, whose replies from that phone then find nobody, as for an unknown phone), the latest {@link #MAX_PENDING}
 * verifications not yet expired (an expired or displaced code no longer verifies; the patient asks for a new one), and
 * the latest {@link #MAX_RECENT} messages sent to it.
 */
final class IndexPhoneProcessor extends ContextualProcessor<String, PhoneIndexUpdate, String, Emissions> {

    /** Enough to match replies to the messages of several family members' appointments. */
    static final int MAX_RECENT = 50;
    /** Patients one phone is bound to: a large family, or a care home's shared phone. */
    static final int MAX_PATIENTS = 20;
    /** Verifications of one phone waiting for their code. */
    static final int MAX_PENDING = 10;

    private KeyValueStore<String, PhonePatients> index;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        index = context.getStateStore(NotificationsTopology.PHONE_INDEX_STORE);
    }

    @Override
    public void process(Record<String, PhoneIndexUpdate> record) {
        PhoneIndexUpdate update = record.value();
        if (record.key() == null || update == null) {
            return;
        }
        PhonePatients current = index.get(record.key());
        PhonePatients next = current == null ? PhonePatients.newBuilder().build() : PhonePatients.newBuilder(current).build();
        String patientId = update.getPatientId();
        switch (update.getKind()) {
            case BOUND -> {
                List<String> patients = new ArrayList<>(next.getPatientIds());
                patients.remove(patientId);
                if (update.getPresent()) {
                    patients.add(patientId);
                    while (patients.size() > MAX_PATIENTS) {
                        String displaced = patients.remove(0);
                        next.setRecent(new ArrayList<>(next.getRecent().stream().filter(s -> !s.getPatientId().equals(displaced)).toList()));
                    }
                } else {
                    // Messages sent to the phone no longer route replies to a patient it left.
                    next.setRecent(new ArrayList<>(next.getRecent().stream().filter(s -> !s.getPatientId().equals(patientId)).toList()));
                }
                next.setPatientIds(patients);
            }
            case PENDING -> {
                List<PhonePending> pending = new ArrayList<>(next.getPending());
                pending.removeIf(p -> p.getPatientId().equals(patientId));
                if (update.getPresent() && update.getCode() != null) {
                    pending.add(new PhonePending(patientId, update.getCode(), update.getNotificationId(), update.getExpiresAt()));
                }
                while (pending.size() > MAX_PENDING) {
                    pending.remove(0);
                }
                next.setPending(pending);
            }
            case SENT -> {
                List<PhoneSent> recent = new ArrayList<>(next.getRecent());
                recent.removeIf(s -> s.getProviderMessageId().equals(update.getProviderMessageId()));
                recent.add(PhoneSent.newBuilder().setProviderMessageId(update.getProviderMessageId()).setPatientId(patientId)
                    .setBookingId(update.getBookingId()).setExpiresAt(update.getExpiresAt())
                    .setAt(java.time.Instant.ofEpochMilli(record.timestamp())).build());
                while (recent.size() > MAX_RECENT) {
                    recent.remove(0);
                }
                next.setRecent(recent);
            }
        }
        // A code past its expiry verifies nothing (ResolveSenderProcessor checks it too): forget it whenever the phone is written.
        java.time.Instant now = java.time.Instant.ofEpochMilli(context().currentSystemTimeMs());
        if (next.getPending().stream().anyMatch(p -> !p.getExpiresAt().isAfter(now))) {
            next.setPending(new ArrayList<>(next.getPending().stream().filter(p -> p.getExpiresAt().isAfter(now)).toList()));
        }
        if (next.getPatientIds().isEmpty() && next.getPending().isEmpty() && next.getRecent().isEmpty()) {
            index.delete(record.key());
        } else {
            index.put(record.key(), next);
        }
    }
}
