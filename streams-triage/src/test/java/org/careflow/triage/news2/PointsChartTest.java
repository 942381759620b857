package org.careflow.triage.news2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PointsChartTest {

    @Test
    void shouldUseInclusiveUpperBoundsWhenValueIsOnABound() {
        // Given
        PointsChart chart = PointsChart.atOrBelow(10, 3).atOrBelow(20, 1).above(0);

        // When / Then
        assertThat(chart.pointsFor(10)).isEqualTo(3);
        assertThat(chart.pointsFor(11)).isEqualTo(1);
        assertThat(chart.pointsFor(20)).isEqualTo(1);
        assertThat(chart.pointsFor(21)).isEqualTo(0);
        assertThat(chart.pointsFor(Integer.MIN_VALUE)).isEqualTo(3);
        assertThat(chart.pointsFor(Integer.MAX_VALUE)).isEqualTo(0);
    }

    @Test
    void shouldRejectWhenBoundsDoNotAscend() {
        // Given
        PointsChart.Builder builder = PointsChart.atOrBelow(20, 3);

        // When / Then
        assertThatThrownBy(() -> builder.atOrBelow(20, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascend");
    }
}
