package org.careflow.scheduling.topology;

import java.time.Instant;

/**
 * Keys of the scheduling stores. A slot key sorts by provider, then start, so one provider's slots in a time
 * range are one range scan. Ids never contain the separator (the ingest API's id pattern excludes it).
 */
public final class SlotKeys {

    private static final char SEPARATOR = '\u0000';

    private SlotKeys() {
    }

    public static String slot(String providerId, Instant start) {
        return providerId + SEPARATOR + String.format("%015d", Math.max(0, start.toEpochMilli()));
    }

    /** The facility index key of a provider. */
    public static String facilityProvider(String facilityId, String providerId) {
        return facilityId + SEPARATOR + providerId;
    }

    public static String facilityPrefix(String facilityId) {
        return facilityId + SEPARATOR;
    }
}
