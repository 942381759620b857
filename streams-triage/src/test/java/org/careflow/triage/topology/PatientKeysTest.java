package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PatientKeysTest {

    @Test
    void shouldSortEachKindOfAPatientApartAndTheEarlierLayoutAfterThem() {
        String earlier = TriageKeys.history("p-1", "A-facility");
        TreeSet<String> keys = new TreeSet<>(List.of(earlier, PatientKeys.latest("p-1", "A-facility"),
            PatientKeys.entry("p-1", "A-facility", 10), PatientKeys.entry("p-1", "A-facility", 9),
            PatientKeys.seen("p-1", "A-facility", "s-1"), PatientKeys.order("p-1", "A-facility", 9), PatientKeys.latest("p-2", "f")));

        assertThat(keys).containsExactly(PatientKeys.latest("p-1", "A-facility"), PatientKeys.entry("p-1", "A-facility", 9),
            PatientKeys.entry("p-1", "A-facility", 10), PatientKeys.seen("p-1", "A-facility", "s-1"),
            PatientKeys.order("p-1", "A-facility", 9), earlier, PatientKeys.latest("p-2", "f"));
        assertThat(keys.subSet(PatientKeys.earlierLayoutFrom("p-1"), PatientKeys.earlierLayoutTo("p-1"))).containsExactly(earlier);
    }

    @Test
    void shouldTellTheEarlierLayoutsKeysFromEveryKind() {
        assertThat(PatientKeys.isEarlierLayout(TriageKeys.history("p-1", "f-1"))).isTrue();
        assertThat(PatientKeys.isEarlierLayout(PatientKeys.latest("p-1", "f-1"))).isFalse();
        assertThat(PatientKeys.isEarlierLayout(PatientKeys.entry("p-1", "f-1", 0))).isFalse();
        assertThat(PatientKeys.isEarlierLayout(PatientKeys.seen("p-1", "f-1", "s"))).isFalse();
        assertThat(PatientKeys.isEarlierLayout(PatientKeys.MIGRATED)).isFalse();
        assertThat(PatientKeys.isEarlierLayout(TriageKeys.awaiting("p-1", "f-1", "s"))).isFalse();
    }

    @Test
    void shouldWriteSixteenHexDigits() {
        assertThat(PatientKeys.hex(0)).isEqualTo("0000000000000000");
        assertThat(PatientKeys.hex(0xABCL)).isEqualTo("0000000000000abc");
        assertThat(PatientKeys.hex(Long.MAX_VALUE)).isEqualTo("7fffffffffffffff");
    }

    @Test
    void shouldOrderEntriesByNumberBeyondTenDigits() {
        assertThat(PatientKeys.entry("p", "f", 0xFFL)).isLessThan(PatientKeys.entry("p", "f", 0x100L));
        assertThat(PatientKeys.entry("p", "f", 99_999_999_999L)).isLessThan(PatientKeys.entry("p", "f", 100_000_000_000L));
    }
}
