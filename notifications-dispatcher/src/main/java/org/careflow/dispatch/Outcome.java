package org.careflow.dispatch;

import org.careflow.events.notifications.NotificationStatus;

/**
 * What handling one notification came to: the status to publish and, when staff must see it, the dead letter.
 *
 * @param status     the SENT or FAILED status; null when the notification was skipped as already sent
 * @param deadLetter why it goes to the dead-letter topic, or null when it does not
 * @param attempts   how many times sending was tried
 */
record Outcome(NotificationStatus status, DeadLetter deadLetter, int attempts) {

    static final Outcome ALREADY_SENT = new Outcome(null, null, 0);

    boolean skipped() {
        return status == null;
    }
}
