package org.careflow.dispatch;

import java.time.Instant;
import org.careflow.events.notifications.NotificationStatus;

/**
 * What handling one notification came to: the status to publish and, when staff must see it, the dead letter.
 *
 * @param status         the SENT or FAILED status; null when the notification was skipped as already sent
 * @param deadLetter     why it goes to the dead-letter topic, or null when it does not
 * @param attempts       how many times sending was tried
 * @param inDoubt        how a send whose fate was unknown was resolved ({@code reported_sent} or {@code sent_again}),
 *                       or null when no send was in doubt
 * @param sentAttemptAt  when the attempt the provider accepted started; null unless this handling sent it
 */
record Outcome(NotificationStatus status, DeadLetter deadLetter, int attempts, String inDoubt, Instant sentAttemptAt) {

    static final String REPORTED_SENT = "reported_sent";
    static final String SENT_AGAIN = "sent_again";

    static final Outcome ALREADY_SENT = new Outcome(null, null, 0);

    Outcome(NotificationStatus status, DeadLetter deadLetter, int attempts) {
        this(status, deadLetter, attempts, null, null);
    }

    boolean skipped() {
        return status == null;
    }

    Outcome inDoubt(String resolution) {
        return new Outcome(status, deadLetter, attempts, resolution, sentAttemptAt);
    }
}
