package org.careflow.scheduling.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.DecisionStatus;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.RefusalReason;
import org.careflow.events.scheduling.SchedulingDecision;
import org.careflow.events.scheduling.SchedulingRequestKind;
import org.careflow.security.AccessPolicy;
import org.careflow.security.Decision;
import org.careflow.security.EndpointClass;
import org.careflow.security.Principal;
import org.careflow.security.ResourceScope;
import org.careflow.security.Role;
import org.careflow.state.scheduling.PatientAppointment;
import org.junit.jupiter.api.Test;

/** The resource scopes streams-scheduling's query routes check on the owning instance, against the access policy. */
class SchedulingScopesTest {

    private static final Principal SCHEDULER_F1 = principal(Role.SCHEDULER, Set.of("F1"), null);
    private static final Principal PATIENT_P1 = principal(Role.PATIENT, Set.of(), "p-1");
    private static final Principal CLINICIAN_F1 = principal(Role.CLINICIAN, Set.of("F1"), null);

    @Test
    void shouldLetPatientAndSchedulerOfTheFacilityReadABookingWhenItIsTheirs() {
        ResourceScope booking = SchedulingQueryRoutes.bookingScope(booking("p-1", "F1"));

        assertThat(allowed(PATIENT_P1, EndpointClass.BOOKING_READ, booking)).isTrue();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.BOOKING_READ, booking)).isTrue();
        assertThat(allowed(principal(Role.PATIENT, Set.of(), "p-2"), EndpointClass.BOOKING_READ, booking)).isFalse();
        assertThat(allowed(principal(Role.SCHEDULER, Set.of("F2"), null), EndpointClass.BOOKING_READ, booking)).isFalse();
        assertThat(allowed(CLINICIAN_F1, EndpointClass.BOOKING_READ, booking)).isFalse();
        // An integration that books at F1 reads F1's bookings (and the decisions on its requests), never F2's
        assertThat(allowed(principal(Role.INTEGRATION, Set.of("F1"), null), EndpointClass.BOOKING_READ, booking)).isTrue();
        assertThat(allowed(principal(Role.INTEGRATION, Set.of("F2"), null), EndpointClass.BOOKING_READ, booking)).isFalse();
    }

    @Test
    void shouldShowARejectedBookingWithoutFacilityToItsPatientOnlyWhenSchedulersAsk() {
        ResourceScope rejected = SchedulingQueryRoutes.bookingScope(booking("p-1", null));

        assertThat(allowed(PATIENT_P1, EndpointClass.BOOKING_READ, rejected)).isTrue();
        assertThat(AccessPolicy.check(SCHEDULER_F1, EndpointClass.BOOKING_READ, rejected))
            .isEqualTo(Decision.deny(AccessPolicy.REASON_FACILITY_REQUIRED));
    }

    @Test
    void shouldScopeSlotsAndConflictsToTheSchedulesFacilityWhenSchedulersAsk() {
        ResourceScope schedule = SchedulingQueryRoutes.scheduleScope(schedule("F1"));
        ResourceScope noSchedule = SchedulingQueryRoutes.scheduleScope(null);

        assertThat(allowed(SCHEDULER_F1, EndpointClass.PROVIDER_READ, schedule)).isTrue();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.PROVIDER_CONFLICTS_READ, schedule)).isTrue();
        assertThat(allowed(principal(Role.SCHEDULER, Set.of("F2"), null), EndpointClass.PROVIDER_CONFLICTS_READ, schedule)).isFalse();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.PROVIDER_CONFLICTS_READ, noSchedule)).isFalse();
        // Free slots hold no patient data: any patient may see them, conflicts (which name bookings) stay staff-only.
        assertThat(allowed(PATIENT_P1, EndpointClass.PROVIDER_READ, schedule)).isTrue();
        assertThat(allowed(PATIENT_P1, EndpointClass.PROVIDER_CONFLICTS_READ, schedule)).isFalse();
    }

    @Test
    void shouldLetOnlyTheRequestsOwnCallerReadADecisionWhenItIsAsked() {
        SchedulingDecision patientCancel = decision(null, "p-1", null);
        SchedulingDecision staffCancel = decision(null, null, java.util.List.of("F1"));
        SchedulingDecision booking = decision("F1", "p-1", null);

        assertThat(allowed(PATIENT_P1, EndpointClass.BOOKING_READ, SchedulingQueryRoutes.decisionScope(patientCancel))).isTrue();
        assertThat(allowed(principal(Role.PATIENT, Set.of(), "p-2"), EndpointClass.BOOKING_READ,
            SchedulingQueryRoutes.decisionScope(patientCancel))).isFalse();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.BOOKING_READ, SchedulingQueryRoutes.decisionScope(patientCancel))).isFalse();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.BOOKING_READ, SchedulingQueryRoutes.decisionScope(staffCancel))).isTrue();
        assertThat(allowed(principal(Role.SCHEDULER, Set.of("F2"), null), EndpointClass.BOOKING_READ,
            SchedulingQueryRoutes.decisionScope(staffCancel))).isFalse();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.BOOKING_READ, SchedulingQueryRoutes.decisionScope(booking))).isTrue();
        assertThat(allowed(PATIENT_P1, EndpointClass.BOOKING_READ, SchedulingQueryRoutes.decisionScope(booking))).isTrue();
    }

    @Test
    void shouldFilterAppointmentsByFacilityWhenSchedulersAskAndShowAllWhenThePatientAsks() {
        ResourceScope atF1 = SchedulingQueryRoutes.appointmentScope("p-1", appointment("F1"));
        ResourceScope atF2 = SchedulingQueryRoutes.appointmentScope("p-1", appointment("F2"));

        assertThat(allowed(SCHEDULER_F1, EndpointClass.PATIENT_APPOINTMENTS_READ, atF1)).isTrue();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.PATIENT_APPOINTMENTS_READ, atF2)).isFalse();
        assertThat(allowed(PATIENT_P1, EndpointClass.PATIENT_APPOINTMENTS_READ, atF2)).isTrue();
        assertThat(allowed(principal(Role.PATIENT, Set.of(), "p-2"), EndpointClass.PATIENT_APPOINTMENTS_READ, atF1)).isFalse();
    }

    private static boolean allowed(Principal principal, EndpointClass endpointClass, ResourceScope scope) {
        return AccessPolicy.check(principal, endpointClass, scope).allowed();
    }

    private static Principal principal(Role role, Set<String> facilities, String patientId) {
        return new Principal("sub-" + role, null, role, facilities, patientId, "jti", Instant.now().plusSeconds(60));
    }

    private static BookingOutcome booking(String patientId, String facilityId) {
        BookingOutcome booking = new BookingOutcome();
        booking.setBookingId("b-1");
        booking.setPatientId(patientId);
        booking.setFacilityId(facilityId);
        return booking;
    }

    private static SchedulingDecision decision(String facilityId, String patientId, java.util.List<String> callerFacilities) {
        return SchedulingDecision.newBuilder().setEventId("d").setOccurredAt(Instant.EPOCH).setRequestId("r")
            .setKind(SchedulingRequestKind.CANCELLATION).setStatus(DecisionStatus.REFUSED).setReason(RefusalReason.NO_SUCH_BOOKING)
            .setSubjectId("bk-x").setFacilityId(facilityId).setPatientId(patientId).setCallerFacilityIds(callerFacilities).build();
    }

    private static ProviderSchedule schedule(String facilityId) {
        ProviderSchedule schedule = new ProviderSchedule();
        schedule.setProviderId("dr-1");
        schedule.setFacilityId(facilityId);
        return schedule;
    }

    private static PatientAppointment appointment(String facilityId) {
        PatientAppointment appointment = new PatientAppointment();
        appointment.setBookingId("b-1");
        appointment.setFacilityId(facilityId);
        return appointment;
    }
}
