package org.careflow.notifications.topology;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.notifications.replies.ReplyVocabulary;
import org.careflow.state.notifications.PhonePatients;

/**
 * Finds the patient who sent an inbound message (keyed by the sender's phone). Exactly one patient with that phone:
 * the message goes on to the patient's task to act. None, or several sharing a phone: careflow cannot know whose it
 * is, so it goes to the messaging inbox for a person.
 */
final class ResolveSenderProcessor extends ContextualProcessor<String, InboundMessage, String, Emissions> {

    private final ReplyVocabulary vocabulary;
    private KeyValueStore<String, PhonePatients> index;

    ResolveSenderProcessor(ReplyVocabulary vocabulary) {
        this.vocabulary = vocabulary;
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
        PhonePatients patients = index.get(phone);
        Emissions out = new Emissions();
        if (patients != null && patients.getPatientIds().size() == 1) {
            String patientId = patients.getPatientIds().get(0);
            out.replies.add(KeyValue.pair(patientId, InboundMessage.newBuilder(message).setPatientId(patientId).build()));
        } else {
            out.inbox.add(KeyValue.pair(phone, InboundMessage.newBuilder(message)
                .setIntent(Replies.intent(message, vocabulary, null).intent()).build()));
        }
        context().forward(new Record<>(null, out, record.timestamp()));
    }
}
