package org.careflow.dispatch;

import java.time.Instant;
import java.util.Optional;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;

/**
 * What {@link NotificationHandler} asks about a notification's sends, kept outside it so that its decisions need no
 * Kafka: the dispatcher records a {@link SendIntent} before each attempt and looks up the status reports on
 * {@code notification-statuses}.
 */
interface SendLedger {

    /** Knows nothing and records nothing: for a handler used without Kafka. */
    SendLedger NONE = new SendLedger() {
        @Override
        public void intend(OutboundNotification notification, Instant at) {
        }

        @Override
        public Optional<NotificationStatus> reportedSent(String notificationId, Instant since) {
            return Optional.empty();
        }
    };

    /**
     * Records, durably, that an attempt to send {@code notification} starts at {@code at}.
     *
     * @throws NotOwnerException    when this dispatcher no longer owns the notification: nothing may be sent
     * @throws InterruptedException when the dispatcher is closing
     */
    void intend(OutboundNotification notification, Instant at) throws InterruptedException;

    /**
     * The latest report, since about {@code since}, that the notification went out (SENT from a dispatcher, or the
     * provider's SENT, DELIVERED or READ); empty when there is none.
     *
     * @throws StatusReports.Unreadable when the reports cannot be read now (the registry or the broker is unavailable)
     */
    Optional<NotificationStatus> reportedSent(String notificationId, Instant since) throws InterruptedException;

    /** This dispatcher lost the notification's partition to another: it must not send, publish or commit it. */
    final class NotOwnerException extends RuntimeException {
        NotOwnerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
