package org.careflow.scheduling.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.scheduling.slots.Slot;
import org.careflow.scheduling.slots.SlotGenerator;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.ProviderBooking;
import org.careflow.state.scheduling.SchedulingCommand;
import org.careflow.state.scheduling.SlotState;
import org.careflow.state.scheduling.SlotStatus;

/**
 * Step 1 of the booking saga, in the provider's task (requests keyed by providerId, in order): a repeated
 * bookingId gets its existing outcome again; otherwise the slot must exist (at the facility the request names, when it
 * names one: the provider has no slot elsewhere), offer the type, lie ahead and be free. A free slot is held for the booking and the patient step is asked; anything else is rejected at once.
 */
public final class DecideBookingProcessor implements Processor<String, BookingRequest, String, Emissions> {

    private final Duration horizon;
    private ProcessorContext<String, Emissions> context;
    private KeyValueStore<String, ProviderSchedule> schedules;
    private KeyValueStore<String, SlotState> slots;
    private KeyValueStore<String, ProviderBooking> bookings;

    public DecideBookingProcessor(Duration horizon) {
        this.horizon = horizon;
    }

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        this.context = context;
        schedules = context.getStateStore(SchedulingTopology.SCHEDULES_STORE);
        slots = context.getStateStore(SchedulingTopology.SLOTS_STORE);
        bookings = context.getStateStore(SchedulingTopology.PROVIDER_BOOKINGS_STORE);
    }

    @Override
    public void process(Record<String, BookingRequest> record) {
        BookingRequest request = record.value();
        if (request == null) {
            return;
        }
        Emissions out = Emissions.empty();
        ProviderBooking known = bookings.get(request.getBookingId());
        if (known != null) {
            // The client's retry: the same outcome again, and nothing else happens.
            out.outcomes().add(known.getOutcome());
            context.forward(record.withValue(out));
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        ProviderSchedule schedule = schedules.get(request.getProviderId());
        Optional<Slot> slot = schedule == null ? Optional.empty() : SlotGenerator.slotAt(schedule, request.getSlotStart());
        String slotKey = SlotKeys.slot(request.getProviderId(), request.getSlotStart());
        RejectionReason reason = null;
        boolean elsewhere = schedule != null && request.getFacilityId() != null
            && !request.getFacilityId().equals(schedule.getFacilityId());
        if (slot.isEmpty() || elsewhere || request.getSlotStart().isAfter(now.plus(horizon))) {
            reason = RejectionReason.NO_SUCH_SLOT;
        } else if (!schedule.getAppointmentTypes().contains(request.getAppointmentType())) {
            reason = RejectionReason.TYPE_NOT_OFFERED;
        } else if (!request.getSlotStart().isAfter(now)) {
            reason = RejectionReason.IN_THE_PAST;
        } else if (slots.get(slotKey) != null) {
            reason = RejectionReason.SLOT_TAKEN;
        }
        Instant slotEnd = slot.map(Slot::end).orElse(null);
        if (request.getFacilityId() == null && schedule != null) {
            request.setFacilityId(schedule.getFacilityId());
        }
        if (reason != null) {
            BookingOutcome rejected = Bookings.outcome(request, slotEnd, BookingStatus.REJECTED, reason, now);
            bookings.put(request.getBookingId(), new ProviderBooking(rejected, null, request.getReplacesBookingId()));
            out.outcomes().add(rejected);
        } else {
            slots.put(slotKey, SlotState.newBuilder()
                .setProviderId(request.getProviderId())
                .setFacilityId(schedule.getFacilityId())
                .setStart(slot.get().start())
                .setEnd(slot.get().end())
                .setStatus(SlotStatus.HELD)
                .setBookingId(request.getBookingId())
                .setOutsideSchedule(false)
                .build());
            BookingOutcome pending = Bookings.outcome(request, slotEnd, BookingStatus.PENDING, null, now);
            bookings.put(request.getBookingId(), new ProviderBooking(pending, null, request.getReplacesBookingId()));
            out.outcomes().add(pending);
            out.toPatient().add(SchedulingCommand.newBuilder(Bookings.command(CommandKind.CHECK_PATIENT, pending, request.getReplacesBookingId()))
                .setCallerFacilityIds(request.getCallerFacilityIds())
                .build());
        }
        context.forward(record.withValue(out));
    }
}
