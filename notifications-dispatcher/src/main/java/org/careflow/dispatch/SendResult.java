package org.careflow.dispatch;

import java.time.Duration;
import java.util.Objects;

/** What one attempt to hand a notification to a provider came to. */
sealed interface SendResult {

    /** The provider accepted the message; {@code providerMessageId} is null when it gives none (webhooks). */
    record Sent(String providerMessageId) implements SendResult {
    }

    /**
     * The provider refused it or could not be reached.
     *
     * @param code       the provider's error code, or ours (HTTP_500, TIMEOUT, ...)
     * @param message    a human-readable cause without message content, at most 300 characters
     * @param retryable  true when the same request may succeed later
     * @param retryAfter how long the provider asked us to wait, or null
     */
    record Failed(String code, String message, boolean retryable, Duration retryAfter) implements SendResult {

        static final int MAX_MESSAGE_LENGTH = 300;

        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            if (message.length() > MAX_MESSAGE_LENGTH) {
                message = message.substring(0, MAX_MESSAGE_LENGTH);
            }
        }

        static Failed permanent(String code, String message) {
            return new Failed(code, message, false, null);
        }
    }
}
