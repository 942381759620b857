package org.careflow.rules.booking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BookingPolicyTest {

    @Nested
    class MayChange {

        @Test
        void shouldAllowPatientWhenTheBookingIsTheirs() {
            assertThat(BookingPolicy.mayChange(BookingRequester.patient("p-1"), "p-1", "f-1")).isTrue();
        }

        @Test
        void shouldDenyPatientWhenTheBookingIsAnotherPatients() {
            assertThat(BookingPolicy.mayChange(BookingRequester.patient("p-1"), "p-2", "f-1")).isFalse();
        }

        @Test
        void shouldAllowStaffWhenTheBookingIsAtOneOfTheirFacilities() {
            assertThat(BookingPolicy.mayChange(BookingRequester.staff(Set.of("f-1", "f-2")), "p-1", "f-2")).isTrue();
        }

        @Test
        void shouldDenyStaffWhenTheBookingIsAtAnotherFacility() {
            assertThat(BookingPolicy.mayChange(BookingRequester.staff(Set.of("f-1")), "p-1", "f-2")).isFalse();
        }

        @Test
        void shouldDenyStaffWithNoFacilitiesWhateverTheBooking() {
            assertThat(BookingPolicy.mayChange(BookingRequester.staff(Set.of()), "p-1", "f-1")).isFalse();
        }

        @Test
        void shouldDenyStaffWhenTheyNameAnotherPatientThanTheBookings() {
            assertThat(BookingPolicy.mayChange(new BookingRequester("p-2", List.of("f-1")), "p-1", "f-1")).isFalse();
            assertThat(BookingPolicy.mayChange(new BookingRequester("p-1", List.of("f-1")), "p-1", "f-1")).isTrue();
        }

        @Test
        void shouldAllowUnknownCallerWhenAuthenticationIsOff() {
            assertThat(BookingPolicy.mayChange(BookingRequester.unknown(), "p-1", "f-1")).isTrue();
        }

        @Test
        void shouldDenyWhenTheBookingHasNoPatientButTheRequestNamesOne() {
            assertThat(BookingPolicy.mayChange(BookingRequester.patient("p-1"), null, "f-1")).isFalse();
        }
    }

    @Nested
    class PatientCancellation {

        @Test
        void shouldAllowPatientWhenCancellingAsThemselvesWithOrWithoutNamingThemselves() {
            assertThat(BookingPolicy.checkPatientCancellation("p-1", null, true)).isEmpty();
            assertThat(BookingPolicy.checkPatientCancellation("p-1", "p-1", true)).isEmpty();
        }

        @Test
        void shouldRefusePatientWhenNamingAnotherPatient() {
            assertThat(BookingPolicy.checkPatientCancellation("p-1", "p-2", true)).contains(BookingPolicy.Refusal.PATIENT_OUT_OF_SCOPE);
        }

        @Test
        void shouldRefusePatientWhenNotCancellingAsPatient() {
            assertThat(BookingPolicy.checkPatientCancellation("p-1", null, false)).contains(BookingPolicy.Refusal.NOT_AS_PATIENT);
        }

        @Test
        void shouldRecordTheCallerWhenTheCancellationNamesNoPatient() {
            assertThat(BookingPolicy.cancellingPatient("p-1", null)).isEqualTo("p-1");
            assertThat(BookingPolicy.cancellingPatient("p-1", "p-2")).isEqualTo("p-2");
        }
    }

    @Test
    void shouldSortStaffFacilitiesAndKeepThePatientOutOfToString() {
        BookingRequester staff = BookingRequester.staff(Set.of("f-2", "f-1"));
        assertThat(staff.facilityIds()).containsExactly("f-1", "f-2");
        assertThat(BookingRequester.patient("p-secret").toString()).doesNotContain("p-secret");
    }
}
