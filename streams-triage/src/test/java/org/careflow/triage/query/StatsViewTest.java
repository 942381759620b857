package org.careflow.triage.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsViewTest {

    @Test
    void shouldTakeNearestRankWhenComputingPercentiles() {
        List<Long> minutes = List.of(50L, 10L, 40L, 20L, 30L, 60L, 70L, 80L, 90L, 100L);

        assertThat(StatsView.percentile(minutes, 50)).isEqualTo(50L);
        assertThat(StatsView.percentile(minutes, 90)).isEqualTo(90L);
        assertThat(StatsView.percentile(minutes, 100)).isEqualTo(100L);
    }

    @Test
    void shouldReturnTheOnlyValueWhenThereIsOne() {
        assertThat(StatsView.percentile(List.of(7L), 50)).isEqualTo(7L);
        assertThat(StatsView.percentile(List.of(7L), 90)).isEqualTo(7L);
    }

    @Test
    void shouldReturnNullWhenNobodyWasSeen() {
        assertThat(StatsView.percentile(List.of(), 50)).isNull();
    }
}
