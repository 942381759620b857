package org.careflow.notifications.topology;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.ContactOutcome;
import org.careflow.events.notifications.ContactOutcomeStatus;
import org.careflow.events.notifications.ContactWriter;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.state.notifications.BookingReminders;
import org.careflow.state.notifications.ContactTrust;
import org.careflow.state.notifications.MessageEntry;
import org.careflow.state.notifications.ParkedContact;
import org.careflow.state.notifications.PatientMessages;
import org.careflow.state.notifications.PatientReminders;
import org.careflow.state.notifications.PendingVerification;
import org.careflow.state.notifications.PhoneIndexKind;
import org.careflow.state.notifications.PhoneIndexUpdate;
import org.careflow.state.notifications.PhoneTrust;
import org.careflow.topics.BusinessMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may change a patient's contact, decided in the patient's task where the contact is kept (see the module README,
 * Contacts). A facility's integration writes only for a patient linked to one of its facilities: a facility with a
 * booking of the patient held here, or whose integration wrote the contact applied before; an unlinked write waits
 * ({@code WAITING_FOR_LINK}) and takes effect only if that facility books the patient in time. A phone the patient
 * gives themselves is bound to them only once a code sent to it comes back from it; until then the phone held stays.
 * Every decision is a {@link ContactOutcome}, counted by status and reason.
 */
final class ContactWrites {

    private static final Logger LOG = LoggerFactory.getLogger(ContactWrites.class);

    static final String VERIFICATION_TEMPLATE = "phone_verification";
    static final String NOT_LINKED = "NOT_LINKED";
    static final String NO_FACILITY = "NO_FACILITY";
    static final String VERIFICATION_PENDING = "VERIFICATION_PENDING";
    /** How long a verification code may be used. */
    static final Duration VERIFICATION_TTL = Duration.ofHours(24);
    /** How long an unlinked facility's write waits for that facility to book the patient. */
    static final Duration PARK_TTL = Duration.ofDays(30);
    static final int MAX_PARKED = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyValueStore<String, PatientContact> contacts;
    private final KeyValueStore<String, ContactTrust> trusts;
    private final KeyValueStore<String, PatientReminders> reminders;
    private final KeyValueStore<String, PatientMessages> messages;
    private final BusinessMetrics metrics;
    private final int maxLogEntries;

    ContactWrites(KeyValueStore<String, PatientContact> contacts, KeyValueStore<String, ContactTrust> trusts,
                  KeyValueStore<String, PatientReminders> reminders, KeyValueStore<String, PatientMessages> messages,
                  BusinessMetrics metrics, int maxLogEntries) {
        this.contacts = contacts;
        this.trusts = trusts;
        this.reminders = reminders;
        this.messages = messages;
        this.metrics = metrics;
        this.maxLogEntries = maxLogEntries;
    }

    /** Decides a contact record written for {@code patientId}; a null record (a tombstone, from a trusted system) erases it. */
    void write(String patientId, PatientContact next, Instant now, Emissions out) {
        PatientContact current = contacts.get(patientId);
        ContactTrust trust = trust(patientId);
        if (next == null) {
            contacts.delete(patientId);
            trusts.delete(patientId);
            if (current != null && current.getPhone() != null) {
                out.phoneUpdates.add(KeyValue.pair(current.getPhone(), bound(patientId, false)));
            }
            if (trust.getPending() != null) {
                out.phoneUpdates.add(KeyValue.pair(trust.getPending().getPhone(), pending(patientId, trust.getPending(), false)));
            }
            return;
        }
        ContactWriter writer = next.getWrittenBy();
        if (writer == null) {
            apply(patientId, current, next, PhoneTrust.SYSTEM, trust, out);
            decide(patientId, trust, next, ContactOutcomeStatus.APPLIED, null, null, null, now, out);
        } else if (writer == ContactWriter.FACILITY) {
            writeForFacility(patientId, current, next, trust, now, out);
        } else {
            writeForPatient(patientId, current, next, trust, now, out);
        }
        trusts.put(patientId, trust);
    }

