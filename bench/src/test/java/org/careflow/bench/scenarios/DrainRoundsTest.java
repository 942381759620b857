package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainRoundsTest {

    @Test
    void shouldGiveTheCeilingsStreamsTriagesCommitIntervalWhenNoneIsConfigured() {
        assertThat(DrainRounds.commitIntervalMs("exactly_once_v2", Map.of())).isEqualTo(100);
        assertThat(DrainRounds.commitIntervalMs("at_least_once", Map.of())).isEqualTo(30_000);
    }

    @Test
    void shouldGiveTheCeilingsTheConfiguredCommitIntervalUnderEveryGuaranteeWhenOneIsSet() {
        Map<String, String> triage = Map.of("commit.interval.ms", "250");

        assertThat(DrainRounds.commitIntervalMs("exactly_once_v2", triage)).isEqualTo(250);
        assertThat(DrainRounds.commitIntervalMs("at_least_once", triage)).isEqualTo(250);
        assertThat(DrainRounds.commitIntervalMs("at_least_once", Map.of("commit.interval.ms", "-1"))).isEqualTo(30_000);
    }

    @Test
    void shouldGiveTheSameShapeAppStreamsTriagesCacheWhenSizingIt() {
        assertThat(DrainRounds.cacheMaxBytes(Map.of())).isEqualTo(10L * 1024 * 1024);
        assertThat(DrainRounds.cacheMaxBytes(Map.of("statestore.cache.max.bytes", "0"))).isZero();
    }

    @Test
    void shouldListTheBenchFirstAndOnlyProcessesReadInEveryRoundWhenGatheringCpu() {
        List<DrainRounds.RoundResult> rounds = List.of(
            new DrainRounds.RoundResult(1, 10, Map.of("broker", 2.0, "app", 3.0, "bench", 1.0)),
            new DrainRounds.RoundResult(1, 10, Map.of("broker", 4.0, "bench", 5.0)));

        Map<String, List<Double>> cpu = DrainRounds.cpuPerProcess(rounds);

        assertThat(cpu).containsOnlyKeys("bench", "broker");
        assertThat(cpu.keySet()).containsExactly("bench", "broker");
        assertThat(cpu.get("broker")).containsExactly(2.0, 4.0);
    }
}
