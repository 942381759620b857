package org.careflow.notifications.topology;

import java.time.Instant;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.state.notifications.MessageEntry;
import org.careflow.state.notifications.MessageStatusUpdate;
import org.careflow.state.notifications.PatientMessages;

/** Shows an outbound message's latest status in the patient's conversation log (keyed by patientId), and on the message-log topic. */
final class UpdateMessageLogProcessor extends ContextualProcessor<String, MessageStatusUpdate, String, Emissions> {

    private KeyValueStore<String, PatientMessages> messages;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        messages = context.getStateStore(NotificationsTopology.MESSAGES_STORE);
    }

    @Override
    public void process(Record<String, MessageStatusUpdate> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        PatientMessages log = messages.get(record.key());
        if (log == null) {
            return;
        }
        for (MessageEntry entry : log.getEntries()) {
            if (entry.getId().equals(record.value().getNotificationId())) {
                entry.setStatus(record.value().getStatus());
                if (record.value().getProviderMessageId() != null) {
                    entry.setProviderMessageId(record.value().getProviderMessageId());
                }
                messages.put(record.key(), log);
                Emissions out = new Emissions();
                out.messageLog.add(Messages.logEvent(record.key(), entry, Instant.ofEpochMilli(context().currentSystemTimeMs())));
                context().forward(new Record<>(null, out, record.timestamp()));
                return;
            }
        }
    }
}
