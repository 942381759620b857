package org.careflow.notifications.topology;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.ConsentChange;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.MessageIntent;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.notifications.replies.ReplyVocabulary;
import org.careflow.state.notifications.BookingReminders;
import org.careflow.state.notifications.ContactTrust;
import org.careflow.state.notifications.Direction;
import org.careflow.state.notifications.MessageEntry;
import org.careflow.state.notifications.PatientMessages;
import org.careflow.state.notifications.PatientReminders;
import org.careflow.topics.BusinessMetrics;

/**
 * Acts on a patient's message (keyed by patientId). CONFIRM records that the patient will come; CANCEL asks scheduling
 * to cancel the booking, through its cancellation topic like any other canceller; STOP and START change messaging
 * consent; anything else, or a CONFIRM or CANCEL with no booking to apply it to, goes to the messaging inbox. The
 * booking is the one a button named, else the one whose message the patient replied to, else the patient's next
 * upcoming appointment. A message delivered twice acts once. A message carrying the code of the patient's pending phone
 * verification, from that phone, binds the phone instead. Nothing is done for a patient whose phone is not the
 * sender's: the phone index may lag behind a change, so this task checks again against the records it holds. A phone
 * bound to the patient only by some facilities' contact writes acts only on those facilities' bookings, and its STOP or
 * START concerns only their messages; the patient's own phone acts on everything.
 */
final class ActOnReplyProcessor extends ContextualProcessor<String, InboundMessage, String, Emissions> {

    static final String ATTENDANCE_CONFIRMED = "ATTENDANCE_CONFIRMED";
    static final String CANCELLATION_REQUESTED = "CANCELLATION_REQUESTED";
    static final String CONSENT_REVOKED = "CONSENT_REVOKED";
    static final String CONSENT_GRANTED = "CONSENT_GRANTED";
    static final String TO_INBOX = "TO_INBOX";
    static final String PHONE_VERIFIED = "PHONE_VERIFIED";

    private final ReplyVocabulary vocabulary;
    private final int maxLogEntries;
    private final BusinessMetrics metrics;
    private ContactWrites writes;
    private KeyValueStore<String, PatientContact> contacts;
    private KeyValueStore<String, PatientReminders> reminders;
    private KeyValueStore<String, PatientMessages> messages;
    private KeyValueStore<String, ContactTrust> trusts;

    ActOnReplyProcessor(ReplyVocabulary vocabulary, int maxLogEntries, BusinessMetrics metrics) {
        this.vocabulary = vocabulary;
        this.maxLogEntries = maxLogEntries;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        contacts = context.getStateStore(NotificationsTopology.CONTACTS_STORE);
        reminders = context.getStateStore(NotificationsTopology.REMINDERS_STORE);
        messages = context.getStateStore(NotificationsTopology.MESSAGES_STORE);
        trusts = context.getStateStore(NotificationsTopology.CONTACT_TRUST_STORE);
        writes = new ContactWrites(contacts, trusts, reminders, messages, metrics, maxLogEntries);
    }

