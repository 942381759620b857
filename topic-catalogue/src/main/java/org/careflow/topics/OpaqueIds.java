package org.careflow.topics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The digest behind careflow's derived ids ({@link BookingIds}, the triage event ids): the first 22 base64url
 * characters (132 bits) of the SHA-256 of a text that joins an id with its owners. Deterministic, so reprocessing
 * yields the same id; opaque, so an id carries no patient identifier into sinks or logs.
 */
public final class OpaqueIds {

    /** Characters of the digest kept. */
    public static final int DIGEST_CHARS = 22;

    private OpaqueIds() {
    }

    /** The first {@value #DIGEST_CHARS} base64url characters of the SHA-256 of {@code joined} (UTF-8). */
    public static String digest(String joined) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
        byte[] digest = sha.digest(joined.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, DIGEST_CHARS);
    }
}
