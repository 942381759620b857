package org.careflow.bench.infra;

import org.careflow.bench.Bench;
import org.careflow.bench.BenchOptions;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.Report;
import org.careflow.bench.scenarios.CeilingScenario;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kafka} and {@code --registry}: the bench runs on a broker and registry it did not start, and leaves them running. */
public class ExistingStackTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shouldMeasureOnAnExistingBrokerAndRegistryAndLeaveThemRunning(@TempDir Path dir) throws Exception {
        // Given a broker and a registry someone else runs
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dir.resolve("kafka")).build().start();
             EmbeddedRegistry registry = EmbeddedRegistry.builder().workDirectory(dir.resolve("registry")).build().start()) {
            BenchSettings settings = BenchOptions.parse(List.of("--scenario", CeilingScenario.NAME,
                    "--kafka", broker.bootstrapServers(), "--registry", registry.url()))
                .withRecords(300).withRounds(0, 1).withOutputDir(dir.resolve("out"));

            // When the bench runs the ceiling there
            Report report;
            try (Progress progress = Progress.lines()) {
                report = new Bench(settings, progress).run();
            }

            // Then it measured on that broker: positive figures, the catalogue's topics created there
            // (CPU per event is read in 10 ms ticks: a 300-record round may cost the bench's JVM less than one.)
            assertThat(report.results()).singleElement().satisfies(result -> assertThat(result.metrics())
                .allSatisfy(metric -> assertThat(metric.median()).isGreaterThanOrEqualTo(0.0))
                .filteredOn(metric -> !metric.unit().equals("µs/event"))
                .allSatisfy(metric -> assertThat(metric.median()).isPositive()));
            // And no broker of its own: no [broker] CPU figure
            assertThat(report.results().get(0).metrics()).noneMatch(metric -> metric.name().endsWith("[broker]"));
            assertThat(settings.describe().get("target")).isEqualTo(Map.of("kafka", broker.bootstrapServers(), "registry", registry.url(),
                "replicationFactor", (short) 1));
            // And the broker still answers once the bench is done: it was not the bench's to stop
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertThat(topics).contains(Topics.TRIAGE_SUBMISSIONS.name(), Topics.BENCH_CEILING_PRODUCE.name());
            }
        }
    }
}
