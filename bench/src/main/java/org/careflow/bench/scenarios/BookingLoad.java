package org.careflow.bench.scenarios;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.scheduling.slots.Slot;
import org.careflow.scheduling.slots.SlotGenerator;
import org.careflow.topics.BookingIds;

/**
 * Seeded synthetic booking traffic with deliberate contention: {@code providers} providers with one weekly schedule
 * (Monday to Friday, 09:00-12:00 and 13:00-17:00, Europe/London, 30-minute slots), and {@code requests} booking requests.
 * Valid requests go to a few slots per provider, about {@link #REQUESTS_PER_SLOT} per slot, so most lose to an earlier
 * one (SLOT_TAKEN); some repeat the previous request's patient and time with another provider (PATIENT_OVERLAP when both
 * holds survive); a few ask for a type not offered, a time that is no slot, or a slot in the past. Request {@code i}
 * depends on the seed, {@code i} and the start instant only.
 */
public final class BookingLoad {

    static final String TIME_ZONE = "Europe/London";
    static final int SLOT_MINUTES = 30;
    static final List<String> TYPES = List.of("follow-up", "new-patient");
    static final String TYPE_NOT_OFFERED = "bench-not-offered";
    /** Valid requests per requested slot, on average. */
    static final int REQUESTS_PER_SLOT = 3;
    /** Requests each patient makes, on average. */
    static final int REQUESTS_PER_PATIENT = 4;
    /** Share of valid requests that repeat the previous request's patient and time with another provider. */
    static final double OVERLAP_SHARE = 0.15;
    static final double TYPE_NOT_OFFERED_SHARE = 0.02;
    static final double NO_SUCH_SLOT_SHARE = 0.02;
    static final double IN_THE_PAST_SHARE = 0.01;
    /** Requested slots start from this far ahead, so that they stay in the future however long the bench runs. */
    static final Duration LEAD = Duration.ofDays(1);
    private static final Duration SLOT_SEARCH = Duration.ofDays(60);
    /** Minutes off a slot's start that make a time that is no slot. */
    private static final long OFF_SLOT_MINUTES = 7;

    private final SyntheticData data;
    private final Instant now;
    private final int requests;
    private final int providers;
    private final int patients;
    private final List<Slot> slots;
    private final List<Slot> pastSlots;

    BookingLoad(SyntheticData data, Instant now, int requests, int providers) {
        if (requests < 1 || providers < 2) {
            throw new IllegalArgumentException("Need at least one request and two providers");
        }
        this.data = data;
        this.now = now;
        this.requests = requests;
        this.providers = providers;
        this.patients = Math.max(1, Math.min(data.patientCount(), requests / REQUESTS_PER_PATIENT));
        // Every provider has the same template, so the same slots: a patient's requests to two providers can clash.
        ProviderSchedule template = schedule(0);
        int hot = Math.max(1, requests / (providers * REQUESTS_PER_SLOT));
        List<Slot> ahead = SlotGenerator.generate(template, now.plus(LEAD), now.plus(SLOT_SEARCH));
        this.slots = List.copyOf(ahead.subList(0, Math.min(hot, ahead.size())));
        List<Slot> past = SlotGenerator.generate(template, now.minus(Duration.ofDays(14)), now.minus(Duration.ofDays(1)));
        this.pastSlots = List.copyOf(past);
        if (slots.isEmpty() || pastSlots.isEmpty()) {
            throw new IllegalStateException("The bench's provider schedule has no slots around " + now);
        }
    }

    int requests() {
        return requests;
    }

    int providers() {
        return providers;
    }

    int patients() {
        return patients;
    }

    int hotSlots() {
        return slots.size();
    }

    static String providerId(int k) {
        return String.format("bench-provider-%04d", k + 1);
    }

