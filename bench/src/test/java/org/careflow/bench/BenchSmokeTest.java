package org.careflow.bench;

import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.Report;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.scenarios.BatchIngestScenario;
import org.careflow.bench.scenarios.BookingScenario;
import org.careflow.bench.scenarios.CeilingScenario;
import org.careflow.bench.scenarios.CommitIntervalScenario;
import org.careflow.bench.scenarios.GrowthScenario;
import org.careflow.bench.scenarios.EndToEndLatencyScenario;
import org.careflow.bench.scenarios.IngestScenario;
import org.careflow.bench.scenarios.MemoryScenario;
import org.careflow.bench.scenarios.PipelineScenario;
import org.careflow.bench.scenarios.QueryScenario;
import org.careflow.bench.scenarios.ScaleOutScenario;
import org.careflow.bench.scenarios.Scenarios;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every scenario at a tiny scale (a few hundred records, one round, no warm-up) through the same code as
 * {@code ./careflow bench}, on a real broker and registry, so that the bench cannot rot. The figures mean nothing;
 * that there is a positive one for every metric does.
 */
public class BenchSmokeTest {

    private static final String CPU_UNIT = "µs/event";

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void shouldReportAPositiveFigureForEveryMetricWhenEveryScenarioRunsTiny() throws Exception {
        // Given the smoke settings: every scenario, tiny and unwarmed
        Path output = Path.of("target", "bench-smoke");
        BenchSettings settings = BenchSettings.smoke(output);

        // When the bench runs
        Report report;
        try (Progress progress = Progress.lines()) {
            report = new Bench(settings, progress).run();
        }

        // Then every scenario reported, with a positive, finite figure for every metric
        assertThat(report.results()).extracting(ScenarioResult::scenario).containsExactlyElementsOf(Scenarios.names());
        for (ScenarioResult result : report.results()) {
            assertThat(result.metrics()).as(result.scenario()).isNotEmpty();
            for (Metric metric : result.metrics()) {
                // CPU per event is read in clock ticks (10 ms): a tiny round may cost the broker less than one.
                assertThat(metric.rounds()).as(result.scenario() + " / " + metric.name()).hasSize(1)
                    .allSatisfy(value -> assertThat(value).isFinite().isGreaterThanOrEqualTo(0.0));
                if (!metric.unit().equals(CPU_UNIT)) {
                    assertThat(metric.rounds().get(0)).as(result.scenario() + " / " + metric.name()).isPositive();
                }
            }
        }
        // And the ratios to the ceiling were computed where they are defined
        ScenarioResult pipeline = result(report, PipelineScenario.NAME);
        List<Metric> throughputs = pipeline.metrics().stream().filter(m -> !m.unit().equals(CPU_UNIT)).toList();
        assertThat(throughputs).hasSize(2).allSatisfy(metric -> {
            assertThat(metric.ceilings()).hasSize(2);
            metric.ceilings().forEach(ceiling -> assertThat(report.ratio(metric, ceiling)).as(ceiling.metric()).isPresent());
        });
        // And CPU per event of the bench's JVM and the broker's beside each throughput of the drain rounds
        assertThat(pipeline.metrics()).extracting(Metric::name).contains("cpu µs/event streams-triage exactly_once_v2 [bench]",
            "cpu µs/event streams-triage at_least_once [broker]");
        ScenarioResult ceiling = result(report, CeilingScenario.NAME);
        assertThat(ceiling.metrics()).extracting(Metric::name).contains("same-shape exactly_once_v2", "same-shape at_least_once",
            "streams aggregate exactly_once_v2", "cpu µs/event same-shape exactly_once_v2 [broker]");
        // And the same-shape app was sized from streams-triage's own topics
        @SuppressWarnings("unchecked")
        Map<String, Object> shape = (Map<String, Object>) ceiling.details().get("sameShapeWorkShape");
        assertThat(shape.values()).allSatisfy(size -> assertThat((Integer) size).isPositive());
        // And streams-triage was measured at three commit intervals, and with 1, 10 and 100 earlier assessments per patient
        assertThat(result(report, CommitIntervalScenario.NAME).metrics()).extracting(Metric::name).contains(
            "streams-triage exactly_once_v2 commit 20 ms", "streams-triage exactly_once_v2 commit 100 ms", "streams-triage exactly_once_v2 commit 1000 ms");
        // And at each its latency to triage-assessments, every measured submission read, with the bound as target
        for (long ms : List.of(20L, 100L, 1_000L)) {
            Metric latency = result(report, CommitIntervalScenario.NAME).metric(
                "streams-triage exactly_once_v2 commit " + ms + " ms p99 to triage-assessments").orElseThrow();
            assertThat(latency.rounds()).allSatisfy(p99 -> assertThat(p99).isPositive());
            assertThat(latency.atMost()).isEqualTo(ms + 50.0);
        }
        @SuppressWarnings("unchecked")
        Map<String, List<Map<String, Object>>> latencyRounds = (Map<String, List<Map<String, Object>>>) ((Map<String, Object>)
            result(report, CommitIntervalScenario.NAME).details().get("latency")).get("rounds");
        assertThat(latencyRounds.values()).allSatisfy(rounds -> assertThat(rounds).allSatisfy(round -> {
            assertThat((Long) round.get("measured")).isPositive();
            assertThat(round.get("timedOut")).isEqualTo(0L);
        }));
        Metric hundred = result(report, GrowthScenario.NAME).metric("streams-triage exactly_once_v2 100 earlier").orElseThrow();
        assertThat(report.ratio(hundred, hundred.ceilings().get(0))).isPresent();
        // And the scale-out rounds ran one and two instances, each of the two with partitions of its own
        ScenarioResult scaleOut = result(report, ScaleOutScenario.NAME);
        assertThat(scaleOut.metrics()).extracting(Metric::name).containsExactly(ScaleOutScenario.metric(1), ScaleOutScenario.metric(2));
        @SuppressWarnings("unchecked")
        Map<String, List<Integer>> tasks = (Map<String, List<Integer>>) scaleOut.details().get("activeTasksPerInstance");
        assertThat(tasks.get("x2")).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
        // And the ingest API accepted every request
        assertThat(result(report, IngestScenario.NAME).details().get("errors")).isEqualTo(0L);
        // And every item of every batch, with the best level compared with the raw producer
        ScenarioResult batch = result(report, BatchIngestScenario.NAME);
        assertThat(batch.details().get("errors")).isEqualTo(0L);
        assertThat(report.ratioToCeiling(batch.metric(BatchIngestScenario.BEST).orElseThrow())).isPresent();
        // And every event of the latency scenario was accepted, its assessment read, and every sampled one answered by a query
        ScenarioResult latency = result(report, EndToEndLatencyScenario.NAME);
        assertThat(latency.details().get("errors")).isEqualTo(0L);
        assertThat((Long) latency.details().get("accepted")).isPositive();
        assertThat(latency.details().get("topicMatched")).isEqualTo(latency.details().get("accepted"));
        assertThat(latency.details().get("topicTimedOut")).isEqualTo(0L);
        assertThat((Long) latency.details().get("querySampled")).isPositive();
        assertThat(latency.details().get("queryMatched")).isEqualTo(latency.details().get("querySampled"));
        assertThat(latency.details().get("queryTimedOut")).isEqualTo(0L);
        // And every interactive query, local or forwarded, was answered 200 with the patient asked for
        assertThat(result(report, QueryScenario.NAME).details().get("errors")).isEqualTo(0L);
        // And every booking request got one decision, some confirmed and some losing their slot, none confirmed twice
        ScenarioResult bookings = result(report, BookingScenario.NAME);
        @SuppressWarnings("unchecked")
        Map<String, Object> mix = (Map<String, Object>) bookings.details().get("decisionMix");
        assertThat(mix.get("total")).isEqualTo(bookings.details().get("requestsPerRound"));
        assertThat(mix).containsKeys(BookingScenario.CONFIRMED, "SLOT_TAKEN");
        assertThat(bookings.details().get("repeatedDecisions")).isEqualTo(0L);

        // And the memory scenario loaded every app with the patients, each alone, read its RSS after it settled and the
        // JVM's own parts from NMT, and stopped it
        ScenarioResult memory = result(report, MemoryScenario.NAME);
        int patients = BenchSettings.smoke(output).memoryPatients().get(0);
        assertThat(memory.details().get("patients")).isEqualTo(List.of(patients));
        assertThat(memory.metrics()).extracting(Metric::name).contains(MemoryScenario.rssMetric("streams-triage", patients),
            MemoryScenario.peakMetric("streams-scheduling", patients), MemoryScenario.loadMetric("streams-notifications", patients));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> sizes = (Map<String, Map<String, Object>>) memory.details().get("sizes");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> apps = (Map<String, Map<String, Object>>) sizes.get(String.valueOf(patients)).get("apps");
        assertThat(apps).containsOnlyKeys("streams-triage", "streams-scheduling", "streams-notifications");
        assertThat(apps.values()).allSatisfy(app -> {
            assertThat((Long) app.get("stateDirBytes")).isPositive();
            assertThat((Long) app.get("changelogBytes")).isPositive();
            assertThat((Double) app.get("loadSeconds")).isPositive();
            assertThat((Double) app.get("peakRssMiB")).isGreaterThanOrEqualTo((Double) app.get("rssMiB"));
            assertThat((Double) app.get("heapCommittedMiB")).isPositive();
            assertThat((Double) app.get("jvmBesidesHeapMiB")).isPositive();
        });
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).as("processes the bench left running").isEmpty();

