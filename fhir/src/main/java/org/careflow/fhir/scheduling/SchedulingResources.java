package org.careflow.fhir.scheduling;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.FhirIds;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * careflow's scheduling state as FHIR: a provider's schedule at a facility as a Schedule, its slots as Slots, bookings
 * as Appointments (PENDING is {@code pending}, CONFIRMED {@code booked}, CANCELLED {@code cancelled}, and REJECTED
 * {@code cancelled} with the reason, as IHE's {@code $book} says of an appointment not created), and open slots offered by
 * {@code $find} as {@code proposed} Appointments whose id names the slot, so that {@code $book} can take it back.
 * careflow records no attendance outcome, so it never says {@code noshow}.
 */
public final class SchedulingResources {

    /** The first part of a proposed appointment's id. */
    static final String PROPOSED = "proposed";

    private SchedulingResources() {
    }

    /** A slot a proposed appointment stands for. */
    public record ProposedSlot(String facilityId, String providerId, Instant start, String appointmentType) {
    }

    /** The logical id of {@code facilityId}'s schedule of {@code providerId}. */
    public static String scheduleId(String facilityId, String providerId) {
        String id = FhirIds.compound(facilityId, providerId);
        return id != null ? id : digestId(facilityId, providerId);
    }

    /** The logical id of a slot: its schedule's and its start's epoch minute, or a digest when that would be too long. */
    static String slotId(String facilityId, String providerId, Instant start) {
        String minute = Long.toString(start.getEpochSecond() / 60);
        String id = scheduleId(facilityId, providerId) + "." + minute;
        return id.length() <= 64 ? id : digestId(facilityId, providerId, minute);
    }

    /**
     * An id for careflow ids too long to spell out in one: a digest that names the resource in searchsets but cannot be
     * read back ({@code -x} is no escape {@link FhirIds#parts} knows, so it is never taken for a spelled-out id).
     */
    private static String digestId(String... parts) {
        return "h-x" + FhirIds.logical(FhirIds.digest(String.join("\u0000", parts)));
    }

    /** The facility and provider a schedule id names, or null. */
    public static List<String> scheduleParts(String scheduleId) {
        return FhirIds.parts(scheduleId, 2);
    }

    public static Schedule schedule(String facilityId, String providerId, List<String> appointmentTypes, String timeZone, int slotMinutes,
                                    Instant horizonStart, Instant horizonEnd) {
        Schedule schedule = new Schedule();
        schedule.setId(scheduleId(facilityId, providerId));
        schedule.setActive(true);
        schedule.addIdentifier(new Identifier().setSystem(FhirCodes.PROVIDER_ID_SYSTEM).setValue(providerId));
        schedule.addExtension(new Extension(FhirCodes.FACILITY_EXTENSION, FhirIds.facility(facilityId)));
        schedule.addActor(FhirIds.practitioner(providerId));
        appointmentTypes.forEach(t -> schedule.addServiceType(type(t)));
        schedule.setPlanningHorizon(new Period().setStart(Date.from(horizonStart)).setEnd(Date.from(horizonEnd)));
        schedule.setComment(slotMinutes + "-minute slots in " + timeZone + " at facility " + facilityId);
        return schedule;
    }

    /** A slot of the schedule: free, held by a booking being decided ({@code busy-tentative}) or booked ({@code busy}). */
    public static Slot slot(String facilityId, String providerId, Instant start, Instant end, Slot.SlotStatus status, List<String> types) {
        Slot slot = new Slot();
        slot.setId(slotId(facilityId, providerId, start));
        slot.setSchedule(new Reference("Schedule/" + scheduleId(facilityId, providerId)));
        slot.setStatus(status);
        slot.setStart(Date.from(start));
        slot.setEnd(Date.from(end));
        types.forEach(t -> slot.addServiceType(type(t)));
        return slot;
    }

    /** An open slot offered as a proposed appointment; its id carries the slot for {@code $hold} and {@code $book}. */
    public static Appointment proposed(ProposedSlot slot, Instant end, String patientId, Instant requestedFrom, Instant requestedTo) {
        Appointment a = new Appointment();
        a.setId(proposedId(slot));
        a.setStatus(Appointment.AppointmentStatus.PROPOSED);
        a.addServiceType(type(slot.appointmentType()));
        a.setStart(Date.from(slot.start()));
        a.setEnd(Date.from(end));
        a.addRequestedPeriod(new Period().setStart(Date.from(requestedFrom)).setEnd(Date.from(requestedTo)));
        a.addSlot(new Reference("Slot/" + slotId(slot.facilityId(), slot.providerId(), slot.start())));
        a.addExtension(new Extension(FhirCodes.FACILITY_EXTENSION, FhirIds.facility(slot.facilityId())));
        a.addParticipant().setActor(FhirIds.practitioner(slot.providerId())).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
        if (patientId != null) {
            a.addParticipant().setActor(FhirIds.patient(patientId)).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
        }
        return a;
    }

    /**
     * The id of a proposed appointment: {@code proposed.{facility}.{provider}.{epoch minute}.{type}}; when that would be
     * too long, a digest, which $book cannot take back (book such a slot with appointment-resource).
     */
    public static String proposedId(ProposedSlot slot) {
        String minute = Long.toString(slot.start().getEpochSecond() / 60);
        String id = FhirIds.compound(PROPOSED, slot.facilityId(), slot.providerId(), minute, slot.appointmentType());
        return id != null ? id : digestId(PROPOSED, slot.facilityId(), slot.providerId(), minute, slot.appointmentType());
    }

    /** The slot a proposed appointment's id names, or null when {@code id} is not one. */
    public static ProposedSlot proposedSlot(String id) {
        List<String> parts = FhirIds.parts(id, 5);
        if (parts == null || !parts.get(0).equals(PROPOSED)) {
            return null;
        }
        try {
            return new ProposedSlot(parts.get(1), parts.get(2), Instant.ofEpochSecond(Long.parseLong(parts.get(3)) * 60), parts.get(4));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A booking as careflow decided it (or is deciding it). */
    public static Appointment appointment(BookingOutcome booking) {
        Appointment a = new Appointment();
        a.setId(FhirIds.logical(booking.getBookingId()));
        a.addIdentifier(new Identifier().setSystem(FhirCodes.BOOKING_ID_SYSTEM).setValue(booking.getBookingId()));
        switch (booking.getStatus()) {
            case PENDING -> a.setStatus(Appointment.AppointmentStatus.PENDING);
            case CONFIRMED -> a.setStatus(Appointment.AppointmentStatus.BOOKED);
            case CANCELLED -> a.setStatus(Appointment.AppointmentStatus.CANCELLED);
            case REJECTED -> {
                a.setStatus(Appointment.AppointmentStatus.CANCELLED);
                String reason = booking.getRejectionReason() == null ? "REJECTED" : booking.getRejectionReason().name();
                a.setCancelationReason(new CodeableConcept().addCoding(new Coding(FhirCodes.REJECTION_REASON_SYSTEM, reason, null))
                    .setText("Not booked: " + reason));
            }
        }
        a.addServiceType(type(booking.getAppointmentType()));
        if (booking.getSlotEnd() != null) {
            a.setStart(Date.from(booking.getSlotStart()));
            a.setEnd(Date.from(booking.getSlotEnd()));
            a.addRequestedPeriod(new Period().setStart(Date.from(booking.getSlotStart())).setEnd(Date.from(booking.getSlotEnd())));
        } else {
            // No slot was found to give it an end (a start the schedule never had): the time asked for, alone.
            a.addRequestedPeriod(new Period().setStart(Date.from(booking.getSlotStart())));
        }
        a.setCreated(Date.from(booking.getDecidedAt()));
        if (booking.getFacilityId() != null) {
            a.addExtension(new Extension(FhirCodes.FACILITY_EXTENSION, FhirIds.facility(booking.getFacilityId())));
            if (booking.getStatus() != org.careflow.events.scheduling.BookingStatus.REJECTED) {
                a.addSlot(new Reference("Slot/" + slotId(booking.getFacilityId(), booking.getProviderId(), booking.getSlotStart())));
            }
        }
        Appointment.ParticipationStatus participation = a.getStatus() == Appointment.AppointmentStatus.BOOKED
            ? Appointment.ParticipationStatus.ACCEPTED
            : a.getStatus() == Appointment.AppointmentStatus.PENDING ? Appointment.ParticipationStatus.TENTATIVE : Appointment.ParticipationStatus.DECLINED;
        a.addParticipant().setActor(FhirIds.patient(booking.getPatientId())).setStatus(participation);
        a.addParticipant().setActor(FhirIds.practitioner(booking.getProviderId())).setStatus(participation);
        return a;
    }

    /** A patient's appointment as the patient's own list holds it: booked, cancelled, or still being decided. */
    public static Appointment appointment(String patientId, String bookingId, String providerId, String facilityId, Instant start, Instant end,
                                          String appointmentType, boolean confirmed, boolean cancelled) {
        Appointment a = new Appointment();
        a.setId(FhirIds.logical(bookingId));
        a.addIdentifier(new Identifier().setSystem(FhirCodes.BOOKING_ID_SYSTEM).setValue(bookingId));
        a.setStatus(cancelled ? Appointment.AppointmentStatus.CANCELLED
            : confirmed ? Appointment.AppointmentStatus.BOOKED : Appointment.AppointmentStatus.PENDING);
        a.addServiceType(type(appointmentType));
        a.setStart(Date.from(start));
        a.setEnd(Date.from(end));
        a.addRequestedPeriod(new Period().setStart(Date.from(start)).setEnd(Date.from(end)));
        if (facilityId != null) {
            a.addExtension(new Extension(FhirCodes.FACILITY_EXTENSION, FhirIds.facility(facilityId)));
        }
        Appointment.ParticipationStatus participation = cancelled ? Appointment.ParticipationStatus.DECLINED
            : confirmed ? Appointment.ParticipationStatus.ACCEPTED : Appointment.ParticipationStatus.TENTATIVE;
        a.addParticipant().setActor(FhirIds.patient(patientId)).setStatus(participation);
        a.addParticipant().setActor(FhirIds.practitioner(providerId)).setStatus(participation);
        return a;
    }

    /** A provider's booked or held slot as an appointment, for staff viewing the provider's day: the patient is not named. */
    public static Appointment providerAppointment(String bookingId, String providerId, String facilityId, Instant start, Instant end, boolean booked) {
        Appointment a = new Appointment();
        a.setId(FhirIds.logical(bookingId));
        a.addIdentifier(new Identifier().setSystem(FhirCodes.BOOKING_ID_SYSTEM).setValue(bookingId));
        a.setStatus(booked ? Appointment.AppointmentStatus.BOOKED : Appointment.AppointmentStatus.PENDING);
        a.setStart(Date.from(start));
        a.setEnd(Date.from(end));
        a.addRequestedPeriod(new Period().setStart(Date.from(start)).setEnd(Date.from(end)));
        a.addExtension(new Extension(FhirCodes.FACILITY_EXTENSION, FhirIds.facility(facilityId)));
        a.addSlot(new Reference("Slot/" + slotId(facilityId, providerId, start)));
        a.addParticipant().setActor(FhirIds.practitioner(providerId))
            .setStatus(booked ? Appointment.ParticipationStatus.ACCEPTED : Appointment.ParticipationStatus.TENTATIVE);
        return a;
    }

    static CodeableConcept type(String appointmentType) {
        return new CodeableConcept().addCoding(new Coding(FhirCodes.APPOINTMENT_TYPE_SYSTEM, appointmentType, null)).setText(appointmentType);
    }
}
