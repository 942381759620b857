package org.careflow.scheduling.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.rules.booking.BookingPolicy;
import org.careflow.rules.booking.BookingRequester;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.PatientAppointment;
import org.careflow.state.scheduling.PatientAppointments;
import org.careflow.state.scheduling.SchedulingCommand;

/**
 * Step 2 of the booking saga, in the patient's task (commands keyed by patientId, so one patient's requests
 * are decided one at a time, whatever their providers): a slot the provider step holds is confirmed unless it
 * overlaps another of the patient's appointments. A confirmed reschedule cancels the booking it replaces. A reschedule
 * is rejected NOT_PERMITTED when the booking it replaces is not among this patient's appointments, or is at a facility
 * the staff or integration caller does not act for: nobody moves someone else's appointment.
 *
 * <p>A patient's record is bounded: at most {@link #MAX_LIVE_APPOINTMENTS} confirmed appointments (one more is
 * REJECTED {@code TOO_MANY_APPOINTMENTS}, a readable refusal rather than a record that grows until it breaks its
 * partition), and the refusals it remembers (to answer a repeated request the same way) are the latest
 * {@link #MAX_REMEMBERED_REFUSALS}; appointments that ended {@link #KEEP_PAST} ago are forgotten.
 */
public final class PatientStepProcessor implements Processor<String, SchedulingCommand, String, Emissions> {

    /** Appointments that ended this long ago are forgotten. */
    static final Duration KEEP_PAST = Duration.ofDays(90);
    /** Confirmed, not cancelled appointments a patient may hold. */
    static final int MAX_LIVE_APPOINTMENTS = 200;
    /** Refused requests remembered per patient, the latest kept. */
    static final int MAX_REMEMBERED_REFUSALS = 100;

    private ProcessorContext<String, Emissions> context;
    private KeyValueStore<String, PatientAppointments> store;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        this.context = context;
        store = context.getStateStore(SchedulingTopology.PATIENT_APPOINTMENTS_STORE);
    }

    @Override
    public void process(Record<String, SchedulingCommand> record) {
        SchedulingCommand command = record.value();
        if (record.key() == null || command == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        PatientAppointments stored = store.get(record.key());
        List<PatientAppointment> appointments = new ArrayList<>(stored == null ? List.of() : stored.getAppointments());
        appointments.removeIf(a -> a.getEnd().isBefore(now.minus(KEEP_PAST)));
        Emissions out = Emissions.empty();
        switch (command.getKind()) {
            case CHECK_PATIENT -> check(command, appointments, out);
            case RELEASE_PATIENT -> find(appointments, command.getBookingId()).ifPresent(a -> a.setCancelled(true));
            default -> throw new IllegalStateException("The patient step does not take " + command.getKind());
        }
        forgetOldestRefusals(appointments);
        store.put(record.key(), new PatientAppointments(appointments));
        if (!out.isEmpty()) {
            context.forward(record.withValue(out));
        }
    }

    private static void check(SchedulingCommand c, List<PatientAppointment> appointments, Emissions out) {
        Optional<PatientAppointment> known = find(appointments, c.getBookingId());
        if (known.isPresent()) {
            out.toProvider().add(decision(c, known.get().getConfirmed(), null));
            return;
        }
        if (c.getReplacesBookingId() != null && !mayReplace(c, find(appointments, c.getReplacesBookingId()))) {
            // Remembered as rejected, so a repeated check answers the same.
            appointments.add(appointment(c, false));
            out.toProvider().add(decision(c, false, RejectionReason.NOT_PERMITTED));
            return;
        }
        long live = appointments.stream().filter(a -> a.getConfirmed() && !a.getCancelled()).count();
        if (c.getReplacesBookingId() == null && live >= MAX_LIVE_APPOINTMENTS) {
            appointments.add(appointment(c, false));
            out.toProvider().add(decision(c, false, RejectionReason.TOO_MANY_APPOINTMENTS));
            return;
        }
        boolean overlaps = appointments.stream().anyMatch(a -> a.getConfirmed() && !a.getCancelled()
            && !a.getBookingId().equals(c.getReplacesBookingId())
            && a.getStart().isBefore(c.getSlotEnd()) && c.getSlotStart().isBefore(a.getEnd()));
        appointments.add(appointment(c, !overlaps));
        out.toProvider().add(decision(c, !overlaps, overlaps ? RejectionReason.PATIENT_OVERLAP : null));
        if (!overlaps && c.getReplacesBookingId() != null) {
            // The new slot is the patient's: only now may the old one go.
            find(appointments, c.getReplacesBookingId()).filter(old -> !old.getCancelled()).ifPresent(old -> {
                old.setCancelled(true);
                out.toProvider().add(SchedulingCommand.newBuilder()
                    .setKind(CommandKind.CANCEL).setBookingId(old.getBookingId()).setPatientId(c.getPatientId())
                    .setProviderId(old.getProviderId()).setFacilityId(old.getFacilityId())
                    .setSlotStart(old.getStart()).setSlotEnd(old.getEnd()).setAppointmentType(old.getAppointmentType())
                    .setReason("rescheduled to booking " + c.getBookingId()).setCancelledBy(CancelledBy.SYSTEM)
                    .build());
            });
        }
    }

    /** Drops the oldest refusals beyond {@link #MAX_REMEMBERED_REFUSALS} (the list is in the order they were decided). */
    private static void forgetOldestRefusals(List<PatientAppointment> appointments) {
        long refusals = appointments.stream().filter(a -> !a.getConfirmed()).count();
        for (var it = appointments.iterator(); it.hasNext() && refusals > MAX_REMEMBERED_REFUSALS; ) {
            if (!it.next().getConfirmed()) {
                it.remove();
                refusals--;
            }
        }
    }

    /**
     * The replaced booking must be among this patient's appointments (the store is the patient's), and the requester may
     * change it by {@link BookingPolicy}: at one of the caller's facilities when the caller is staff.
     */
    private static boolean mayReplace(SchedulingCommand c, Optional<PatientAppointment> replaced) {
        return replaced.isPresent() && BookingPolicy.mayChange(
            new BookingRequester(c.getPatientId(), c.getCallerFacilityIds()), c.getPatientId(), replaced.get().getFacilityId());
    }

    private static PatientAppointment appointment(SchedulingCommand c, boolean confirmed) {
        return PatientAppointment.newBuilder()
            .setBookingId(c.getBookingId()).setProviderId(c.getProviderId()).setFacilityId(c.getFacilityId())
            .setStart(c.getSlotStart()).setEnd(c.getSlotEnd()).setAppointmentType(c.getAppointmentType())
            .setConfirmed(confirmed).setCancelled(false)
            .build();
    }

    private static SchedulingCommand decision(SchedulingCommand c, boolean confirmed, RejectionReason reason) {
        return SchedulingCommand.newBuilder(c).setKind(CommandKind.DECIDED).setConfirmed(confirmed)
            .setReason(reason == null ? null : reason.name()).setCallerFacilityIds(null).build();
    }

    private static Optional<PatientAppointment> find(List<PatientAppointment> appointments, String bookingId) {
        return appointments.stream().filter(a -> a.getBookingId().equals(bookingId)).findFirst();
    }
}
