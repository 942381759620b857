package org.careflow.scheduling.slots;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One bookable block of a provider's time: from {@code start} inclusive to {@code end} exclusive, as
 * real instants. Slots order by start (then end, so that the order agrees with {@code equals}).
 */
public record Slot(Instant start, Instant end) implements Comparable<Slot> {

    private static final Comparator<Slot> ORDER =
            Comparator.comparing(Slot::start).thenComparing(Slot::end);

    public Slot {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("end " + end + " must be after start " + start);
        }
    }

    @Override
    public int compareTo(Slot other) {
        return ORDER.compare(this, other);
    }
}
