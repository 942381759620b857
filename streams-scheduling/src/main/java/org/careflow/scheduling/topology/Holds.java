package org.careflow.scheduling.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The holds of a provider's task in the order they expire ({@link SchedulingTopology#HOLDS_STORE}): keys are the
 * expiry in milliseconds, zero-padded to sort as numbers, then NUL and the bookingId, so the expired ones are one range
 * scan from the start however many bookings the task holds.
 */
final class Holds {

    private static final char SEPARATOR = '\u0000';

    private final KeyValueStore<String, String> store;

    Holds(KeyValueStore<String, String> store) {
        this.store = store;
    }

    static String key(Instant heldUntil, String bookingId) {
        String millis = Long.toString(heldUntil.toEpochMilli());
        return "0".repeat(Math.max(0, 15 - millis.length())) + millis + SEPARATOR + bookingId;
    }

    void add(Instant heldUntil, String bookingId) {
        store.put(key(heldUntil, bookingId), bookingId);
    }

    void remove(Instant heldUntil, String bookingId) {
        store.delete(key(heldUntil, bookingId));
    }

    /** The bookingIds of the holds that expired at {@code now}, removed from the index. */
    List<String> takeExpired(Instant now) {
        List<KeyValue<String, String>> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range(key(Instant.EPOCH, ""), key(now, ""))) {
            it.forEachRemaining(expired::add);
        }
        List<String> bookingIds = new ArrayList<>();
        for (KeyValue<String, String> kv : expired) {
            store.delete(kv.key);
            bookingIds.add(kv.value);
        }
        return bookingIds;
    }
}
