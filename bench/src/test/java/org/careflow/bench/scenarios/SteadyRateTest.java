package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SteadyRateTest {

    @Test
    void shouldSendHalfTheMaximumWhenNoFractionIsGiven() {
        assertThat(SteadyRate.fraction(null)).isEqualTo(0.5);
        assertThat(SteadyRate.fraction("  ")).isEqualTo(0.5);
        assertThat(SteadyRate.fraction(" 0.8 ")).isEqualTo(0.8);
        assertThat(SteadyRate.fraction("1")).isEqualTo(1.0);
    }

    @Test
    void shouldRefuseAFractionWhenItIsNotAShareOfTheMaximum() {
        for (String bad : new String[] {"0", "1.5", "-0.2", "half"}) {
            assertThatThrownBy(() -> SteadyRate.fraction(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SteadyRate.FRACTION_PROPERTY).hasMessageContaining(bad);
        }
    }

    @Test
    void shouldSpaceSendsEvenlyWhenARateIsGiven() {
        // Given 4,000 sends a second from t = 1 s
        long start = 1_000_000_000L;

        // Then each is due a quarter of a millisecond after the one before, whatever the sender did meanwhile
        assertThat(SteadyRate.dueNanos(start, 0, 4_000)).isEqualTo(start);
        assertThat(SteadyRate.dueNanos(start, 1, 4_000)).isEqualTo(start + 250_000);
        assertThat(SteadyRate.dueNanos(start, 4_000, 4_000)).isEqualTo(start + 1_000_000_000L);
        assertThat(SteadyRate.sends(4_000, 5)).isEqualTo(20_000);
        assertThat(SteadyRate.sends(0.1, 1)).isEqualTo(1);
        assertThatThrownBy(() -> SteadyRate.dueNanos(start, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldLeaveTheFirstFifthUnmeasuredWhenAPlanRuns() {
        SteadyTriageLatency.Plan plan = new SteadyTriageLatency.Plan("round", Map.of(), 2_000, Duration.ofSeconds(5));

        assertThat(plan.sends()).isEqualTo(10_000);
        assertThat(plan.leadIn()).isEqualTo(2_000);
    }

    @Test
    void shouldBoundEachIntervalsLatencyByTheIntervalPlusFiftyMillisecondsWhenTargetsAreSet() {
        assertThat(CommitIntervalScenario.latencyTarget(20)).isEqualTo(70.0);
        assertThat(CommitIntervalScenario.latencyTarget(1_000)).isEqualTo(1_050.0);
        assertThat(CommitIntervalScenario.latencyMetric(100)).isEqualTo("streams-triage exactly_once_v2 commit 100 ms p99 to triage-assessments");
    }
}
