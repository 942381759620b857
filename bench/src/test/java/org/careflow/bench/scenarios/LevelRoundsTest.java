package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Stats;
import org.junit.jupiter.api.Test;

class LevelRoundsTest {

    private static HttpLoad.RoundResult round(double perSecond, long accepted, Map<String, Double> cpu) {
        Histogram latencies = Stats.latencyHistogram();
        latencies.recordValue(2_000);
        return new HttpLoad.RoundResult(accepted, accepted, 1, perSecond, latencies, Map.of(503, 1L), cpu);
    }

    private static LevelRounds level(String name) {
        return new LevelRounds(name, "requests/s", new double[] {50, 99}, p -> name + " p" + p, "µs/request");
    }

    @Test
    void shouldNameCpuMetricsAfterTheLevelAndCompareThemWithTheFloorsSameProcess() {
        // Given a floor and careflow level with two rounds each, the broker missing from careflow's second round
        LevelRounds floor = level("bare POST c=4");
        LevelRounds careflow = level("POST c=4");
        floor.add(round(200, 400, Map.of("bench", 10.0)));
        floor.add(round(220, 440, Map.of("bench", 12.0)));
        careflow.add(round(100, 200, Map.of("bench", 20.0, "broker", 5.0)));
        careflow.add(round(120, 240, Map.of("bench", 24.0)));

        // When
        List<Metric> cpu = careflow.cpu("ingest", floor);

        // Then only processes measured in every round are reported, each against the floor's figure of that process
        assertThat(cpu).extracting(Metric::name).containsExactly("POST c=4 CPU bench");
        assertThat(cpu.get(0).rounds()).containsExactly(20.0, 24.0);
        assertThat(cpu.get(0).ceilings()).containsExactly(new Metric.CeilingRef("ingest", "bare POST c=4 CPU bench", null));
        assertThat(careflow.throughput().median()).isEqualTo(110.0);
        assertThat(careflow.latencies()).hasSize(2);
        assertThat(careflow.details()).containsEntry("accepted", 440L).containsEntry("errors", 2L)
            .containsEntry("notAcceptedByStatus", Map.of(503, 2L));
    }
}
