package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import org.careflow.bench.BenchSettings;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

public class EndToEndLatencyScenarioTest {

    @Test
    void shouldTakeTheSmallestOfEarlierResultsAndTheProbeOfBothTogether() throws Exception {
        // Given both earlier results
        AtomicInteger probes = new AtomicInteger();

        // When the rate is chosen, the probe of both together measuring more than either
        EndToEndLatencyScenario.RateChoice choice = EndToEndLatencyScenario.chooseRate(OptionalDouble.of(4_000),
            OptionalDouble.of(3_000), 0.5, () -> probes.incrementAndGet() * 5_000.0);

        // Then the smallest is the maximum, half of it is sent, and the probe ran once all the same
        assertThat(choice.maxRate()).isEqualTo(3_000);
        assertThat(choice.rate()).isEqualTo(1_500);
        assertThat(choice.source()).startsWith("measured").contains("pipeline").contains("ingest").contains("probe");
        assertThat(probes).hasValue(1);
    }

    @Test
    void shouldProbeWhenAnEarlierResultIsMissing() throws Exception {
        // Given only the pipeline's result
        // When the rate is chosen with a probe measuring 900 events/s
        EndToEndLatencyScenario.RateChoice choice = EndToEndLatencyScenario.chooseRate(OptionalDouble.of(4_000),
            OptionalDouble.empty(), 0.5, () -> 900);

        // Then the probe's figure, being smaller, is the maximum
        assertThat(choice.maxRate()).isEqualTo(900);
        assertThat(choice.rate()).isEqualTo(450);
        assertThat(choice.source()).startsWith("measured").contains("probe of both together 900");
    }

    @Test
    void shouldRefuseAMaximumOfZero() {
        assertThatThrownBy(() -> EndToEndLatencyScenario.chooseRate(OptionalDouble.empty(), OptionalDouble.empty(), 0.5, () -> 0))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReadTheIndexOfASyntheticSubmissionIdWhenItHasOne() {
        SyntheticData data = SyntheticData.standard(7, java.time.Instant.parse("2026-01-02T10:00:00Z"));
        assertThat(EndToEndLatencyScenario.indexOf(data.submissionId(3_000_000_123L))).isEqualTo(3_000_000_123L);
        assertThat(EndToEndLatencyScenario.indexOf("no-number-here")).isEqualTo(-1);
        assertThat(EndToEndLatencyScenario.indexOf(null)).isEqualTo(-1);
    }

    @Test
    void shouldSampleAtMostTheQueryBudgetWhenTheRateIsHigh() {
        assertThat(EndToEndLatencyScenario.sampleEvery(10)).isEqualTo(1);
        assertThat(EndToEndLatencyScenario.sampleEvery(1_000)).isEqualTo(100);
        assertThat(1_000.0 / EndToEndLatencyScenario.sampleEvery(1_000)).isLessThanOrEqualTo(EndToEndLatencyScenario.MAX_QUERY_SAMPLES_PER_SECOND);
    }

    @Test
    void shouldKeepClientsWithinBoundsWhateverTheRate() {
        assertThat(EndToEndLatencyScenario.clients(1)).isEqualTo(EndToEndLatencyScenario.MIN_CLIENTS);
        assertThat(EndToEndLatencyScenario.clients(1_000)).isEqualTo(20);
        assertThat(EndToEndLatencyScenario.clients(1_000_000)).isEqualTo(EndToEndLatencyScenario.MAX_CLIENTS);
    }

    @Test
    void shouldWarmBothAppsUpForSeveralTimesTheWarmUpAndNeverBrieflyBeforeTheProbe() {
        BenchSettings quick = BenchSettings.quick();
        BenchSettings full = BenchSettings.full();

        assertThat(EndToEndLatencyScenario.jitWarmup(quick)).isGreaterThanOrEqualTo(EndToEndLatencyScenario.MIN_JIT_WARMUP);
        assertThat(EndToEndLatencyScenario.jitWarmup(full))
            .isEqualTo(full.warmupDuration().multipliedBy(EndToEndLatencyScenario.JIT_WARMUP_FACTOR))
            .isGreaterThan(EndToEndLatencyScenario.jitWarmup(quick));
    }
}
