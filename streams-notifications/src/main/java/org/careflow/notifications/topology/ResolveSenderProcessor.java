package org.careflow.notifications.topology;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.MessageIntent;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.notifications.replies.ReplyVocabulary;
import org.careflow.state.notifications.PhonePatients;
import org.careflow.state.notifications.PhoneSent;

/**
 * Finds whose an inbound message (keyed by the sender's phone) is. Only patients the phone is bound to (verified, or
 * written by a linked facility) are ever acted for; a patient still verifying the phone is reached only by the code.
 * What the message may do for the patient (all their bookings, or only those of the facilities whose write bound the
 * phone) is decided by the patient's task, which holds the records.
 * In order: a verification code pending for the phone goes to the patient who asked for it; a reply to a message
 * careflow sent to the phone goes to that message's patient; a phone bound to one patient goes to them. On a phone
 * bound to several (a family's): STOP and START go to each; CONFIRM or CANCEL go to the one patient with an open
 * appointment messaged to the phone, or, with several, careflow asks which appointment (a clarification message)
 * rather than guessing; anything else, and a phone bound to nobody, goes to the messaging inbox for a person.
 */
final class ResolveSenderProcessor extends ContextualProcessor<String, InboundMessage, String, Emissions> {

    static final String CLARIFY_TEMPLATE = "which_appointment";

    private final ReplyVocabulary vocabulary;
    private final String language;
    private KeyValueStore<String, PhonePatients> index;

    ResolveSenderProcessor(ReplyVocabulary vocabulary, String language) {
        this.vocabulary = vocabulary;
        this.language = language;
    }

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        index = context.getStateStore(NotificationsTopology.PHONE_INDEX_STORE);
    }

    @Override
    public void process(Record<String, InboundMessage> record) {
        InboundMessage message = record.value();
        if (message == null) {
            return;
        }
        String phone = record.key() != null ? record.key() : message.getFromPhone();
        PhonePatients entry = index.get(phone);
        PhonePatients patients = entry != null ? entry : PhonePatients.newBuilder().build();
        Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
        List<String> bound = patients.getPatientIds();
        Emissions out = new Emissions();
        String code = ContactWrites.digits(message.getText());
        List<String> verifying = patients.getPending().stream()
            .filter(p -> !code.isEmpty() && p.getCode().equals(code) && p.getExpiresAt().isAfter(now))
            .map(p -> p.getPatientId()).toList();
        Replies.Reading reading = Replies.intent(message, vocabulary, null);
        PhoneSent answered = answered(patients, message, reading);
        if (!verifying.isEmpty()) {
            verifying.forEach(patientId -> toPatient(out, patientId, message));
        } else if (answered != null && bound.contains(answered.getPatientId())) {
            toPatient(out, answered.getPatientId(), message);
        } else if (bound.size() == 1) {
            toPatient(out, bound.get(0), message);
        } else if (bound.size() > 1 && (reading.intent() == MessageIntent.STOP || reading.intent() == MessageIntent.START)) {
            // The phone's owner opts the phone in or out: every patient it is bound to.
            bound.forEach(patientId -> toPatient(out, patientId, message));
        } else if (bound.size() > 1 && (reading.intent() == MessageIntent.CONFIRM || reading.intent() == MessageIntent.CANCEL)) {
            List<String> open = patients.getRecent().stream()
                .filter(s -> s.getBookingId() != null && bound.contains(s.getPatientId()) && s.getExpiresAt() != null && s.getExpiresAt().isAfter(now))
                .map(PhoneSent::getPatientId).distinct().toList();
            if (open.size() == 1) {
                toPatient(out, open.get(0), message);
            } else if (open.size() > 1) {
                out.outbound.add(KeyValue.pair(Ids.derived("notification", "clarify:" + message.getMessageId()),
                    clarification(phone, message, open.size(), now)));
            } else {
                toInbox(out, phone, message, reading);
            }
        } else {
            toInbox(out, phone, message, reading);
        }
        context().forward(new Record<>(null, out, record.timestamp()));
    }

    /** The message careflow sent to this phone that the reply answers: by WhatsApp's context id, else a button's booking. */
    private static PhoneSent answered(PhonePatients patients, InboundMessage message, Replies.Reading reading) {
        String context = message.getReplyToProviderMessageId();
        if (context != null) {
            PhoneSent sent = patients.getRecent().stream().filter(s -> s.getProviderMessageId().equals(context)).findFirst().orElse(null);
            if (sent != null) {
                return sent;
            }
        }
        if (reading.bookingId() != null) {
            List<String> owners = patients.getRecent().stream().filter(s -> Objects.equals(s.getBookingId(), reading.bookingId()))
                .map(PhoneSent::getPatientId).distinct().toList();
            if (owners.size() == 1) {
                return patients.getRecent().stream().filter(s -> Objects.equals(s.getBookingId(), reading.bookingId())).findFirst().orElseThrow();
            }
        }
        return null;
    }

    /** Asks the phone which appointment it means: inside the free-form window the patient's message just opened. */
    private OutboundNotification clarification(String phone, InboundMessage message, int appointments, Instant now) {
        String key = "clarify:" + message.getMessageId();
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("appointments", Integer.toString(appointments));
        Instant windowEnds = message.getReceivedAt().plus(Messages.SESSION_WINDOW);
        return OutboundNotification.newBuilder()
            .setEventId(Ids.derived("outbound-event", key)).setOccurredAt(now).setNotificationId(Ids.derived("notification", key))
            .setIdempotencyKey(key).setRecipientKind(RecipientKind.PATIENT).setRecipientAddress(phone).setChannel(Channel.WHATSAPP)
            .setTemplateId(CLARIFY_TEMPLATE).setLanguage(language).setTemplateParameters(parameters)
            .setSessionWindowEndsAt(windowEnds.isAfter(now) ? windowEnds : null).build();
    }

    private static void toPatient(Emissions out, String patientId, InboundMessage message) {
        out.replies.add(KeyValue.pair(patientId, InboundMessage.newBuilder(message).setPatientId(patientId).build()));
    }

    private static void toInbox(Emissions out, String phone, InboundMessage message, Replies.Reading reading) {
        out.inbox.add(KeyValue.pair(phone, InboundMessage.newBuilder(message).setIntent(reading.intent()).build()));
    }
}
