package org.careflow.scheduling.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.RefusalReason;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.scheduling.slots.Slot;
import org.careflow.scheduling.slots.SlotGenerator;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.ProviderBooking;
import org.careflow.state.scheduling.SchedulingCommand;
import org.careflow.state.scheduling.SlotState;
import org.careflow.state.scheduling.SlotStatus;
import org.careflow.topics.BookingIds;

/**
 * Step 1 of the booking saga, in the provider's task (requests keyed by providerId, in order). First ownership: the
 * bookingId must be careflow's id of the request's facility, patient, provider and client id ({@link BookingIds}), and
 * a bookingId already known must be this patient's; otherwise the request is refused with a decision record and
 * nothing is written, so nobody can reach or overwrite another's booking by reusing its id. A repeated bookingId gets
 * its existing outcome again. Otherwise the slot must exist at the facility's provider of that id (a request naming no
 * facility takes the only facility with a provider of that id; with several it has no slot), offer the type, lie ahead
 * and be free. A free slot is held for the booking and the patient step is asked; anything else is rejected at once.
 *
 * <p>Holds (FHIR {@code $hold}, a request with {@code hold}): a free slot is held for the booking as above, but the
 * patient step is not asked yet, and the hold expires after {@code holdDuration} (checked every few seconds of wall
 * clock): the slot is freed and the booking forgotten (a tombstone), so the same slot can be held or booked again. The
 * same bookingId requested without {@code hold} while the hold lasts books the held slot: the patient step is asked then.
 *
 * <p>Retention: every {@code purgeInterval} (wall clock) bookings REJECTED or CANCELLED longer than
 * {@code closedRetention} ago are deleted here and a tombstone is sent to booking-outcomes, so the bookings table,
 * the notifications and the sinks forget them too.
 */
public final class DecideBookingProcessor implements Processor<String, BookingRequest, String, Emissions> {

    private static final StringSerializer KEYS = new StringSerializer();
    /** How often (wall clock) expired holds are released. */
    static final Duration HOLD_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final Duration horizon;
    private final Duration closedRetention;
    private final Duration purgeInterval;
    private final Duration holdDuration;
    private ProcessorContext<String, Emissions> context;
    private KeyValueStore<String, ProviderSchedule> schedules;
    private KeyValueStore<String, SlotState> slots;
    private KeyValueStore<String, ProviderBooking> bookings;
    private Holds holds;