    ProviderSchedule schedule(int k) {
        List<WeeklySession> week = new ArrayList<>();
        for (Weekday day : List.of(Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)) {
            week.add(new WeeklySession(day, new LocalTimeRange(LocalTime.of(9, 0), LocalTime.of(12, 0))));
            week.add(new WeeklySession(day, new LocalTimeRange(LocalTime.of(13, 0), LocalTime.of(17, 0))));
        }
        return ProviderSchedule.newBuilder()
            .setEventId("bench-schedule-" + Long.toHexString(data.seed()) + "-" + k)
            .setOccurredAt(now)
            .setProviderId(providerId(k))
            .setFacilityId(data.facilityIds().get(k % data.facilityIds().size()))
            .setTimeZone(TIME_ZONE)
            .setSlotMinutes(SLOT_MINUTES)
            .setAppointmentTypes(TYPES)
            .setWeeklyTemplate(week)
            .build();
    }

    /** Request {@code i}. */
    BookingRequest request(long i) {
        Draw d = draw(i);
        String clientBookingId = "bench-booking-" + Long.toHexString(data.seed()) + "-" + i;
        return BookingRequest.newBuilder()
            .setEventId("bench-booking-request-" + Long.toHexString(data.seed()) + "-" + i)
            .setOccurredAt(now)
            .setBookingId(BookingIds.of(null, data.patientId(d.patient), providerId(d.provider), clientBookingId))
            .setClientBookingId(clientBookingId)
            .setPatientId(data.patientId(d.patient))
            .setProviderId(providerId(d.provider))
            .setSlotStart(d.start)
            .setAppointmentType(d.type)
            .setRequestedAt(now)
            .build();
    }

    /** How many requests are rejected for a reason that depends on the request alone (type, no slot, past). */
    Map<String, Long> expectedInvalid() {
        Map<String, Long> out = new TreeMap<>();
        for (long i = 0; i < requests; i++) {
            RejectionReason reason = draw(i).invalid;
            if (reason != null) {
                out.merge(reason.name(), 1L, Long::sum);
            }
        }
        return out;
    }

    private record Draw(int provider, int patient, Instant start, String type, RejectionReason invalid) {
    }

    private Draw draw(long i) {
        SplittableRandom r = random(i);
        double kind = r.nextDouble();
        int provider = r.nextInt(providers);
        int patient = r.nextInt(patients);
        int slot = r.nextInt(slots.size());
        String type = TYPES.get(r.nextInt(TYPES.size()));
        if (kind < TYPE_NOT_OFFERED_SHARE) {
            return new Draw(provider, patient, slots.get(slot).start(), TYPE_NOT_OFFERED, RejectionReason.TYPE_NOT_OFFERED);
        }
        kind -= TYPE_NOT_OFFERED_SHARE;
        if (kind < NO_SUCH_SLOT_SHARE) {
            return new Draw(provider, patient, slots.get(slot).start().plus(Duration.ofMinutes(OFF_SLOT_MINUTES)), type,
                RejectionReason.NO_SUCH_SLOT);
        }
        kind -= NO_SUCH_SLOT_SHARE;
        if (kind < IN_THE_PAST_SHARE) {
            return new Draw(provider, patient, pastSlots.get(r.nextInt(pastSlots.size())).start(), type, RejectionReason.IN_THE_PAST);
        }
        kind -= IN_THE_PAST_SHARE;
        if (i > 0 && kind < OVERLAP_SHARE) {
            Draw previous = draw(i - 1);
            if (previous.invalid == null) {
                // The same patient, the same time, another provider: at most one of the two can be confirmed.
                int other = (previous.provider + 1 + r.nextInt(providers - 1)) % providers;
                return new Draw(other, previous.patient, previous.start, type, null);
            }
        }
        return new Draw(provider, patient, slots.get(slot).start(), type, null);
    }

    private SplittableRandom random(long i) {
        return new SplittableRandom(data.seed() * 0x9E3779B97F4A7C15L + 0x5DEECE66DL * (i + 1));
    }
}
