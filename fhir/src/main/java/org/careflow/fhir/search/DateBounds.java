package org.careflow.fhir.search;

import java.time.Instant;

/**
 * What a date parameter allows: instants from {@code from} (inclusive) up to {@code to} (exclusive). Several values
 * of one parameter ({@code start=ge2026-12-01&start=lt2026-12-08}) narrow it together.
 */
public record DateBounds(Instant from, Instant to) {

    /** Every instant careflow stores. */
    public static final DateBounds ALL = new DateBounds(Instant.EPOCH, Instant.parse("9999-12-31T23:59:59Z"));

    /** Whether {@code instant} is within the bounds. */
    public boolean contains(Instant instant) {
        return !instant.isBefore(from) && instant.isBefore(to);
    }

    /** Whether anything of {@code [start, end)} lies within the bounds (an appointment on a date). */
    public boolean overlaps(Instant start, Instant end) {
        return start.isBefore(to) && end.isAfter(from);
    }

    DateBounds narrow(DateBounds other) {
        Instant f = from.isAfter(other.from) ? from : other.from;
        Instant t = to.isBefore(other.to) ? to : other.to;
        return new DateBounds(f, t.isBefore(f) ? f : t);
    }

    /** Whether nothing can match (a search for it finds nothing without reading a store). */
    public boolean empty() {
        return !from.isBefore(to);
    }
}
