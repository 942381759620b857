package org.careflow.chaos;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every write the ingest API acknowledged (a 2xx), by kind: what the checks then look for in the outputs. A write
 * that was not acknowledged (an error, a timeout, a 503 while a broker or the registry was away) is only counted: the
 * client was told it may not have happened, and retrying is its business.
 */
final class Acknowledged {

    /** A booking the API accepted: careflow's booking id and what was asked. */
    record Booking(String bookingId, String patientId, String providerId, Instant slotStart, boolean reminder, Instant acknowledgedAt) {
    }

    final Map<String, Instant> submissions = new ConcurrentHashMap<>();
    /** When each acknowledged submission and booking was sent: what a recovery is measured from. */
    final Map<String, Instant> sent = new ConcurrentHashMap<>();
    final Map<String, Booking> bookings = new ConcurrentHashMap<>();
    final Map<String, Instant> cancellations = new ConcurrentHashMap<>();
    final AtomicLong webhooks = new AtomicLong();
    final AtomicLong contacts = new AtomicLong();
    final AtomicLong attempted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();

    long total() {
        return submissions.size() + bookings.size() + cancellations.size() + webhooks.get() + contacts.get();
    }

    List<Booking> confirmedCandidates() {
        return List.copyOf(bookings.values());
    }

    void refused(String what) {
        refused.incrementAndGet();
        if (refusals.size() < 50) {
            refusals.add(what);
        }
    }
}