    private void writeForFacility(String patientId, PatientContact current, PatientContact next, ContactTrust trust, Instant now,
                                  Emissions out) {
        List<String> callers = next.getCallerFacilityIds() == null ? List.of() : next.getCallerFacilityIds();
        if (callers.isEmpty()) {
            decide(patientId, trust, next, ContactOutcomeStatus.REFUSED, NO_FACILITY,
                "a facility's write names no facility: nothing changed", null, now, out);
            return;
        }
        Set<String> linked = linkedFacilities(patientId, trust);
        List<String> acting = callers.stream().filter(linked::contains).sorted().toList();
        if (!acting.isEmpty()) {
            apply(patientId, current, next, PhoneTrust.FACILITY, trust, out);
            link(trust, acting);
            decide(patientId, trust, next, ContactOutcomeStatus.APPLIED, null, null, null, now, out);
            return;
        }
        // Unknown and foreign patients answer the same: the write waits for a booking of the caller's facility.
        List<ParkedContact> parked = new ArrayList<>(trust.getParked());
        parked.removeIf(p -> !p.getExpiresAt().isAfter(now) || sameFacilities(p.getContact(), next));
        parked.add(new ParkedContact(PatientContact.newBuilder(next).build(), now.plus(PARK_TTL)));
        while (parked.size() > MAX_PARKED) {
            parked.remove(0);
        }
        trust.setParked(parked);
        decide(patientId, trust, next, ContactOutcomeStatus.WAITING_FOR_LINK, NOT_LINKED,
            "the patient is not linked to the caller's facilities: nothing changed; the record takes effect if one of them "
                + "books the patient within " + PARK_TTL.toDays() + " days", null, now, out);
    }

    private void writeForPatient(String patientId, PatientContact current, PatientContact next, ContactTrust trust, Instant now,
                                 Emissions out) {
        String held = current == null ? null : current.getPhone();
        String given = next.getPhone();
        if (given == null || given.equals(held)) {
            // The patient's own record, with the phone they hold or none: theirs to change.
            if (given == null && trust.getPending() != null) {
                out.phoneUpdates.add(KeyValue.pair(trust.getPending().getPhone(), pending(patientId, trust.getPending(), false)));
                trust.setPending(null);
            }
            apply(patientId, current, next, trust.getPhoneTrust(), trust, out);
            decide(patientId, trust, next, ContactOutcomeStatus.APPLIED, null, null, null, now, out);
            return;
        }
        // A new phone: everything else applies now; the phone waits for the code to come back from it.
        apply(patientId, current, PatientContact.newBuilder(next).setPhone(held).build(), trust.getPhoneTrust(), trust, out);
        PendingVerification pending = trust.getPending();
        if (pending != null && pending.getPhone().equals(given) && pending.getExpiresAt().isAfter(now)) {
            decide(patientId, trust, next, ContactOutcomeStatus.VERIFICATION_SENT, VERIFICATION_PENDING,
                "the code sent to the new phone is still valid: reply with it from that phone", pending.getNotificationId(), now, out);
            return;
        }
        if (pending != null) {
            out.phoneUpdates.add(KeyValue.pair(pending.getPhone(), pending(patientId, pending, false)));
        }
        String key = "verify:" + next.getEventId();
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        pending = PendingVerification.newBuilder().setPhone(given).setCode(code)
            .setNotificationId(Ids.derived("notification", key)).setContactEventId(next.getEventId())
            .setRequestedAt(now).setExpiresAt(now.plus(VERIFICATION_TTL)).build();
        trust.setPending(pending);
        out.phoneUpdates.add(KeyValue.pair(given, pending(patientId, pending, true)));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("code", code);
        parameters.put("valid_hours", Long.toString(VERIFICATION_TTL.toHours()));
        OutboundNotification notification = OutboundNotification.newBuilder()
            .setEventId(Ids.derived("outbound-event", key)).setOccurredAt(now).setNotificationId(pending.getNotificationId())
            .setIdempotencyKey(key).setRecipientKind(RecipientKind.PATIENT).setPatientId(patientId).setRecipientAddress(given)
            .setChannel(Channel.WHATSAPP).setTemplateId(VERIFICATION_TEMPLATE).setLanguage(next.getLanguage())
            .setTemplateParameters(parameters).setExpiresAt(pending.getExpiresAt()).build();
        out.outbound.add(KeyValue.pair(notification.getNotificationId(), notification));
        MessageEntry logged = Messages.outboundEntry(notification);
        messages.put(patientId, Messages.append(messages.get(patientId), patientId, logged, maxLogEntries));
        out.messageLog.add(Messages.logEvent(patientId, logged, now));
        LOG.info("Phone verification requested; notification {} carries the code", notification.getNotificationId());
        decide(patientId, trust, next, ContactOutcomeStatus.VERIFICATION_SENT, VERIFICATION_PENDING,
            "a code was sent to the new phone; it is used once the code comes back from that phone", pending.getNotificationId(),
            now, out);
    }

