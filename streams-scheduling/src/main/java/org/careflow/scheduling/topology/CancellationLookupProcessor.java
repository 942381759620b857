package org.careflow.scheduling.topology;

import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.SchedulingCommand;

/**
 * Finds the provider of a booking to cancel (cancellations and the bookings table are both keyed by
 * bookingId) and sends the cancellation to the provider's task. A booking nobody knows fails the record,
 * which then goes to the dead-letter topic with the reason: a cancellation never vanishes silently. So does a
 * cancellation naming another patient than the booking's: the ingest API records the calling patient on a patient's
 * cancellation, and only the booking's own patient may cancel it that way. And so does a staff or integration
 * cancellation of a booking at a facility the caller does not act for: the ingest API records the caller's facilities
 * ({@code callerFacilityIds}) because only this app knows the booking's.
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
        ValueAndTimestamp<BookingOutcome> booking = bookings.get(cancellation.getBookingId());
        if (booking == null) {
            throw new IllegalStateException("No booking " + cancellation.getBookingId() + " to cancel");
        }
        String owner = booking.value().getPatientId();
        if (cancellation.getPatientId() != null && owner != null && !owner.equals(cancellation.getPatientId())) {
            // The reason names the booking, never the patients.
            throw new IllegalStateException("The cancellation of booking " + cancellation.getBookingId()
                + " names another patient than the booking's: refused");
        }
        List<String> callerFacilities = cancellation.getCallerFacilityIds();
        if (callerFacilities != null && !callerFacilities.contains(booking.value().getFacilityId())) {
            throw new IllegalStateException("The cancellation of booking " + cancellation.getBookingId()
                + " comes from a caller who does not act for the booking's facility: refused");
        }
        Emissions out = Emissions.empty();
        out.toProvider().add(SchedulingCommand.newBuilder(Bookings.command(CommandKind.CANCEL, booking.value(), null))
            .setReason(cancellation.getReason())
            .setCancelledBy(cancellation.getCancelledBy())
            .build());
        context.forward(record.withValue(out));
    }
}
