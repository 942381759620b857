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
import org.careflow.events.notifications.ConsentChange;
import org.careflow.events.notifications.ContactOutcome;
import org.careflow.events.notifications.ContactOutcomeStatus;
import org.careflow.events.notifications.ContactWriter;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.state.notifications.BookingReminders;
import org.careflow.state.notifications.ContactTrust;
import org.careflow.state.notifications.FacilityContact;
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
 * What a facility writes is kept for that facility alone ({@link ContactTrust#getFacilityContacts()}): it reaches only
 * that facility's messages ({@link #effective}), and its phone acts only on that facility's bookings ({@link #replyScope}).
 * The contacts store holds the patient's own record (written by the patient, or by a trusted system). Every decision is
 * a {@link ContactOutcome}, counted by status and reason.
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
    static final String TOO_MANY_FACILITIES = "TOO_MANY_FACILITIES";
    /**
     * Facilities whose contact writes a patient's trust record keeps (one record each): a write that would link one more
     * is refused {@link #TOO_MANY_FACILITIES}, as dropping another facility's record would silently redirect its messages.
     */
    static final int MAX_LINKED_FACILITIES = 50;

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
        Set<String> before = boundPhones(current, trust);
        if (next == null) {
            contacts.delete(patientId);
            trusts.delete(patientId);
            before.forEach(phone -> out.phoneUpdates.add(KeyValue.pair(phone, bound(patientId, false))));
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
            writeForFacility(patientId, next, trust, now, out);
        } else {
            writeForPatient(patientId, current, next, trust, now, out);
        }
        reindex(patientId, before, boundPhones(contacts.get(patientId), trust), out);
        trusts.put(patientId, trust);
    }

    private void writeForFacility(String patientId, PatientContact next, ContactTrust trust, Instant now, Emissions out) {
        List<String> callers = next.getCallerFacilityIds() == null ? List.of() : next.getCallerFacilityIds();
        if (callers.isEmpty()) {
            decide(patientId, trust, next, ContactOutcomeStatus.REFUSED, NO_FACILITY,
                "a facility's write names no facility: nothing changed", null, now, out);
            return;
        }
        Set<String> linked = linkedFacilities(patientId, trust);
        List<String> acting = callers.stream().filter(linked::contains).sorted().toList();
        if (!acting.isEmpty() && !roomFor(trust, acting)) {
            decide(patientId, trust, next, ContactOutcomeStatus.REFUSED, TOO_MANY_FACILITIES, tooManyFacilities(), null, now, out);
            return;
        }
        if (!acting.isEmpty()) {
            // Kept for each acting facility alone: the patient's own record, and what other facilities wrote, stay as they are.
            acting.forEach(facilityId -> applyForFacility(trust, facilityId, next));
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
        Set<String> before = boundPhones(current, trust);
        out.phoneUpdates.add(KeyValue.pair(phone, pending(patientId, pending, false)));
        trust.setPending(null);
        if (current != null) {
            apply(patientId, current, PatientContact.newBuilder(current).setPhone(phone).build(), PhoneTrust.VERIFIED, trust, out);
        }
        reindex(patientId, before, boundPhones(contacts.get(patientId), trust), out);
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
            PatientContact held = facilityContact(trust, facilityId);
            PatientContact next = waiting.getContact();
            if (!roomFor(trust, List.of(facilityId))) {
                decide(patientId, trust, next, ContactOutcomeStatus.REFUSED, TOO_MANY_FACILITIES, tooManyFacilities(), null, now, out);
            } else if (held == null || !next.getOccurredAt().isBefore(held.getOccurredAt())) {
                Set<String> before = boundPhones(contacts.get(patientId), trust);
                applyForFacility(trust, facilityId, next);
                reindex(patientId, before, boundPhones(contacts.get(patientId), trust), out);
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

    /** Stores {@code next} as the patient's own record (keeping a newer consent decision held); the caller reindexes. */
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
            trust.setPhoneTrust(newPhone == null ? null : phoneTrust);
        }
    }

    /** Keeps {@code next} as what {@code facilityId} wrote (keeping a newer consent decision that facility's record holds). */
    private static void applyForFacility(ContactTrust trust, String facilityId, PatientContact next) {
        PatientContact stored = PatientContact.newBuilder(next).build();
        PatientContact held = facilityContact(trust, facilityId);
        if (held != null && !Consents.supersedes(stored.getConsent(), held.getConsent())) {
            stored.setConsent(held.getConsent());
        }
        List<FacilityContact> written = new ArrayList<>(trust.getFacilityContacts());
        written.removeIf(f -> f.getFacilityId().equals(facilityId));
        written.add(new FacilityContact(facilityId, stored));
        trust.setFacilityContacts(written);
    }

    /** Tells the phone index which phones the patient gained and lost. */
    private static void reindex(String patientId, Set<String> before, Set<String> after, Emissions out) {
        before.stream().filter(phone -> !after.contains(phone))
            .forEach(phone -> out.phoneUpdates.add(KeyValue.pair(phone, bound(patientId, false))));
        after.stream().filter(phone -> !before.contains(phone))
            .forEach(phone -> out.phoneUpdates.add(KeyValue.pair(phone, bound(patientId, true))));
    }

    /** Every phone bound to the patient: their own record's, and each one a linked facility wrote (for that facility). */
    static Set<String> boundPhones(PatientContact own, ContactTrust trust) {
        Set<String> phones = new LinkedHashSet<>();
        if (own != null && own.getPhone() != null) {
            phones.add(own.getPhone());
        }
        if (trust != null) {
            trust.getFacilityContacts().stream().map(f -> f.getContact().getPhone()).filter(Objects::nonNull).forEach(phones::add);
        }
        return phones;
    }

    /** What {@code facilityId}'s integration wrote for the patient, or null. */
    static PatientContact facilityContact(ContactTrust trust, String facilityId) {
        if (trust == null || facilityId == null) {
            return null;
        }
        return trust.getFacilityContacts().stream().filter(f -> f.getFacilityId().equals(facilityId)).map(FacilityContact::getContact)
            .findFirst().orElse(null);
    }

    /**
     * The contact a message about a booking at {@code facilityId} uses; null when there is none. What that facility wrote,
     * except that the patient's own verified phone wins over the facility's, and the patient's own record fills what the
     * facility left empty (its phone or email); consent is the later decision of the two. Without a write of that facility:
     * the patient's own record (written by the patient, or by a trusted system). Never what another facility wrote.
     */
    static PatientContact effective(PatientContact own, ContactTrust trust, String facilityId) {
        PatientContact written = facilityContact(trust, facilityId);
        if (written == null) {
            return own;
        }
        PatientContact merged = PatientContact.newBuilder(written).build();
        if (own == null) {
            return merged;
        }
        boolean verified = trust.getPhoneTrust() == PhoneTrust.VERIFIED && own.getPhone() != null;
        merged.setPhone(verified || written.getPhone() == null ? own.getPhone() : written.getPhone());
        if (merged.getEmail() == null) {
            merged.setEmail(own.getEmail());
        }
        if (Consents.supersedes(own.getConsent(), written.getConsent())) {
            merged.setConsent(own.getConsent());
        }
        return merged;
    }

    /**
     * Which of the patient's bookings a message from {@code phone} may act on: all of them from the patient's own phone
     * (verified, or written by a trusted system); only a facility's from a phone bound to the patient by that facility's
     * write alone; none from any other phone.
     */
    static ReplyScope replyScope(PatientContact own, ContactTrust trust, String phone) {
        if (phone == null) {
            return ReplyScope.NONE;
        }
        if (own != null && phone.equals(own.getPhone())) {
            return new ReplyScope(true, Set.of(), own);
        }
        if (trust == null) {
            return ReplyScope.NONE;
        }
        List<FacilityContact> written = trust.getFacilityContacts().stream()
            .filter(f -> phone.equals(f.getContact().getPhone())).sorted(Comparator.comparing(FacilityContact::getFacilityId)).toList();
        if (written.isEmpty()) {
            return ReplyScope.NONE;
        }
        return new ReplyScope(false, written.stream().map(FacilityContact::getFacilityId).collect(java.util.stream.Collectors.toCollection(
            LinkedHashSet::new)), written.get(0).getContact());
    }

    /**
     * Where a reply may act: every booking ({@code all}), or only those at {@code facilityIds}; {@code contact} is the
     * record that bound the phone (its language reads the reply).
     */
    record ReplyScope(boolean all, Set<String> facilityIds, PatientContact contact) {
        static final ReplyScope NONE = new ReplyScope(false, Set.of(), null);

        boolean none() {
            return !all && facilityIds.isEmpty();
        }

        boolean covers(String facilityId) {
            return all || (facilityId != null && facilityIds.contains(facilityId));
        }

        /** The facilities a consent change from this phone concerns; null: every message to the patient. */
        List<String> consentFacilities() {
            return all ? null : List.copyOf(facilityIds);
        }
    }

    /**
     * Folds a consent change into the records it concerns, each only when it is the later decision: with no facilities
     * named, the patient's own record and every facility's; with facilities named, only what those facilities wrote.
     */
    static void applyConsent(KeyValueStore<String, PatientContact> contacts, KeyValueStore<String, ContactTrust> trusts,
                             String patientId, ConsentChange change) {
        List<String> scope = change.getFacilityIds();
        if (scope == null) {
            PatientContact own = contacts.get(patientId);
            if (own != null) {
                var consent = ApplyConsentProcessor.apply(own.getConsent(), change);
                if (consent != own.getConsent()) {
                    own.setConsent(consent);
                    contacts.put(patientId, own);
                }
            }
        }
        ContactTrust trust = trusts.get(patientId);
        if (trust == null || trust.getFacilityContacts().isEmpty()) {
            return;
        }
        List<FacilityContact> written = new ArrayList<>();
        for (FacilityContact f : trust.getFacilityContacts()) {
            if (scope == null || scope.contains(f.getFacilityId())) {
                PatientContact c = PatientContact.newBuilder(f.getContact()).build();
                c.setConsent(ApplyConsentProcessor.apply(c.getConsent(), change));
                written.add(new FacilityContact(f.getFacilityId(), c));
            } else {
                written.add(f);
            }
        }
        trust.setFacilityContacts(written);
        trusts.put(patientId, trust);
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

    /** Whether linking {@code facilities} keeps the patient within {@link #MAX_LINKED_FACILITIES}. */
    private static boolean roomFor(ContactTrust trust, List<String> facilities) {
        Set<String> linked = new LinkedHashSet<>(trust.getLinkedFacilityIds());
        linked.addAll(facilities);
        return linked.size() <= MAX_LINKED_FACILITIES;
    }

    private static String tooManyFacilities() {
        return "the patient already has contact records from the most facilities careflow keeps for one patient ("
            + MAX_LINKED_FACILITIES + "): nothing changed";
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
