package org.careflow.scheduling.topology;

import java.time.Instant;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.SchedulingCommand;

/** Builds outcomes and commands of the booking saga. */
final class Bookings {

    private Bookings() {
    }

    static BookingOutcome outcome(BookingRequest r, Instant slotEnd, BookingStatus status, RejectionReason reason, Instant at) {
        return BookingOutcome.newBuilder()
            .setEventId(r.getBookingId() + ":" + status.name().toLowerCase())
            .setOccurredAt(at)
            .setBookingId(r.getBookingId())
            .setPatientId(r.getPatientId())
            .setProviderId(r.getProviderId())
            .setFacilityId(r.getFacilityId())
            .setSlotStart(r.getSlotStart())
            .setSlotEnd(slotEnd)
            .setAppointmentType(r.getAppointmentType())
            .setStatus(status)
            .setRejectionReason(reason)
            .setClientBookingId(r.getClientBookingId())
            .setDecidedAt(at)
            .build();
    }

    /** The same booking in a later state. */
    static BookingOutcome next(BookingOutcome o, BookingStatus status, RejectionReason reason, Instant at) {
        return BookingOutcome.newBuilder(o)
            .setEventId(o.getBookingId() + ":" + status.name().toLowerCase())
            .setOccurredAt(at)
            .setStatus(status)
            .setRejectionReason(reason)
            .setDecidedAt(at)
            .build();
    }

    static SchedulingCommand command(CommandKind kind, BookingOutcome o, String replacesBookingId) {
        return SchedulingCommand.newBuilder()
            .setKind(kind)
            .setBookingId(o.getBookingId())
            .setPatientId(o.getPatientId())
            .setProviderId(o.getProviderId())
            .setFacilityId(o.getFacilityId())
            .setSlotStart(o.getSlotStart())
            .setSlotEnd(o.getSlotEnd() == null ? o.getSlotStart() : o.getSlotEnd())
            .setAppointmentType(o.getAppointmentType())
            .setReplacesBookingId(replacesBookingId)
            .build();
    }
}
