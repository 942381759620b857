package org.careflow.rules;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * The one rule for a time-zone id a client or another system gives careflow: an IANA region id ({@code Europe/London}),
 * or UTC. Fixed offsets ({@code +02:00}, {@code UTC+2}, {@code Etc/GMT-2}, {@code Z}) are refused because clinic hours,
 * quiet hours and the times shown to patients follow daylight-saving rules, which an offset does not know. Each caller
 * reports a refusal in its own way (a field error, a CDC row problem, a configuration error) with {@link #message}.
 */
public final class TimeZoneRule {

    /** The message for an id that is no time zone at all. */
    public static final String UNKNOWN_MESSAGE = "must be an IANA time-zone id such as Europe/London";
    static final String FIXED_OFFSET_PREFIX = "must be a region such as Europe/London, not a fixed offset: ";
    static final String FIXED_OFFSET_SUFFIX = " (UTC is accepted)";

    /** Why an id was refused. */
    public enum Refusal {
        /** Not a time-zone id at all ({@code Mars/Olympus}, {@code london}). */
        UNKNOWN,
        /** A fixed offset, or an id for one, other than UTC. */
        FIXED_OFFSET
    }

    private TimeZoneRule() {
    }

    /** Why {@code id} is refused, or empty when it is a region (or UTC) careflow accepts. */
    public static Optional<Refusal> check(String id) {
        Objects.requireNonNull(id, "id");
        ZoneId zone;
        try {
            zone = ZoneId.of(id);
        } catch (DateTimeException e) {
            return Optional.of(Refusal.UNKNOWN);
        }
        boolean fixed = zone.getRules().isFixedOffset();
        boolean utc = fixed && zone.getRules().getOffset(Instant.EPOCH).equals(ZoneOffset.UTC);
        // Offset ids such as "+02:00" or "Z" parse but are no region: only ids of the region list (UTC among them) count.
        if (!ZoneId.getAvailableZoneIds().contains(id) || (fixed && !utc)) {
            return Optional.of(Refusal.FIXED_OFFSET);
        }
        return Optional.empty();
    }

    /**
     * The field-error message for {@code refusal}; {@code whatFollowsDaylightSaving} completes "not a fixed offset:
     * ..." for the reader, e.g. "a clinic's hours follow daylight-saving rules".
     */
    public static String message(Refusal refusal, String whatFollowsDaylightSaving) {
        Objects.requireNonNull(refusal, "refusal");
        return switch (refusal) {
            case UNKNOWN -> UNKNOWN_MESSAGE;
            case FIXED_OFFSET -> FIXED_OFFSET_PREFIX + Objects.requireNonNull(whatFollowsDaylightSaving, "whatFollowsDaylightSaving")
                + FIXED_OFFSET_SUFFIX;
        };
    }

    /** The message for {@code id}, or empty when it is accepted: {@link #check} and {@link #message} in one. */
    public static Optional<String> problem(String id, String whatFollowsDaylightSaving) {
        return check(id).map(refusal -> message(refusal, whatFollowsDaylightSaving));
    }
}