        // And the JSON report holds the machine, the versions, the settings and every metric
        Path file = report.write(output);
        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.get("machine").get("cores").asInt()).isPositive();
        assertThat(json.get("machine").get("memoryTotalBytes").asLong()).isPositive();
        assertThat(json.get("jvm").get("version").asText()).isNotBlank();
        assertThat(json.get("versions").get("kafka").asText()).isEqualTo(json.get("versions").get("kafkaRuntime").asText());
        assertThat(json.get("settings").get("mode").asText()).isEqualTo("smoke");
        List<String> reported = json.get("scenarios").findValuesAsText("name");
        assertThat(reported).containsAll(Scenarios.names());
        for (JsonNode scenario : json.get("scenarios")) {
            for (JsonNode metric : scenario.get("metrics")) {
                assertThat(metric.get("median").asDouble()).as(metric.get("name").asText()).isGreaterThanOrEqualTo(0.0);
                assertThat(metric.has("min") && metric.has("max") && metric.has("unit") && metric.has("rounds")).isTrue();
            }
        }
        // And the Markdown table has a row per metric
        long rows = report.markdown().lines().filter(line -> line.startsWith("| ") && !line.startsWith("| scenario")).count();
        assertThat(rows).isEqualTo(report.results().stream().mapToLong(r -> r.metrics().size()).sum());
    }

    private static ScenarioResult result(Report report, String scenario) {
        return report.results().stream().filter(r -> r.scenario().equals(scenario)).findFirst().orElseThrow();
    }
}
