package org.careflow.triage.topology;

import org.careflow.topics.OpaqueIds;

/**
 * Ids derived from a client's id and its owners (facility, patient): deterministic, so reprocessing yields the same
 * id, distinct across owners, so one facility reusing another's client id never names the other's record, and
 * opaque, so an id carries no patient identifier into sinks or logs.
 */
public final class ScopedIds {

    private ScopedIds() {
    }

    /** {@code prefix} followed by 22 URL-safe characters: {@link OpaqueIds#digest} of the parts, each followed by NUL. */
    public static String of(String prefix, String... parts) {
        StringBuilder joined = new StringBuilder();
        for (String part : parts) {
            joined.append(part).append('\u0000');
        }
        return prefix + OpaqueIds.digest(joined.toString());
    }
}
