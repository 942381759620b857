package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BookingIdsTest {

    @Test
    void shouldGiveDifferentIdsWhenTwoPatientsReuseOneClientId() {
        assertThat(BookingIds.of("f-1", "p-1", "dr-a", "b-1")).isNotEqualTo(BookingIds.of("f-1", "p-2", "dr-a", "b-1"));
    }

    @Test
    void shouldGiveDifferentIdsWhenTwoFacilitiesOrProvidersReuseOneClientIdForOnePatient() {
        assertThat(BookingIds.of("f-1", "p-1", "dr-a", "b-1")).isNotEqualTo(BookingIds.of("f-2", "p-1", "dr-a", "b-1"));
        assertThat(BookingIds.of(null, "p-1", "dr-a", "b-1")).isNotEqualTo(BookingIds.of("f-1", "p-1", "dr-a", "b-1"));
        assertThat(BookingIds.of("f-1", "p-1", "dr-a", "b-1")).isNotEqualTo(BookingIds.of("f-1", "p-1", "dr-b", "b-1"));
    }

    @Test
    void shouldBeStableAndShortWhenDerivedTwice() {
        String id = BookingIds.of("f-1", "p-1", "dr-a", "b-1");
        assertThat(id).isEqualTo(BookingIds.of("f-1", "p-1", "dr-a", "b-1")).matches("bk-[A-Za-z0-9_-]{22}");
    }

    @Test
    void shouldNotMatchWhenTheIdWasDerivedForAnotherPatient() {
        String id = BookingIds.of("f-1", "p-1", "dr-a", "b-1");
        assertThat(BookingIds.matches(id, "f-1", "p-1", "dr-a", "b-1")).isTrue();
        assertThat(BookingIds.matches(id, "f-1", "p-2", "dr-a", "b-1")).isFalse();
        assertThat(BookingIds.matches(id, "f-1", "p-1", "dr-a", null)).isFalse();
    }

    @Test
    void shouldNotCollideWhenFieldsShiftAcrossTheSeparator() {
        assertThat(BookingIds.of("ab", "c", "d", "e")).isNotEqualTo(BookingIds.of("a", "bc", "d", "e"));
    }
}