    public DecideBookingProcessor(Duration horizon, Duration closedRetention, Duration purgeInterval, Duration holdDuration) {
        this.horizon = horizon;
        this.closedRetention = closedRetention;
        this.purgeInterval = purgeInterval;
        this.holdDuration = holdDuration;
    }

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        this.context = context;
        schedules = context.getStateStore(SchedulingTopology.SCHEDULES_STORE);
        slots = context.getStateStore(SchedulingTopology.SLOTS_STORE);
        bookings = context.getStateStore(SchedulingTopology.PROVIDER_BOOKINGS_STORE);
        holds = new Holds(context.getStateStore(SchedulingTopology.HOLDS_STORE));
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purgeClosed);
        context.schedule(HOLD_CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::releaseExpiredHolds);
    }

    @Override
    public void process(Record<String, BookingRequest> record) {
        BookingRequest request = record.value();
        if (request == null) {
            return;
        }
        Emissions out = Emissions.empty();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        if (!BookingIds.matches(request.getBookingId(), request.getFacilityId(), request.getPatientId(), request.getProviderId(),
            request.getClientBookingId())) {
            refuse(record, request, RefusalReason.BOOKING_ID_MISMATCH, now, out);
            return;
        }
        ProviderBooking known = bookings.get(request.getBookingId());
        if (known != null) {
            if (!request.getPatientId().equals(known.getOutcome().getPatientId())) {
                // Unreachable while ids are derived; a refusal rather than an overwrite if it ever happens.
                refuse(record, request, RefusalReason.BOOKING_ID_TAKEN, now, out);
                return;
            }
            if (known.getHeldUntil() != null && !request.getHold()) {
                book(record, request, known, now, out);
                return;
            }
            // The client's retry: the same outcome again, and nothing else happens.
            out.outcomes().add(known.getOutcome());
            out.decisions().add(Decisions.of(request, null, now));
            context.forward(record.withValue(out));
            return;
        }
        ProviderSchedule schedule = scheduleFor(request);
        Optional<Slot> slot = schedule == null ? Optional.empty() : SlotGenerator.slotAt(schedule, request.getSlotStart());
        RejectionReason reason = null;
        if (slot.isEmpty() || request.getSlotStart().isAfter(now.plus(horizon))) {
            reason = RejectionReason.NO_SUCH_SLOT;
        } else if (!schedule.getAppointmentTypes().contains(request.getAppointmentType())) {
            reason = RejectionReason.TYPE_NOT_OFFERED;
        } else if (!request.getSlotStart().isAfter(now)) {
            reason = RejectionReason.IN_THE_PAST;
        } else if (slots.get(SlotKeys.slot(schedule.getFacilityId(), request.getProviderId(), request.getSlotStart())) != null) {
            reason = RejectionReason.SLOT_TAKEN;
        }
        Instant slotEnd = slot.map(Slot::end).orElse(null);
        // The decision names the facility as the request did; the booking takes its provider's.
        out.decisions().add(Decisions.of(request, null, now));
        if (request.getFacilityId() == null && schedule != null) {
            request.setFacilityId(schedule.getFacilityId());
        }
        if (reason != null) {
            BookingOutcome rejected = Bookings.outcome(request, slotEnd, BookingStatus.REJECTED, reason, now);
            bookings.put(request.getBookingId(), new ProviderBooking(rejected, null, request.getReplacesBookingId(), null));
            out.outcomes().add(rejected);
        } else {
            slots.put(SlotKeys.slot(schedule.getFacilityId(), request.getProviderId(), request.getSlotStart()), SlotState.newBuilder()
                .setProviderId(request.getProviderId())
                .setFacilityId(schedule.getFacilityId())
                .setStart(slot.get().start())
                .setEnd(slot.get().end())
                .setStatus(SlotStatus.HELD)
                .setBookingId(request.getBookingId())
                .setOutsideSchedule(false)
                .build());
            BookingOutcome pending = Bookings.outcome(request, slotEnd, BookingStatus.PENDING, null, now);
            out.outcomes().add(pending);
            if (request.getHold() && request.getReplacesBookingId() == null) {
                Instant heldUntil = now.plus(holdDuration);
                bookings.put(request.getBookingId(), new ProviderBooking(pending, null, null, heldUntil));
                holds.add(heldUntil, request.getBookingId());
            } else {
                bookings.put(request.getBookingId(), new ProviderBooking(pending, null, request.getReplacesBookingId(), null));
                out.toPatient().add(SchedulingCommand.newBuilder(Bookings.command(CommandKind.CHECK_PATIENT, pending, request.getReplacesBookingId()))
                    .setCallerFacilityIds(request.getCallerFacilityIds())
                    .build());
            }
        }
        context.forward(record.withValue(out));
    }

    /** Books the slot a hold of the same booking keeps: it stays held, and now the patient step is asked. */
    private void book(Record<String, BookingRequest> record, BookingRequest request, ProviderBooking held, Instant now, Emissions out) {
        holds.remove(held.getHeldUntil(), request.getBookingId());
        BookingOutcome pending = held.getOutcome();
        bookings.put(request.getBookingId(), new ProviderBooking(pending, held.getCancelRequested(), null, null));
        out.outcomes().add(pending);
        out.decisions().add(Decisions.of(request, null, now));
        out.toPatient().add(SchedulingCommand.newBuilder(Bookings.command(CommandKind.CHECK_PATIENT, pending, null))
            .setCallerFacilityIds(request.getCallerFacilityIds())
            .build());
        context.forward(record.withValue(out));
    }

    /** Frees the slots of holds nobody booked in time, and forgets those bookings (tombstones). */
    private void releaseExpiredHolds(long wallClockMs) {
        List<String> expired = new ArrayList<>();
        for (String bookingId : holds.takeExpired(Instant.ofEpochMilli(wallClockMs))) {
            ProviderBooking held = bookings.get(bookingId);
            if (held == null || held.getHeldUntil() == null) {
                continue; // booked or released meanwhile
            }
            BookingOutcome o = held.getOutcome();
            String slotKey = SlotKeys.slot(o.getFacilityId(), o.getProviderId(), o.getSlotStart());
            SlotState slot = slots.get(slotKey);
            if (slot != null && bookingId.equals(slot.getBookingId())) {
                slots.delete(slotKey);
            }
            bookings.delete(bookingId);
            expired.add(bookingId);
        }
        if (expired.isEmpty()) {
            return;
        }
        Emissions out = Emissions.empty();
        out.expired().addAll(expired);
        context.forward(new Record<>(null, out, wallClockMs));
    }

    /** The schedule of the named facility's provider; with no facility named, of the only facility with that provider. */
    private ProviderSchedule scheduleFor(BookingRequest request) {
        if (request.getFacilityId() != null) {
            return schedules.get(SlotKeys.provider(request.getFacilityId(), request.getProviderId()));
        }
        List<ProviderSchedule> candidates = new ArrayList<>(2);
        try (KeyValueIterator<String, ProviderSchedule> it = schedules.prefixScan(SlotKeys.providerPrefix(request.getProviderId()), KEYS)) {
            while (it.hasNext() && candidates.size() < 2) {
                candidates.add(it.next().value);
            }
        }
        return candidates.size() == 1 ? candidates.get(0) : null;
    }

    private void refuse(Record<String, BookingRequest> record, BookingRequest request, RefusalReason reason, Instant now, Emissions out) {
        out.decisions().add(Decisions.of(request, reason, now));
        context.forward(record.withValue(out));
    }

    private void purgeClosed(long wallClockMs) {
        Instant cutoff = Instant.ofEpochMilli(wallClockMs).minus(closedRetention);
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, ProviderBooking> it = bookings.all()) {
            while (it.hasNext()) {
                KeyValue<String, ProviderBooking> kv = it.next();
                BookingOutcome o = kv.value.getOutcome();
                boolean closed = o.getStatus() == BookingStatus.REJECTED || o.getStatus() == BookingStatus.CANCELLED;
                if (closed && o.getDecidedAt().isBefore(cutoff)) {
                    expired.add(kv.key);
                }
            }
        }
        if (expired.isEmpty()) {
            return;
        }
        expired.forEach(bookings::delete);
        Emissions out = Emissions.empty();
        out.expired().addAll(expired);
        context.forward(new Record<>(null, out, wallClockMs));
    }
}
