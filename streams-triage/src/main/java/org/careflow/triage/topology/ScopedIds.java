package org.careflow.triage.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Ids derived from a client's id and its owners (facility, patient): deterministic, so reprocessing yields the same
 * id, distinct across owners, so one facility reusing another's client id never names the other's record, and
 * opaque, so an id carries no patient identifier into sinks or logs.
 */
public final class ScopedIds {

    private ScopedIds() {
    }

    /** {@code prefix} followed by 22 URL-safe characters (132 bits of SHA-256 over the parts, NUL-separated). */
    public static String of(String prefix, String... parts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        for (String part : parts) {
            sha.update(part.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()).substring(0, 22);
    }
}
