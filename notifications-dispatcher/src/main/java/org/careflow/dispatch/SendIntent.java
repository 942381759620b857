package org.careflow.dispatch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The durable note that an attempt to send a notification is about to go out. The dispatcher keeps it as the metadata
 * of the committed offset of the notification's own record, written (synchronously, by the partition's current owner)
 * right before each attempt, and replaced by the next offset once the outcome is acknowledged. So a dispatcher that
 * takes over the partition after a crash, or after the owner lost its group membership, finds the note exactly when
 * the record's fate is unknown, and checks what is known about it before sending again.
 *
 * <p>The commit that writes the note is also the ownership check: Kafka refuses it from a member of an older group
 * generation, so an instance that lost the partition learns it before sending, not after.
 *
 * @param notificationId the notification being sent
 * @param at             when the attempt started
 */
record SendIntent(String notificationId, Instant at) {

    private static final String PREFIX = "careflow.send-intent.v1 ";

    SendIntent {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(at, "at");
    }

    /** The offset metadata that records this intent. */
    String metadata() {
        return PREFIX + at.toEpochMilli() + " " + notificationId;
    }

    /** The intent recorded in a committed offset's metadata; empty for metadata that records none. */
    static Optional<SendIntent> parse(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = metadata.substring(PREFIX.length());
        int space = rest.indexOf(' ');
        if (space <= 0 || space == rest.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SendIntent(rest.substring(space + 1), Instant.ofEpochMilli(Long.parseLong(rest.substring(0, space)))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