    /**
     * The message {@code text} from {@code phone} verifies the patient's pending phone: binds it and answers true; false
     * (nothing changed) when there is no such verification, the code differs or it expired.
     */
    boolean verify(String patientId, String phone, String text, String messageId, Instant now, Emissions out) {
        ContactTrust trust = trusts.get(patientId);
        PendingVerification pending = trust == null ? null : trust.getPending();
        if (pending == null || !pending.getPhone().equals(phone) || !pending.getCode().equals(digits(text))
            || !pending.getExpiresAt().isAfter(now)) {
            return false;
        }
        PatientContact current = contacts.get(patientId);
        out.phoneUpdates.add(KeyValue.pair(phone, pending(patientId, pending, false)));
        trust.setPending(null);
        if (current != null) {
            apply(patientId, current, PatientContact.newBuilder(current).setPhone(phone).build(), PhoneTrust.VERIFIED, trust, out);
        }
        ContactOutcome outcome = outcome(patientId, pending.getContactEventId(), ContactOutcomeStatus.PHONE_VERIFIED, null,
            "the phone was verified from that phone", null, null, Ids.derived("contact-outcome", messageId + ":verified"), now);
        record(trust, outcome, out);
        trusts.put(patientId, trust);
        return true;
    }

    /**
     * A booking of {@code facilityId} was confirmed: the facility is linked now, so its latest waiting write takes effect,
     * unless a newer record is held.
     */
    void linked(String patientId, String facilityId, Instant now, Emissions out) {
        ContactTrust trust = trusts.get(patientId);
        if (trust == null || facilityId == null || trust.getParked().isEmpty()) {
            return;
        }
        List<ParkedContact> parked = new ArrayList<>(trust.getParked());
        parked.removeIf(p -> !p.getExpiresAt().isAfter(now));
        ParkedContact waiting = parked.stream().filter(p -> p.getContact().getCallerFacilityIds().contains(facilityId))
            .max(Comparator.comparing(p -> p.getContact().getOccurredAt())).orElse(null);
        if (waiting != null) {
            parked.remove(waiting);
            PatientContact current = contacts.get(patientId);
            PatientContact next = waiting.getContact();
            if (current == null || !next.getOccurredAt().isBefore(current.getOccurredAt())) {
                apply(patientId, current, next, PhoneTrust.FACILITY, trust, out);
                link(trust, List.of(facilityId));
                decide(patientId, trust, next, ContactOutcomeStatus.APPLIED, null,
                    "applied once the facility booked the patient", null, now, out);
            }
        }
        trust.setParked(parked);
        trusts.put(patientId, trust);
    }

    /** The facilities linked to the patient: those with a booking held here, and those whose contact write was applied. */
    Set<String> linkedFacilities(String patientId, ContactTrust trust) {
        Set<String> linked = new LinkedHashSet<>(trust.getLinkedFacilityIds());
        PatientReminders held = reminders.get(patientId);
        if (held != null) {
            held.getBookings().stream().map(BookingReminders::getFacilityId).filter(Objects::nonNull).forEach(linked::add);
        }
        return linked;
    }

