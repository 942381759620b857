package org.careflow.masterdata.mapping;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids derived from where a change was read, so that reading a change topic again (a new application id, a
 * restored state) yields events with the same ids, which consumers can recognise as the same facts.
 */
public final class EventIds {

    private EventIds() {
    }

    /** A name-based (v3) UUID of {@code parts}, joined with a separator no part can hold. */
    public static String of(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
