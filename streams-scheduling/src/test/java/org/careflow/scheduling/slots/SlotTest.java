package org.careflow.scheduling.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careflow.scheduling.slots.ScheduleFixtures.at;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlotTest {

    @ParameterizedTest(name = "[{0}, {1})")
    @CsvSource({
        "2026-01-12T09:00:00Z, 2026-01-12T09:00:00Z",
        "2026-01-12T09:30:00Z, 2026-01-12T09:00:00Z"
    })
    void shouldRejectSlotWhenEndIsNotAfterStart(String start, String end) {
        // Given / When / Then
        assertThatThrownBy(() -> new Slot(at(start), at(end)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be after start");
    }

    @Test
    void shouldOrderByStartWhenSorted() {
        // Given
        Slot ten = new Slot(at("2026-01-12T10:00:00Z"), at("2026-01-12T10:30:00Z"));
        Slot nine = new Slot(at("2026-01-12T09:00:00Z"), at("2026-01-12T09:30:00Z"));
        List<Slot> slots = new ArrayList<>(List.of(ten, nine));

        // When
        slots.sort(null);

        // Then
        assertThat(slots).containsExactly(nine, ten);
    }
}
