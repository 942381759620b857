package org.careflow.scheduling.query;

import java.time.Instant;
import org.careflow.events.scheduling.BookingOutcome;

/** A booking's current state as clients read it. */
public record BookingView(String bookingId, String clientBookingId, String status, String rejectionReason, String patientId, String providerId,
                          String facilityId, Instant slotStart, Instant slotEnd, String appointmentType, Instant decidedAt) {

    static BookingView of(BookingOutcome o) {
        return new BookingView(o.getBookingId(), o.getClientBookingId(), o.getStatus().name(), o.getRejectionReason() == null ? null : o.getRejectionReason().name(),
            o.getPatientId(), o.getProviderId(), o.getFacilityId(), o.getSlotStart(), o.getSlotEnd(), o.getAppointmentType(), o.getDecidedAt());
    }
}