    @Override
    public void process(Record<String, InboundMessage> record) {
        String patientId = record.key();
        InboundMessage message = record.value();
        if (patientId == null || message == null) {
            return;
        }
        PatientMessages log = messages.get(patientId);
        if (log != null && log.getEntries().stream().anyMatch(e -> e.getDirection() == Direction.INBOUND && e.getId().equals(message.getMessageId()))) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
        Emissions out = new Emissions();
        if (writes.verify(patientId, message.getFromPhone(), message.getText(), message.getMessageId(), now, out)) {
            MessageEntry entry = MessageEntry.newBuilder().setDirection(Direction.INBOUND).setId(message.getMessageId())
                .setAt(message.getReceivedAt()).setChannel(message.getChannel()).setText(message.getText()).setAction(PHONE_VERIFIED).build();
            messages.put(patientId, Messages.append(messages.get(patientId), patientId, entry, maxLogEntries));
            out.messageLog.add(Messages.logEvent(patientId, entry, now));
            context().forward(new Record<>(null, out, record.timestamp()));
            return;
        }
        ContactWrites.ReplyScope scope = ContactWrites.replyScope(contacts.get(patientId), trusts.get(patientId), message.getFromPhone());
        Replies.Reading reading = Replies.intent(message, vocabulary, scope.contact() == null ? null : scope.contact().getLanguage());
        if (scope.none()) {
            // The phone is not (or no longer) this patient's: nothing is done for them, a person reads it.
            out.inbox.add(KeyValue.pair(message.getFromPhone(), InboundMessage.newBuilder(message).setPatientId(null)
                .setIntent(reading.intent()).build()));
            context().forward(new Record<>(null, out, record.timestamp()));
            return;
        }
        MessageEntry repliedTo = message.getReplyToProviderMessageId() == null || log == null ? null : log.getEntries().stream()
            .filter(e -> e.getDirection() == Direction.OUTBOUND && message.getReplyToProviderMessageId().equals(e.getProviderMessageId()))
            .findFirst().orElse(null);
        InboundMessage resolved = InboundMessage.newBuilder(message).setPatientId(patientId).setIntent(reading.intent())
            .setInReplyTo(repliedTo == null ? null : repliedTo.getId()).build();
        String action;
        String bookingId = null;
        switch (reading.intent()) {
            case CONFIRM, CANCEL -> {
                PatientReminders state = reminders.get(patientId);
                Optional<BookingReminders> booking = booking(state, reading.bookingId() != null ? reading.bookingId()
                    : repliedTo != null ? repliedTo.getBookingId() : null, scope, now);
                if (booking.isEmpty()) {
                    action = TO_INBOX;
                    out.inbox.add(KeyValue.pair(message.getFromPhone(), resolved));
                } else if (reading.intent() == MessageIntent.CONFIRM) {
                    bookingId = booking.get().getBookingId();
                    booking.get().setAttendanceConfirmedAt(message.getReceivedAt());
                    reminders.put(patientId, state);
                    action = ATTENDANCE_CONFIRMED;
                } else {
                    bookingId = booking.get().getBookingId();
                    out.cancellations.add(KeyValue.pair(bookingId, BookingCancellation.newBuilder()
                        .setEventId(Ids.derived("reply-cancellation", message.getMessageId())).setOccurredAt(now)
                        .setBookingId(bookingId).setPatientId(patientId).setReason("patient replied to cancel")
                        .setCancelledBy(CancelledBy.PATIENT).build()));
                    action = CANCELLATION_REQUESTED;
                }
            }
            case STOP, START -> {
                boolean granted = reading.intent() == MessageIntent.START;
                ConsentChange change = ConsentChange.newBuilder().setEventId(Ids.derived("consent", message.getMessageId()))
                    .setOccurredAt(now).setPatientId(patientId).setGranted(granted).setSource(ConsentSource.PATIENT_MESSAGE)
                    .setEvidence(message.getMessageId()).setAt(message.getReceivedAt())
                    .setFacilityIds(scope.consentFacilities()).build();
                // From a phone only some facilities bound, it concerns only their messages.
                ContactWrites.applyConsent(contacts, trusts, patientId, change);
                out.consents.add(KeyValue.pair(patientId, change));
                action = granted ? CONSENT_GRANTED : CONSENT_REVOKED;
            }
            default -> {
                action = TO_INBOX;
                out.inbox.add(KeyValue.pair(message.getFromPhone(), resolved));
            }
        }
        MessageEntry entry = MessageEntry.newBuilder().setDirection(Direction.INBOUND).setId(message.getMessageId())
            .setAt(message.getReceivedAt()).setChannel(message.getChannel()).setText(message.getText()).setIntent(reading.intent())
            .setAction(action).setBookingId(bookingId).setInReplyTo(resolved.getInReplyTo()).build();
        messages.put(patientId, Messages.append(log, patientId, entry, maxLogEntries));
        out.messageLog.add(Messages.logEvent(patientId, entry, now));
        context().forward(new Record<>(null, out, record.timestamp()));
    }

    /**
     * The confirmed, upcoming booking named, or the patient's next one when none is named; only among the bookings the
     * phone may act on (a phone one facility bound acts only on that facility's bookings).
     */
    private static Optional<BookingReminders> booking(PatientReminders state, String named, ContactWrites.ReplyScope scope, Instant now) {
        if (state == null) {
            return Optional.empty();
        }
        List<BookingReminders> upcoming = state.getBookings().stream()
            .filter(b -> b.getStatus() == BookingStatus.CONFIRMED && b.getSlotStart().isAfter(now) && scope.covers(b.getFacilityId()))
            .toList();
        if (named != null) {
            return upcoming.stream().filter(b -> Objects.equals(b.getBookingId(), named)).findFirst();
        }
        return upcoming.stream().min(Comparator.comparing(BookingReminders::getSlotStart));
    }
}