    /** Stores {@code next} (keeping a newer consent decision held) and tells the phone index when the phone changes. */
    private void apply(String patientId, PatientContact current, PatientContact next, PhoneTrust phoneTrust, ContactTrust trust,
                       Emissions out) {
        PatientContact stored = PatientContact.newBuilder(next).build();
        if (current != null && !Consents.supersedes(stored.getConsent(), current.getConsent())) {
            stored.setConsent(current.getConsent());
        }
        contacts.put(patientId, stored);
        String oldPhone = current == null ? null : current.getPhone();
        String newPhone = stored.getPhone();
        if (!Objects.equals(oldPhone, newPhone)) {
            if (oldPhone != null) {
                out.phoneUpdates.add(KeyValue.pair(oldPhone, bound(patientId, false)));
            }
            if (newPhone != null) {
                out.phoneUpdates.add(KeyValue.pair(newPhone, bound(patientId, true)));
            }
            trust.setPhoneTrust(newPhone == null ? null : phoneTrust);
        }
    }

    private void decide(String patientId, ContactTrust trust, PatientContact contact, ContactOutcomeStatus status, String reason,
                        String detail, String notificationId, Instant now, Emissions out) {
        record(trust, outcome(patientId, contact.getEventId(), status, reason, detail, contact.getCallerFacilityIds(), notificationId,
            Ids.derived("contact-outcome", contact.getEventId() + ":" + status), now), out);
    }

    private void record(ContactTrust trust, ContactOutcome outcome, Emissions out) {
        trust.setLastOutcome(outcome);
        out.contactOutcomes.add(KeyValue.pair(outcome.getPatientId(), outcome));
        metrics.contactDecision(outcome.getStatus().name(), outcome.getReason());
    }

    private static ContactOutcome outcome(String patientId, String contactEventId, ContactOutcomeStatus status, String reason,
                                          String detail, List<String> callers, String notificationId, String eventId, Instant now) {
        return ContactOutcome.newBuilder().setEventId(eventId).setOccurredAt(now).setPatientId(patientId)
            .setContactEventId(contactEventId).setStatus(status).setReason(reason).setDetail(detail)
            .setCallerFacilityIds(callers == null ? null : List.copyOf(callers)).setVerificationNotificationId(notificationId).build();
    }

    private ContactTrust trust(String patientId) {
        ContactTrust trust = trusts.get(patientId);
        return trust != null ? trust : ContactTrust.newBuilder().setPatientId(patientId).build();
    }

    private static void link(ContactTrust trust, List<String> facilities) {
        Set<String> linked = new LinkedHashSet<>(trust.getLinkedFacilityIds());
        linked.addAll(facilities);
        trust.setLinkedFacilityIds(new ArrayList<>(linked));
    }

    private static boolean sameFacilities(PatientContact a, PatientContact b) {
        return a.getCallerFacilityIds().stream().sorted().toList().equals(b.getCallerFacilityIds().stream().sorted().toList());
    }

    /** A code as typed: spaces and punctuation around and between the digits do not count. */
    static String digits(String text) {
        return text == null ? "" : text.replaceAll("[^0-9]", "");
    }

    static PhoneIndexUpdate bound(String patientId, boolean present) {
        return PhoneIndexUpdate.newBuilder().setPatientId(patientId).setPresent(present).setKind(PhoneIndexKind.BOUND).build();
    }

    private static PhoneIndexUpdate pending(String patientId, PendingVerification pending, boolean present) {
        return PhoneIndexUpdate.newBuilder().setPatientId(patientId).setPresent(present).setKind(PhoneIndexKind.PENDING)
            .setCode(pending.getCode()).setNotificationId(pending.getNotificationId()).setExpiresAt(pending.getExpiresAt()).build();
    }
}
