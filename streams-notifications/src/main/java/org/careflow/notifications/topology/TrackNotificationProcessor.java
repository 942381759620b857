package org.careflow.notifications.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.avro.specific.SpecificRecord;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.state.notifications.MessageStatusUpdate;
import org.careflow.state.notifications.NotificationRecord;
import org.careflow.state.notifications.PhoneIndexKind;
import org.careflow.state.notifications.PhoneIndexUpdate;
import org.careflow.state.notifications.StatusStep;

/**
 * Tracks each notification's delivery (keyed by notificationId): the notification itself, and its statuses from the
 * dispatcher and the provider's webhooks. Reports may arrive out of order and more than once: the status only moves
 * forward (QUEUED, SENT, DELIVERED, READ), FAILED is final, and each status is kept once in the history. A patient's
 * conversation log hears of every move.
 */
final class TrackNotificationProcessor extends ContextualProcessor<String, SpecificRecord, String, Emissions> {

    private static final Map<DeliveryStatus, Integer> RANK = Map.of(DeliveryStatus.QUEUED, 0, DeliveryStatus.SENT, 1,
        DeliveryStatus.DELIVERED, 2, DeliveryStatus.READ, 3, DeliveryStatus.FAILED, 4);

    private KeyValueStore<String, NotificationRecord> store;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        store = context.getStateStore(NotificationsTopology.NOTIFICATIONS_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String notificationId = record.key();
        if (notificationId == null || record.value() == null) {
            return;
        }
        NotificationRecord current = store.get(notificationId);
        NotificationRecord next = current != null ? current
            : NotificationRecord.newBuilder().setNotificationId(notificationId).build();
        DeliveryStatus before = next.getStatus();
        String providerIdBefore = next.getProviderMessageId();
        boolean announce;
        if (record.value() instanceof OutboundNotification notification) {
            if (next.getNotification() != null) {
                return;
            }
            next.setNotification(notification);
            // Statuses that came first are told now that the recipient is known.
            announce = next.getStatus() != null;
        } else if (record.value() instanceof NotificationStatus status) {
            if (!apply(next, status)) {
                return;
            }
            announce = next.getStatus() != before || (next.getProviderMessageId() != null && !next.getProviderMessageId().equals(providerIdBefore));
        } else {
            return;
        }
        store.put(notificationId, next);
        OutboundNotification notification = next.getNotification();
        if (announce && notification != null && notification.getRecipientKind() == RecipientKind.PATIENT && notification.getPatientId() != null) {
            Emissions out = new Emissions();
            out.statusUpdates.add(KeyValue.pair(notification.getPatientId(),
                new MessageStatusUpdate(notificationId, next.getStatus(), next.getProviderMessageId())));
            boolean idLearned = next.getProviderMessageId() != null
                && (record.value() instanceof OutboundNotification || !next.getProviderMessageId().equals(providerIdBefore));
            if (idLearned && notification.getRecipientAddress() != null
                && (notification.getChannel() == Channel.WHATSAPP || notification.getChannel() == Channel.SMS)) {
                // The phone's task learns what was sent to it, so that a reply on a shared phone finds its patient.
                out.phoneUpdates.add(KeyValue.pair(notification.getRecipientAddress(), PhoneIndexUpdate.newBuilder()
                    .setPatientId(notification.getPatientId()).setPresent(true).setKind(PhoneIndexKind.SENT)
                    .setProviderMessageId(next.getProviderMessageId()).setBookingId(notification.getRelatedBookingId())
                    .setExpiresAt(notification.getExpiresAt()).build()));
            }
            context().forward(new Record<>(null, out, record.timestamp()));
        }
    }

    /** Adds the status to the history once, and moves the current status forward only; false when it adds nothing. */
    static boolean apply(NotificationRecord record, NotificationStatus status) {
        boolean seen = record.getHistory().stream().anyMatch(s -> s.getStatus() == status.getStatus());
        if (seen && (status.getProviderMessageId() == null || status.getProviderMessageId().equals(record.getProviderMessageId()))) {
            return false;
        }
        if (!seen) {
            List<StatusStep> history = new ArrayList<>(record.getHistory());
            history.add(StatusStep.newBuilder().setStatus(status.getStatus()).setAt(status.getAt())
                .setProviderMessageId(status.getProviderMessageId())
                .setErrorCode(status.getError() == null ? null : status.getError().getCode())
                .setErrorMessage(status.getError() == null ? null : status.getError().getMessage())
                .setRetryable(status.getError() != null && status.getError().getRetryable()).build());
            record.setHistory(history);
        }
        if (record.getProviderMessageId() == null && status.getProviderMessageId() != null) {
            record.setProviderMessageId(status.getProviderMessageId());
        }
        DeliveryStatus held = record.getStatus();
        if (held != DeliveryStatus.FAILED && (held == null || RANK.get(status.getStatus()) > RANK.get(held))) {
            record.setStatus(status.getStatus());
        }
        return true;
    }
}
