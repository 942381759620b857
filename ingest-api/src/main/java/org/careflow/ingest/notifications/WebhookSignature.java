package org.careflow.ingest.notifications;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.config.types.Password;

/**
 * Checks Meta's {@code X-Hub-Signature-256} header: {@code sha256=} and the hex HMAC-SHA256 of the raw request body,
 * keyed with the app secret. Only a request Meta signed can write events; the secret is never logged or echoed.
 */
public final class WebhookSignature {

    /** The header Meta signs webhook deliveries with. */
    public static final String HEADER = "X-Hub-Signature-256";

    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "sha256=";
    private static final int HMAC_BYTES = 32;

    /** Null when no secret is configured: then nothing verifies. */
    private final SecretKeySpec key;

    public WebhookSignature(Password appSecret) {
        Objects.requireNonNull(appSecret, "appSecret");
        String secret = appSecret.value();
        this.key = secret == null || secret.isEmpty() ? null : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The outcome of a check; anything but {@link #VALID} must be answered 401 without writing. */
    public enum Result {
        VALID, MISSING, MALFORMED, MISMATCH
    }

    /** False when no app secret is configured, so no request can be verified. */
    public boolean configured() {
        return key != null;
    }

    /**
     * Checks {@code header} (the value of {@link #HEADER}, null when absent) against {@code body}, the bytes exactly as
     * received. The comparison takes the same time wherever the first differing byte is.
     *
     * @throws IllegalStateException when no app secret is configured
     */
    public Result verify(byte[] body, String header) {
        Objects.requireNonNull(body, "body");
        if (key == null) {
            throw new IllegalStateException("No app secret is configured");
        }
        if (header == null || header.isBlank()) {
            return Result.MISSING;
        }
        String value = header.strip();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || value.length() != PREFIX.length() + 2 * HMAC_BYTES) {
            return Result.MALFORMED;
        }
        byte[] claimed;
        try {
            claimed = HexFormat.of().parseHex(value, PREFIX.length(), value.length());
        } catch (IllegalArgumentException e) {
            return Result.MALFORMED;
        }
        return MessageDigest.isEqual(hmac(body), claimed) ? Result.VALID : Result.MISMATCH;
    }

    private byte[] hmac(byte[] body) {
        try {
            // A Mac is not thread-safe and cheap to create; one per request.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
