package org.careflow.notifications.topology;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.notifications.ReminderCancelled;
import org.careflow.events.notifications.ReminderKind;
import org.careflow.events.notifications.ReminderScheduled;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.notifications.reminders.ReminderPolicy;
import org.careflow.state.notifications.BookingReminders;
import org.careflow.state.notifications.ContactTrust;
import org.careflow.state.notifications.MessageEntry;
import org.careflow.state.notifications.PatientMessages;
import org.careflow.state.notifications.PatientReminders;
import org.careflow.state.notifications.ReminderEntry;
import org.careflow.state.notifications.ReminderStatus;
import org.careflow.topics.BusinessMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The patient's task plans a confirmed booking's messages and sends them when due. Input: booking outcomes keyed by
 * patientId. A confirmation goes at once; reminders wait in a store ordered by due time, which a wall-clock punctuator
 * scans: each task sends its own partitions' reminders, so any number of instances share the work. Under exactly-once
 * a reminder's notification and its removal from the due index commit together: a restart cannot send it twice.
 *
 * <p>A patient's entry is bounded. At most {@link #MAX_OPEN_BOOKINGS} open bookings (confirmed, and not started or
 * with a message still to send) are held: a confirmation beyond them is refused (each of its messages is reported
 * cancelled with a reason, and counted as {@code refused_too_many_bookings}), so no pending reminder is ever dropped
 * to make room. Of the closed bookings (cancelled, or started, with nothing left to send) the
 * {@link #MAX_CLOSED_BOOKINGS} latest are kept, and none longer than {@link #KEEP_AFTER_APPOINTMENT} after its start.
 */
final class PlanRemindersProcessor extends ContextualProcessor<String, BookingOutcome, String, Emissions> {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRemindersProcessor.class);
    static final String CONFIRMATION_LABEL = "confirmation";
    /** How long a past booking stays visible on the reminders endpoint. */
    static final Duration KEEP_AFTER_APPOINTMENT = Duration.ofDays(30);
    /** Open bookings a patient may hold: as many as streams-scheduling lets them confirm. */
    static final int MAX_OPEN_BOOKINGS = 200;
    /** Closed bookings (cancelled, or started, nothing left to send) kept for the reminders endpoint, the latest first. */
    static final int MAX_CLOSED_BOOKINGS = 50;
    static final String TOO_MANY_BOOKINGS = "the patient holds the most bookings careflow plans messages for ("
        + MAX_OPEN_BOOKINGS + "): no messages for this booking";

    private final ReminderPolicy policy;
    private final Duration punctuateInterval;
    private final int maxLogEntries;
    private KeyValueStore<String, PatientReminders> reminders;
    private KeyValueStore<String, String> dueIndex;
    private KeyValueStore<String, PatientContact> contacts;
    private KeyValueStore<String, PatientMessages> messages;
    private KeyValueStore<String, ContactTrust> trusts;

    private final BusinessMetrics metrics;
    private ContactWrites writes;
    /** Where the next scan of the due index starts (epoch ms); 0 after a (re)start, so nothing indexed before is missed. */
    private long scanFrom;

    PlanRemindersProcessor(ReminderPolicy policy, Duration punctuateInterval, int maxLogEntries, BusinessMetrics metrics) {
        this.policy = policy;
        this.punctuateInterval = punctuateInterval;
        this.maxLogEntries = maxLogEntries;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        reminders = context.getStateStore(NotificationsTopology.REMINDERS_STORE);
        dueIndex = context.getStateStore(NotificationsTopology.DUE_INDEX_STORE);
        contacts = context.getStateStore(NotificationsTopology.CONTACTS_STORE);
        messages = context.getStateStore(NotificationsTopology.MESSAGES_STORE);
        trusts = context.getStateStore(NotificationsTopology.CONTACT_TRUST_STORE);
        writes = new ContactWrites(contacts, trusts, reminders, messages, metrics, maxLogEntries);
        context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::sendDue);
    }

    @Override
    public void process(Record<String, BookingOutcome> record) {
        BookingOutcome outcome = record.value();
        if (outcome == null || record.key() == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
        String patientId = record.key();
        PatientReminders state = reminders.get(patientId);
        List<BookingReminders> bookings = state == null ? new ArrayList<>() : new ArrayList<>(state.getBookings());
        BookingReminders known = bookings.stream().filter(b -> b.getBookingId().equals(outcome.getBookingId())).findFirst().orElse(null);
        Emissions out = new Emissions();
        boolean confirmsNew = outcome.getStatus() == BookingStatus.CONFIRMED && known == null;
        if (confirmsNew && bookings.stream().filter(b -> isOpen(b, now)).count() >= MAX_OPEN_BOOKINGS) {
            refuse(patientId, outcome, now, out);
            forward(out, record.timestamp());
            return;
        }
        if (confirmsNew) {
            // The booking links its facility to the patient: a contact that facility wrote while unlinked applies now.
            writes.linked(patientId, outcome.getFacilityId(), now, out);
            BookingReminders planned = plan(patientId, outcome, now, out);
            bookings.add(planned);
            sendIfDue(patientId, planned, now, out);
        } else if (outcome.getStatus() == BookingStatus.CANCELLED && known != null && known.getStatus() != BookingStatus.CANCELLED) {
            known.setStatus(BookingStatus.CANCELLED);
            for (ReminderEntry entry : known.getReminders()) {
                if (entry.getStatus() == ReminderStatus.PENDING) {
                    cancel(patientId, known, entry, ReminderStatus.CANCELLED, "booking cancelled", now, out);
                }
            }
        } else {
            return;
        }
        bookings = bounded(bookings, now);
        reminders.put(patientId, PatientReminders.newBuilder().setPatientId(patientId).setBookings(bookings).build());
        forward(out, record.timestamp());
    }

    /** Open: confirmed, and either not started yet or with a message still to send. */
    static boolean isOpen(BookingReminders booking, Instant now) {
        return booking.getStatus() != BookingStatus.CANCELLED
            && (booking.getSlotStart().isAfter(now) || booking.getReminders().stream().anyMatch(r -> r.getStatus() == ReminderStatus.PENDING));
    }

    /**
     * The bookings to keep: every open one, and the latest {@link #MAX_CLOSED_BOOKINGS} closed ones (by appointment
     * start) that started less than {@link #KEEP_AFTER_APPOINTMENT} ago. A booking with a pending message is never
     * dropped. Keeps the given order.
     */
    static List<BookingReminders> bounded(List<BookingReminders> bookings, Instant now) {
        List<BookingReminders> closed = bookings.stream().filter(b -> !isOpen(b, now))
            .sorted(Comparator.comparing(BookingReminders::getSlotStart).reversed()).toList();
        Set<BookingReminders> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < closed.size(); i++) {
            BookingReminders b = closed.get(i);
            boolean pending = b.getReminders().stream().anyMatch(r -> r.getStatus() == ReminderStatus.PENDING);
            if (!pending && (i >= MAX_CLOSED_BOOKINGS || b.getSlotStart().plus(KEEP_AFTER_APPOINTMENT).isBefore(now))) {
                dropped.add(b);
            }
        }
        List<BookingReminders> kept = new ArrayList<>(bookings);
        kept.removeIf(dropped::contains);
        return kept;
    }

    /**
     * A confirmation beyond {@link #MAX_OPEN_BOOKINGS}: nothing is planned or stored; each message it would have had is
     * reported cancelled with the reason, so the refusal is readable on the reminders-cancelled topic.
     */
    private void refuse(String patientId, BookingOutcome outcome, Instant now, Emissions out) {
        BookingReminders booking = BookingReminders.newBuilder()
            .setBookingId(outcome.getBookingId()).setProviderId(outcome.getProviderId()).setFacilityId(outcome.getFacilityId())
            .setAppointmentType(outcome.getAppointmentType()).setSlotStart(outcome.getSlotStart()).setStatus(BookingStatus.CONFIRMED)
            .build();
        cancel(patientId, booking, entry(outcome.getBookingId(), ReminderKind.CONFIRMATION, CONFIRMATION_LABEL, now, now,
            ReminderStatus.CANCELLED, null), ReminderStatus.CANCELLED, TOO_MANY_BOOKINGS, now, out);
        PatientContact contact = contactFor(patientId, outcome.getFacilityId());
        ZoneId zone = contact != null ? ZoneId.of(contact.getTimeZone()) : policy.defaultZone();
        for (ReminderPolicy.Offset offset : policy.offsetsFor(outcome.getFacilityId(), outcome.getAppointmentType())) {
            ReminderPolicy.Plan plan = policy.plan(now, outcome.getSlotStart(), zone, offset);
            cancel(patientId, booking, entry(outcome.getBookingId(), ReminderKind.REMINDER, offset.label(), plan.plannedAt(),
                plan.skipped() ? plan.plannedAt() : plan.dueAt(), ReminderStatus.CANCELLED, null),
                ReminderStatus.CANCELLED, TOO_MANY_BOOKINGS, now, out);
        }
        metrics.reminder("refused_too_many_bookings");
        LOG.warn("A confirmed booking was refused reminders: the patient holds {} bookings with messages to send", MAX_OPEN_BOOKINGS);
    }

    private BookingReminders plan(String patientId, BookingOutcome outcome, Instant now, Emissions out) {
        PatientContact contact = contactFor(patientId, outcome.getFacilityId());
        ZoneId zone = contact != null ? ZoneId.of(contact.getTimeZone()) : policy.defaultZone();
        BookingReminders booking = BookingReminders.newBuilder()
            .setBookingId(outcome.getBookingId()).setProviderId(outcome.getProviderId()).setFacilityId(outcome.getFacilityId())
            .setAppointmentType(outcome.getAppointmentType()).setSlotStart(outcome.getSlotStart()).setStatus(BookingStatus.CONFIRMED)
            .build();
        List<ReminderEntry> entries = new ArrayList<>();
        // The confirmation answers the patient's own booking, so it goes at once, quiet hours or not.
        entries.add(entry(outcome.getBookingId(), ReminderKind.CONFIRMATION, CONFIRMATION_LABEL, now, now, ReminderStatus.PENDING, null));
        for (ReminderPolicy.Offset offset : policy.offsetsFor(outcome.getFacilityId(), outcome.getAppointmentType())) {
            ReminderPolicy.Plan plan = policy.plan(now, outcome.getSlotStart(), zone, offset);
            entries.add(plan.skipped()
                ? entry(outcome.getBookingId(), ReminderKind.REMINDER, offset.label(), plan.plannedAt(), plan.plannedAt(), ReminderStatus.SKIPPED, plan.note())
                : entry(outcome.getBookingId(), ReminderKind.REMINDER, offset.label(), plan.plannedAt(), plan.dueAt(), ReminderStatus.PENDING, plan.note()));
        }
        booking.setReminders(entries);
        for (ReminderEntry entry : entries) {
            if (entry.getStatus() == ReminderStatus.PENDING) {
                if (entry.getDueAt().isAfter(now)) {
                    // What is due already (the confirmation) is sent by sendIfDue at once: indexing it would only leave a
                    // deletion behind in the index, which every later scan of the index would have to step over.
                    index(entry.getDueAt().toEpochMilli(), entry.getReminderId(), patientId);
                }
                out.scheduled.add(KeyValue.pair(patientId, ReminderScheduled.newBuilder()
                    .setEventId(Ids.derived("reminder-scheduled", entry.getReminderId())).setOccurredAt(now)
                    .setReminderId(entry.getReminderId()).setBookingId(booking.getBookingId()).setPatientId(patientId)
                    .setKind(entry.getKind()).setOffsetLabel(entry.getOffsetLabel()).setDueAt(entry.getDueAt())
                    .setSlotStart(booking.getSlotStart()).setProviderId(booking.getProviderId())
                    .setFacilityId(booking.getFacilityId() == null ? "" : booking.getFacilityId())
                    .setAppointmentType(booking.getAppointmentType()).build()));
            }
        }
        return booking;
    }

    private static ReminderEntry entry(String bookingId, ReminderKind kind, String label, Instant plannedAt, Instant dueAt,
                                       ReminderStatus status, String note) {
        return ReminderEntry.newBuilder().setReminderId(Ids.reminderId(bookingId, label)).setKind(kind).setOffsetLabel(label)
            .setPlannedAt(plannedAt).setDueAt(dueAt).setStatus(status).setNote(note).build();
    }

    /** Sends the booking's entries that are due already: the confirmation. */
    private void sendIfDue(String patientId, BookingReminders booking, Instant now, Emissions out) {
        for (ReminderEntry entry : booking.getReminders()) {
            if (entry.getStatus() == ReminderStatus.PENDING && !entry.getDueAt().isAfter(now)) {
                send(patientId, booking, entry, now, out);
            }
        }
    }

    private void index(long dueAtMillis, String reminderId, String patientId) {
        dueIndex.put(Ids.dueKey(dueAtMillis, reminderId), patientId);
        scanFrom = Math.min(scanFrom, dueAtMillis);
    }

    /**
     * The punctuation: every reminder of this task due by now is sent, or suppressed when the patient cannot be messaged.
     * The scan starts where the last one ended (or at the earliest entry indexed since, should the clock have gone back):
     * everything before was sent and deleted, and a scan from the start of the index would step over every deletion
     * since the store's last compaction, a cost that grows with every booking ever planned.
     */
    private void sendDue(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        List<KeyValue<String, String>> due = new ArrayList<>();
        long from = scanFrom;
        if (from > wallClockMillis) {
            return;
        }
        try (KeyValueIterator<String, String> it = dueIndex.range(Ids.dueKey(from, ""), Ids.dueUpTo(wallClockMillis))) {
            it.forEachRemaining(due::add);
        }
        scanFrom = wallClockMillis + 1;
        for (KeyValue<String, String> kv : due) {
            String patientId = kv.value;
            String reminderId = kv.key.substring(kv.key.indexOf('/') + 1);
            dueIndex.delete(kv.key);
            PatientReminders state = reminders.get(patientId);
            if (state == null) {
                continue;
            }
            Emissions out = new Emissions();
            for (BookingReminders booking : state.getBookings()) {
                for (ReminderEntry entry : booking.getReminders()) {
                    if (entry.getReminderId().equals(reminderId) && entry.getStatus() == ReminderStatus.PENDING) {
                        send(patientId, booking, entry, now, out);
                    }
                }
            }
            reminders.put(patientId, state);
            forward(out, wallClockMillis);
        }
    }

    /**
     * Turns a due entry into a notification, or suppresses it; updates the entry in place. Its index entry is gone already:
     * the punctuation deletes what it takes, and what is due at planning is never indexed.
     */
    private void send(String patientId, BookingReminders booking, ReminderEntry entry, Instant now, Emissions out) {
        PatientContact contact = contactFor(patientId, booking.getFacilityId());
        if (contact == null) {
            cancel(patientId, booking, entry, ReminderStatus.SUPPRESSED, "no contact details for the patient", now, out);
            return;
        }
        if (!contact.getConsent().getGranted()) {
            // Reminders and confirmations are not messages the patient must legally receive: no consent, no message.
            cancel(patientId, booking, entry, ReminderStatus.SUPPRESSED, "the patient has not consented to messages", now, out);
            return;
        }
        Channel channel = Messages.channel(contact);
        if (channel == null) {
            cancel(patientId, booking, entry, ReminderStatus.SUPPRESSED, "the patient's contact has no address", now, out);
            return;
        }
        PatientMessages log = messages.get(patientId);
        OutboundNotification notification = Messages.forReminder(booking, entry, patientId, contact, channel, log, now);
        entry.setStatus(ReminderStatus.SENT);
        entry.setNotificationId(notification.getNotificationId());
        MessageEntry logged = Messages.outboundEntry(notification);
        messages.put(patientId, Messages.append(log, patientId, logged, maxLogEntries));
        out.messageLog.add(Messages.logEvent(patientId, logged, now));
        out.outbound.add(KeyValue.pair(notification.getNotificationId(), notification));
        LOG.debug("Reminder {} due; notification emitted", entry.getOffsetLabel());
    }

    /** A booking's messages go where the patient, or the booking's facility, said: never where another facility said. */
    private PatientContact contactFor(String patientId, String facilityId) {
        return ContactWrites.effective(contacts.get(patientId), trusts.get(patientId), facilityId);
    }

    private static void cancel(String patientId, BookingReminders booking, ReminderEntry entry, ReminderStatus status, String reason,
                               Instant now, Emissions out) {
        entry.setStatus(status);
        entry.setNote(reason);
        out.cancelled.add(KeyValue.pair(patientId, ReminderCancelled.newBuilder()
            .setEventId(Ids.derived("reminder-cancelled", entry.getReminderId())).setOccurredAt(now)
            .setReminderId(entry.getReminderId()).setBookingId(booking.getBookingId()).setPatientId(patientId)
            .setKind(entry.getKind()).setOffsetLabel(entry.getOffsetLabel()).setDueAt(entry.getDueAt()).setReason(reason).build()));
    }

    private void forward(Emissions out, long timestamp) {
        if (!out.isEmpty()) {
            context().forward(new Record<>(null, out, timestamp));
        }
    }
}
