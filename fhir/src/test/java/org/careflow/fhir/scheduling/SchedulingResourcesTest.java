package org.careflow.fhir.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.fhir.FhirIds;
import org.careflow.fhir.FhirResources;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

class SchedulingResourcesTest {

    static final Instant NINE = Instant.parse("2026-12-14T09:00:00Z");

    @Test
    void shouldSpellCompoundIdsReversiblyForEveryCharacterCareflowIdsMayHold() {
        String id = FhirIds.compound("f_1:a", "dr.x-2");

        assertThat(id).matches(FhirIds.LOGICAL_ID);
        assertThat(FhirIds.parts(id, 2)).containsExactly("f_1:a", "dr.x-2");
        assertThat(FhirIds.parts(id, 3)).isNull();
        assertThat(FhirIds.parts("a.-q", 2)).isNull();
        assertThat(FhirIds.compound("x".repeat(40), "y".repeat(40))).isNull();
    }

    @Test
    void shouldGiveAScheduleIdEvenWhenTheIdsAreTooLongToSpellThatReadsBackAsNone() {
        String id = SchedulingResources.scheduleId("x".repeat(40), "y".repeat(40));

        assertThat(id).matches(FhirIds.LOGICAL_ID);
        assertThat(SchedulingResources.scheduleParts(id)).isNull();
    }

    @Test
    void shouldGiveValidIdsToSlotsAndProposedAppointmentsOfIdsTooLongToSpellOut() {
        String facility = "f".repeat(30);
        String provider = "p".repeat(30);
        Slot slot = SchedulingResources.slot(facility, provider, NINE, NINE.plusSeconds(1800), Slot.SlotStatus.FREE, List.of("follow-up"));
        SchedulingResources.ProposedSlot proposed = new SchedulingResources.ProposedSlot(facility, provider, NINE, "follow-up");

        assertThat(slot.getIdElement().getIdPart()).matches(FhirIds.LOGICAL_ID);
        assertThat(FhirResources.errors(slot)).isEmpty();
        assertThat(SchedulingResources.proposedId(proposed)).matches(FhirIds.LOGICAL_ID);
        assertThat(SchedulingResources.proposedSlot(SchedulingResources.proposedId(proposed))).isNull();
        assertThat(FhirResources.errors(SchedulingResources.proposed(proposed, NINE.plusSeconds(1800), null, NINE, NINE.plusSeconds(3600)))).isEmpty();
    }

    @Test
    void shouldTakeBackTheSlotAProposedAppointmentStandsFor() {
        SchedulingResources.ProposedSlot slot = new SchedulingResources.ProposedSlot("f-1", "dr_1", NINE, "follow-up");

        Appointment proposed = SchedulingResources.proposed(slot, NINE.plusSeconds(1800), "p-1", NINE.minusSeconds(86400), NINE.plusSeconds(86400));

        assertThat(FhirResources.errors(proposed)).isEmpty();
        assertThat(proposed.getStatus()).isEqualTo(Appointment.AppointmentStatus.PROPOSED);
        assertThat(SchedulingResources.proposedSlot(proposed.getIdElement().getIdPart())).isEqualTo(slot);
        assertThat(SchedulingResources.proposedSlot("bk-abc")).isNull();
    }

    @Test
    void shouldMapEachBookingStatusAndSayWhyOneWasNotBooked() {
        assertThat(SchedulingResources.appointment(booking(BookingStatus.CONFIRMED, null)).getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(SchedulingResources.appointment(booking(BookingStatus.PENDING, null)).getStatus()).isEqualTo(Appointment.AppointmentStatus.PENDING);
        assertThat(SchedulingResources.appointment(booking(BookingStatus.CANCELLED, null)).getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        Appointment rejected = SchedulingResources.appointment(booking(BookingStatus.REJECTED, RejectionReason.SLOT_TAKEN));

        assertThat(rejected.getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        assertThat(rejected.getCancelationReason().getCodingFirstRep().getCode()).isEqualTo("SLOT_TAKEN");
        for (BookingStatus status : BookingStatus.values()) {
            assertThat(FhirResources.errors(SchedulingResources.appointment(booking(status, status == BookingStatus.REJECTED
                ? RejectionReason.PATIENT_OVERLAP : null)))).as(status.name()).isEmpty();
        }
        assertThat(SchedulingResources.appointment(booking(BookingStatus.CONFIRMED, null)).getIdElement().getIdPart()).isEqualTo("bk-Ab.c");
    }

    @Test
    void shouldGiveValidSchedulesSlotsAndProviderAppointments() {
        assertThat(FhirResources.errors(SchedulingResources.schedule("f-1", "dr-1", List.of("follow-up"), "Europe/London", 30, NINE, NINE.plusSeconds(3600)))).isEmpty();
        assertThat(FhirResources.errors(SchedulingResources.slot("f-1", "dr-1", NINE, NINE.plusSeconds(1800), Slot.SlotStatus.FREE, List.of("follow-up")))).isEmpty();
        assertThat(FhirResources.errors(SchedulingResources.providerAppointment("bk-1", "dr-1", "f-1", NINE, NINE.plusSeconds(1800), true))).isEmpty();
        assertThat(FhirResources.errors(SchedulingResources.appointment("p-1", "bk-1", "dr-1", "f-1", NINE, NINE.plusSeconds(1800), "follow-up", true, false))).isEmpty();
    }

    private static BookingOutcome booking(BookingStatus status, RejectionReason reason) {
        return BookingOutcome.newBuilder().setEventId("e").setOccurredAt(NINE.minusSeconds(600)).setBookingId("bk-Ab_c").setPatientId("p-1")
            .setProviderId("dr-1").setFacilityId(status == BookingStatus.REJECTED ? null : "f-1").setSlotStart(NINE)
            .setSlotEnd(status == BookingStatus.REJECTED ? null : NINE.plusSeconds(1800)).setAppointmentType("follow-up").setStatus(status)
            .setRejectionReason(reason).setClientBookingId("my-1").setDecidedAt(NINE.minusSeconds(600)).build();
    }
}
