package org.careflow.scheduling.topology;

import java.time.Instant;
import org.careflow.topics.CompositeKey;

/**
 * Keys of the scheduling stores. A provider is owned by its facility: a provider's state is keyed by its id and the
 * facility that published its schedule, so two facilities using the same providerId hold two different providers and
 * neither can reach the other's schedule, slots or conflicts. The provider id comes first so that every facility's
 * provider of one id (all in the same task, the topics being keyed by providerId) is one prefix scan, and a slot key
 * sorts by provider, facility, then start, so one provider's slots in a time range are one range scan. Ids never
 * contain the separator (the ingest API's id pattern excludes it).
 */
public final class SlotKeys {

    private static final CompositeKey KEY = CompositeKey.NUL;

    private SlotKeys() {
    }

    /** The key of a facility's provider in the schedules store. */
    public static String provider(String facilityId, String providerId) {
        return KEY.of(providerId, facilityId);
    }

    /** The prefix of every facility's provider of this id in the schedules store. */
    public static String providerPrefix(String providerId) {
        return KEY.prefix(providerId);
    }

    /** A slot's key: its provider's, then the start as zero-padded epoch millis, so keys sort by start. */
    public static String slot(String facilityId, String providerId, Instant start) {
        return KEY.of(providerId, facilityId, String.format("%015d", Math.max(0, start.toEpochMilli())));
    }

    /** The facility index key of a provider. */
    public static String facilityProvider(String facilityId, String providerId) {
        return KEY.of(facilityId, providerId);
    }

    public static String facilityPrefix(String facilityId) {
        return KEY.prefix(facilityId);
    }
}
