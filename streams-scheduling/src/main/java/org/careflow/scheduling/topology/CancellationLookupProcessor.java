package org.careflow.scheduling.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.RefusalReason;
import org.careflow.rules.booking.BookingPolicy;
import org.careflow.rules.booking.BookingRequester;
import org.careflow.state.scheduling.AwaitingBooking;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.SchedulingCommand;

/**
 * Finds the provider of a booking to cancel (cancellations and the bookings table are both keyed by bookingId) and
 * sends the cancellation to the provider's task, or refuses it with a decision record: the booking is unknown, the
 * cancellation names another patient than the booking's (the ingest API records the calling patient on a patient's
 * cancellation), or a staff or integration caller does not act for the booking's facility (the ingest API records the
 * caller's facilities, {@code callerFacilityIds}, because only this app knows the booking's). The three refusals are the
 * same, {@code NO_SUCH_BOOKING}: a caller cannot tell another's booking from none. A refusal changes nothing.
 *
 * <p>A cancellation sent right after its booking's 202 can arrive before the booking's first outcome is in the table:
 * one the table cannot apply yet waits ({@code cancellation.wait.ms}) and is applied as soon as it can be, so a patient's
 * cancellation is never lost to that race; past the bound it is refused. A cancellation of another's booking waits just
 * as long, so the refusal is the same in content and in timing.
 */
public final class CancellationLookupProcessor implements Processor<String, BookingCancellation, String, Emissions> {

    /** How often (wall clock) waiting cancellations are checked against the bookings table. */
    static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    private static final char SEPARATOR = '\u0000';

    private final Duration wait;
    private ProcessorContext<String, Emissions> context;
    private KeyValueStore<String, ValueAndTimestamp<BookingOutcome>> bookings;
    private KeyValueStore<String, AwaitingBooking> awaiting;

    /** @param wait how long a cancellation the bookings table cannot apply yet waits before it is refused */
    public CancellationLookupProcessor(Duration wait) {
        this.wait = Objects.requireNonNull(wait, "wait");
    }

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        this.context = context;
        bookings = context.getStateStore(SchedulingTopology.BOOKINGS_STORE);
        awaiting = context.getStateStore(SchedulingTopology.AWAITING_BOOKING_STORE);
        context.schedule(CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::checkWaiting);
    }

    @Override
    public void process(Record<String, BookingCancellation> record) {
        BookingCancellation cancellation = record.value();
        if (cancellation == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        if (!tryApply(cancellation, now, record.timestamp())) {
            // Not (yet) a booking of this caller's: it waits for the booking's first outcome, and is refused past the bound.
            awaiting.put(waitingKey(cancellation), new AwaitingBooking(cancellation, now));
        }
    }

    private void checkWaiting(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<KeyValue<String, AwaitingBooking>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, AwaitingBooking> it = awaiting.all()) {
            it.forEachRemaining(waiting::add);
        }
        for (KeyValue<String, AwaitingBooking> entry : waiting) {
            BookingCancellation cancellation = entry.value.getCancellation();
            if (tryApply(cancellation, now, wallClockMs)) {
                awaiting.delete(entry.key);
            } else if (!now.isBefore(entry.value.getParkedAt().plus(wait))) {
                awaiting.delete(entry.key);
                Emissions out = Emissions.empty();
                out.decisions().add(Decisions.of(cancellation, RefusalReason.NO_SUCH_BOOKING, now));
                context.forward(new Record<>(keyOf(cancellation), out, wallClockMs));
            }
        }
    }

    /** Sends the cancellation to the booking's provider and records its acceptance, when the caller may cancel the booking. */
    private boolean tryApply(BookingCancellation cancellation, Instant now, long timestamp) {
        ValueAndTimestamp<BookingOutcome> booking = cancellation.getBookingId() == null ? null : bookings.get(cancellation.getBookingId());
        if (booking == null || booking.value() == null || !mayCancel(cancellation, booking.value())) {
            return false;
        }
        Emissions out = Emissions.empty();
        out.decisions().add(Decisions.of(cancellation, null, now));
        out.toProvider().add(SchedulingCommand.newBuilder(Bookings.command(CommandKind.CANCEL, booking.value(), null))
            .setReason(cancellation.getReason())
            .setCancelledBy(cancellation.getCancelledBy())
            .build());
        context.forward(new Record<>(keyOf(cancellation), out, timestamp));
        return true;
    }

    private static String keyOf(BookingCancellation cancellation) {
        return cancellation.getBookingId() == null ? "" : cancellation.getBookingId();
    }

    private static String waitingKey(BookingCancellation cancellation) {
        return keyOf(cancellation) + SEPARATOR + cancellation.getEventId();
    }

    /** The owner check, by {@link BookingPolicy}: the patient the cancellation names and the staff caller's facilities. */
    private static boolean mayCancel(BookingCancellation cancellation, BookingOutcome booking) {
        BookingRequester requester = new BookingRequester(cancellation.getPatientId(), cancellation.getCallerFacilityIds());
        return BookingPolicy.mayChange(requester, booking.getPatientId(), booking.getFacilityId());
    }
}
