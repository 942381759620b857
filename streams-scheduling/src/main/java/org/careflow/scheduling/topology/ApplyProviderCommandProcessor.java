package org.careflow.scheduling.topology;

import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.ProviderBooking;
import org.careflow.state.scheduling.SchedulingCommand;
import org.careflow.state.scheduling.SlotState;
import org.careflow.state.scheduling.SlotStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 3 of the booking saga and cancellations, in the provider's task (commands keyed by providerId): the
 * patient step's decision books or frees the held slot; a cancellation frees a booked slot and releases the
 * patient's time, or waits for a pending booking's decision.
 */
public final class ApplyProviderCommandProcessor implements Processor<String, SchedulingCommand, String, Emissions> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyProviderCommandProcessor.class);

    private ProcessorContext<String, Emissions> context;
    private KeyValueStore<String, SlotState> slots;
    private KeyValueStore<String, ProviderBooking> bookings;
    private Holds holds;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        this.context = context;
        slots = context.getStateStore(SchedulingTopology.SLOTS_STORE);
        bookings = context.getStateStore(SchedulingTopology.PROVIDER_BOOKINGS_STORE);
        holds = new Holds(context.getStateStore(SchedulingTopology.HOLDS_STORE));
    }

    @Override
    public void process(Record<String, SchedulingCommand> record) {
        SchedulingCommand command = record.value();
        if (command == null) {
            return;
        }
        ProviderBooking booking = bookings.get(command.getBookingId());
        if (booking == null) {
            LOG.warn("{} for a booking this provider does not know; ignored", command.getKind());
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Emissions out = Emissions.empty();
        switch (command.getKind()) {
            case DECIDED -> decided(booking, command, now, out);
            case CANCEL -> cancel(booking, command, now, out);
            default -> throw new IllegalStateException("The provider step does not take " + command.getKind());
        }
        if (!out.isEmpty()) {
            context.forward(record.withValue(out));
        }
    }

    private void decided(ProviderBooking booking, SchedulingCommand decision, Instant now, Emissions out) {
        BookingOutcome pending = booking.getOutcome();
        if (pending.getStatus() != BookingStatus.PENDING) {
            return; // a repeated decision: already applied
        }
        String slotKey = SlotKeys.slot(pending.getFacilityId(), pending.getProviderId(), pending.getSlotStart());
        if (!decision.getConfirmed()) {
            slots.delete(slotKey);
            RejectionReason reason = decision.getReason() == null ? RejectionReason.PATIENT_OVERLAP : RejectionReason.valueOf(decision.getReason());
            record(booking, Bookings.next(pending, BookingStatus.REJECTED, reason, now), out);
            return;
        }
        SlotState held = slots.get(slotKey);
        slots.put(slotKey, SlotState.newBuilder(held).setStatus(SlotStatus.BOOKED).build());
        BookingOutcome confirmed = Bookings.next(pending, BookingStatus.CONFIRMED, null, now);
        record(booking, confirmed, out);
        if (booking.getCancelRequested() != null) {
            // Cancelled while the patient step decided: cancel now that there is something to cancel.
            cancelConfirmed(new ProviderBooking(confirmed, null, booking.getReplacesBookingId(), null), now, out);
        }
    }

    private void cancel(ProviderBooking booking, SchedulingCommand command, Instant now, Emissions out) {
        if (booking.getHeldUntil() != null) {
            // Only a hold: no patient step to wait for. The slot is freed and the booking ends cancelled.
            BookingOutcome held = booking.getOutcome();
            holds.remove(booking.getHeldUntil(), held.getBookingId());
            slots.delete(SlotKeys.slot(held.getFacilityId(), held.getProviderId(), held.getSlotStart()));
            BookingOutcome cancelled = Bookings.next(held, BookingStatus.CANCELLED, null, now);
            record(new ProviderBooking(cancelled, null, null, null), cancelled, out);
            return;
        }
        switch (booking.getOutcome().getStatus()) {
            case PENDING -> bookings.put(booking.getOutcome().getBookingId(), new ProviderBooking(booking.getOutcome(),
                BookingCancellation.newBuilder()
                    .setEventId("cancel-" + command.getBookingId()).setOccurredAt(now).setBookingId(command.getBookingId())
                    .setPatientId(command.getPatientId()).setReason(command.getReason() == null ? "cancelled" : command.getReason())
                    .setCancelledBy(command.getCancelledBy() == null ? CancelledBy.SYSTEM : command.getCancelledBy())
                    .build(),
                booking.getReplacesBookingId(), null));
            case CONFIRMED -> cancelConfirmed(booking, now, out);
            default -> {
                // Rejected or already cancelled: nothing holds the slot.
            }
        }
    }

    private void cancelConfirmed(ProviderBooking booking, Instant now, Emissions out) {
        BookingOutcome confirmed = booking.getOutcome();
        slots.delete(SlotKeys.slot(confirmed.getFacilityId(), confirmed.getProviderId(), confirmed.getSlotStart()));
        BookingOutcome cancelled = Bookings.next(confirmed, BookingStatus.CANCELLED, null, now);
        record(new ProviderBooking(cancelled, null, booking.getReplacesBookingId(), null), cancelled, out);
        out.toPatient().add(Bookings.command(CommandKind.RELEASE_PATIENT, cancelled, null));
    }

    private void record(ProviderBooking booking, BookingOutcome outcome, Emissions out) {
        bookings.put(outcome.getBookingId(), new ProviderBooking(outcome, booking.getCancelRequested(), booking.getReplacesBookingId(), null));
        out.outcomes().add(outcome);
    }
}
