package org.careflow.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Why the dispatcher gave up on a notification, as carried in the headers of its copy on
 * {@code outbound-dead-letters}. The reason is for staff; it never holds message content or phone numbers.
 *
 * @param reason    human-readable, e.g. "No on-call contact is configured for the facility"
 * @param errorCode the provider's code, or ours (EXPIRED, NO_ADDRESS, CHANNEL_UNSUPPORTED, HTTP_500, ...)
 * @param attempts  how many times sending was tried; 0 when it never was
 * @param failedAt  when the dispatcher gave up
 */
public record DeadLetter(String reason, String errorCode, int attempts, Instant failedAt) {

    public static final String REASON_HEADER = "careflow.dlq.reason";
    public static final String ERROR_CODE_HEADER = "careflow.dlq.error.code";
    public static final String ATTEMPTS_HEADER = "careflow.dlq.attempts";
    /** An ISO-8601 instant. */
    public static final String FAILED_AT_HEADER = "careflow.dlq.failed.at";

    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(failedAt, "failedAt");
    }

    /** The headers of the dead-letter record. */
    public Headers toHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, utf8(reason));
        headers.add(ERROR_CODE_HEADER, utf8(errorCode));
        headers.add(ATTEMPTS_HEADER, utf8(String.valueOf(attempts)));
        headers.add(FAILED_AT_HEADER, utf8(failedAt.toString()));
        return headers;
    }

    /** Reads the reason back from a dead-letter record's headers, e.g. for a staff inbox or a replay tool. */
    public static DeadLetter fromHeaders(Headers headers) {
        return new DeadLetter(text(headers, REASON_HEADER), text(headers, ERROR_CODE_HEADER),
            Integer.parseInt(text(headers, ATTEMPTS_HEADER)), Instant.parse(text(headers, FAILED_AT_HEADER)));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        if (header == null || header.value() == null) {
            throw new IllegalArgumentException("Not a dispatcher dead letter: header " + key + " is missing");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
