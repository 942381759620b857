package org.careflow.scheduling.topology;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.RefusalReason;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.SchedulingCommand;

/**
 * Finds the provider of a booking to cancel (cancellations and the bookings table are both keyed by bookingId) and
 * sends the cancellation to the provider's task, or refuses it with a decision record: the booking is unknown, the
 * cancellation names another patient than the booking's (the ingest API records the calling patient on a patient's
 * cancellation), or a staff or integration caller does not act for the booking's facility (the ingest API records the
 * caller's facilities, {@code callerFacilityIds}, because only this app knows the booking's). The three refusals are the
 * same, {@code NO_SUCH_BOOKING}: a caller cannot tell another's booking from none. A refusal changes nothing.
 */
public final class CancellationLookupProcessor implements Processor<String, BookingCancellation, String, Emissions> {

    private ProcessorContext<String, Emissions> context;
    private KeyValueStore<String, ValueAndTimestamp<BookingOutcome>> bookings;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        this.context = context;
        bookings = context.getStateStore(SchedulingTopology.BOOKINGS_STORE);
    }

    @Override
    public void process(Record<String, BookingCancellation> record) {
        BookingCancellation cancellation = record.value();
        if (cancellation == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Emissions out = Emissions.empty();
        ValueAndTimestamp<BookingOutcome> booking = cancellation.getBookingId() == null ? null : bookings.get(cancellation.getBookingId());
        if (booking == null || booking.value() == null || !mayCancel(cancellation, booking.value())) {
            out.decisions().add(Decisions.of(cancellation, RefusalReason.NO_SUCH_BOOKING, now));
            context.forward(record.withValue(out));
            return;
        }
        out.decisions().add(Decisions.of(cancellation, null, now));
        out.toProvider().add(SchedulingCommand.newBuilder(Bookings.command(CommandKind.CANCEL, booking.value(), null))
            .setReason(cancellation.getReason())
            .setCancelledBy(cancellation.getCancelledBy())
            .build());
        context.forward(record.withValue(out));
    }

    private static boolean mayCancel(BookingCancellation cancellation, BookingOutcome booking) {
        String owner = booking.getPatientId();
        if (cancellation.getPatientId() != null && !cancellation.getPatientId().equals(owner)) {
            return false;
        }
        List<String> callerFacilities = cancellation.getCallerFacilityIds();
        return callerFacilities == null || callerFacilities.contains(booking.getFacilityId());
    }
}
