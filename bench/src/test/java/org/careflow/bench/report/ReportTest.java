package org.careflow.bench.report;

import org.careflow.bench.BenchSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

public class ReportTest {

    @Test
    void shouldSummariseRoundsWhenTheirCountIsOddOrEven() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(Stats.spreadPercent(List.of(90.0, 100.0, 110.0))).isCloseTo(20.0, within(1e-9));
        assertThat(Stats.spreadPercent(List.of(5.0))).isZero();
    }

    @Test
    void shouldReadPercentilesInMillisecondsWhenLatenciesAreRecordedInMicroseconds() {
        Histogram micros = Stats.latencyHistogram();
        for (int i = 1; i <= 1000; i++) {
            micros.recordValue(i * 10L);
        }

        assertThat(Stats.percentileMillis(micros, 50)).isCloseTo(5.0, within(0.01));
        assertThat(Stats.percentileMillis(micros, 99.9)).isCloseTo(9.99, within(0.01));
    }

    @Test
    void shouldShowTheUpperBoundAndWhetherItWasMetWhenAMetricHasOne() {
        // Given two latencies with an upper bound each: one median within it, one above it
        Metric within = Metric.of("p99 commit 20 ms", "ms", List.of(60.0, 80.0, 65.0)).withTargetAtMost(70);
        Metric above = Metric.of("p99 commit 100 ms", "ms", List.of(151.0)).withTargetAtMost(150);
        ScenarioResult result = new ScenarioResult("commit-interval", "latency", List.of(within, above), Map.of(), 1);

        // When reported
        Report report = new Report(BenchSettings.smoke(Path.of("target")), Instant.EPOCH, Instant.EPOCH.plusSeconds(3), List.of(result));

        // Then the table says each bound with its verdict on the median, and the JSON gives both
        assertThat(report.markdown()).contains("| p99 commit 20 ms | 65.0 ms | 60.0 – 80.0 | 31% | 3 | target ≤ 70.0 ms: met |")
            .contains("| p99 commit 100 ms | 151 ms | 151 – 151 | 0% | 1 | target ≤ 150 ms: missed |");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) ((List<Map<String, Object>>) ((List<Map<String, Object>>) report.toJson()
            .get("scenarios")).get(0).get("metrics")).get(1);
        assertThat(json).containsEntry("targetAtMost", 150.0).containsEntry("targetAtMostMet", false);
        assertThat(Metric.of("rate", "records/s", List.of(1.0)).atMostMet()).isNull();
    }

    @Test
    void shouldSummariseALatencyWithItsPercentilesAndMaximumWhenRecordedInNanoseconds() {
        // Given latencies of 1..1000 ms recorded in nanoseconds, and one beyond the histogram's range
        Histogram micros = Stats.latencyHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            Stats.recordLatency(micros, ms * 1_000_000L);
        }
        Histogram clamped = Stats.latencyHistogram();
        Stats.recordLatency(clamped, java.util.concurrent.TimeUnit.MINUTES.toNanos(5));
        Stats.recordLatency(clamped, 0);

        // When summarised
        LatencySummary summary = LatencySummary.of(micros);

        // Then each percentile is within the histogram's three significant digits
        assertThat(summary.count()).isEqualTo(1000);
        assertThat(summary.p50()).isCloseTo(500, within(0.5));
        assertThat(summary.p95()).isCloseTo(950, within(1.0));
        assertThat(summary.p99()).isCloseTo(990, within(1.0));
        assertThat(summary.max()).isCloseTo(1000, within(1.0));
        assertThat(summary.describe()).containsKeys("count", "p50Ms", "p95Ms", "p99Ms", "maxMs");
        // And what is out of range is clamped to it rather than failing, and an empty histogram gives zeros
        assertThat(LatencySummary.of(clamped).max()).isCloseTo(Stats.MAX_LATENCY_MICROS / 1000.0, within(100.0));
        assertThat(clamped.getMinValue()).isEqualTo(1);
        assertThat(LatencySummary.of(Stats.latencyHistogram())).isEqualTo(new LatencySummary(0, 0, 0, 0, 0));
    }

    @Test
    void shouldGiveTheRatioToTheCeilingWhenBothWereMeasured() {
        // Given a ceiling and a metric compared with it
        ScenarioResult ceiling = new ScenarioResult("ceiling", "raw", List.of(Metric.of("aggregate", "records/s", List.of(200.0, 100.0, 300.0))),
            Map.of(), 1);
        Metric pipeline = Metric.of("pipeline", "records/s", List.of(50.0)).comparedWith("ceiling", "aggregate");
        Metric orphan = Metric.of("other", "records/s", List.of(50.0)).comparedWith("missing", "aggregate");
        ScenarioResult measured = new ScenarioResult("pipeline", "app", List.of(pipeline, orphan), Map.of(), 1);

        // When reported
        Report report = new Report(BenchSettings.smoke(Path.of("target")), Instant.EPOCH, Instant.EPOCH.plusSeconds(3), List.of(ceiling, measured));

        // Then the ratio is of the medians, and absent when the ceiling was not measured
        assertThat(report.ratioToCeiling(pipeline)).hasValue(0.25);
        assertThat(report.ratioToCeiling(orphan)).isEmpty();
        assertThat(report.markdown()).contains("| pipeline | pipeline | 50.0 records/s | 50.0 – 50.0 | 0% | 1 | 25% of aggregate |");
        assertThat(Report.percent(0.000213)).isEqualTo("0.021%");
        assertThat(Report.percent(0.0123)).isEqualTo("1.2%");
        assertThat(report.markdown()).contains("| ceiling | aggregate | 200 records/s | 100 – 300 | 100% | 3 |  |");
    }

    @Test
    void shouldShowEveryCeilingWithItsTargetWhenAMetricIsComparedWithTwo() throws Exception {
        // Given a metric compared with two ceilings of the same run, each with a target, and with one never measured
        ScenarioResult ceilings = new ScenarioResult("ceiling", "raw", List.of(
            Metric.of("same-shape", "records/s", List.of(100.0)), Metric.of("aggregate", "records/s", List.of(1000.0))), Map.of(), 1);
        Metric triage = Metric.of("triage", "records/s", List.of(70.0))
            .comparedWith("ceiling", "same-shape", 0.60)
            .comparedWith("ceiling", "aggregate", 0.12)
            .comparedWith("ceiling", "never measured");
        ScenarioResult pipeline = new ScenarioResult("pipeline", "app", List.of(triage), Map.of(), 1);

        // When reported
        Report report = new Report(BenchSettings.smoke(Path.of("target")), Instant.EPOCH, Instant.EPOCH.plusSeconds(3), List.of(ceilings, pipeline));

        // Then the table gives both ratios, each with its target and whether it was met, and leaves the unmeasured one out
        assertThat(report.markdown()).contains("| pipeline | triage | 70.0 records/s | 70.0 – 70.0 | 0% | 1 | "
            + "70% of same-shape (target ≥ 60%: met); 7.0% of aggregate (target ≥ 12%: missed) |");
        // And the first ceiling is still the ratio to the ceiling, the JSON listing every comparison
        assertThat(report.ratioToCeiling(triage)).hasValue(0.7);
        @SuppressWarnings("unchecked")
        Map<String, Object> metric = (Map<String, Object>) ((List<Map<String, Object>>) ((List<Map<String, Object>>) report.toJson()
            .get("scenarios")).get(1).get("metrics")).get(0);
        assertThat(metric.get("ratioToCeiling")).isEqualTo(0.7);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> comparisons = (List<Map<String, Object>>) metric.get("comparisons");
        assertThat(comparisons).extracting(c -> c.get("ceiling"), c -> c.get("met"))
            .containsExactly(org.assertj.core.groups.Tuple.tuple("ceiling/same-shape", true), org.assertj.core.groups.Tuple.tuple("ceiling/aggregate", false),
                org.assertj.core.groups.Tuple.tuple("ceiling/never measured", null));
    }
}
