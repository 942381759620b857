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
    void shouldLeadInForAFifthAndMeasureTheRestWhenAPlanRuns() {
        SteadyTriageLatency.Plan plan = new SteadyTriageLatency.Plan("round", Map.of(), 2_000, Duration.ofSeconds(5));

        assertThat(plan.sends()).isEqualTo(10_000);
        assertThat(plan.leadIn()).isEqualTo(2_000);
        assertThat(plan.measured()).isEqualTo(8_000);
        assertThat(plan.maxLeadIn()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new SteadyTriageLatency.Plan("smoke", Map.of(), 2_000, Duration.ofSeconds(1)).maxLeadIn()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldSendEveryIntervalTheRateAllSustainedWhenOneIntervalsFigureIsOff() {
        // Given medians of 1,400, 1,500 and an absurd 1,000,000 records/s (a round timed whole)
        Map<Long, java.util.List<DrainRounds.RoundResult>> results = new java.util.LinkedHashMap<>();
        results.put(20L, java.util.List.of(round(1_300), round(1_400), round(1_500)));
        results.put(100L, java.util.List.of(round(1_500)));
        results.put(1_000L, java.util.List.of(round(1_000_000)));

        // Then the rate is the smallest median, which every interval sustained
        assertThat(CommitIntervalScenario.sustained(results)).isEqualTo(1_400.0);
    }

    private static DrainRounds.RoundResult round(double rate) {
        return new DrainRounds.RoundResult(rate, 1, Map.of());
    }

    @Test
    void shouldBoundEachIntervalsLatencyByTheIntervalPlusFiftyMillisecondsWhenTargetsAreSet() {
        assertThat(CommitIntervalScenario.latencyTarget(20)).isEqualTo(70.0);
        assertThat(CommitIntervalScenario.latencyTarget(1_000)).isEqualTo(1_050.0);
        assertThat(CommitIntervalScenario.latencyMetric(100)).isEqualTo("streams-triage exactly_once_v2 commit 100 ms p99 to triage-assessments");
    }
}
