package org.careflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./careflow chaos --quick} as part of {@code ./careflow test}: a three-node cluster with every app in its own
 * JVM, under load, through a SIGKILL of a streams-triage instance, of the partition leader broker and of a
 * streams-notifications instance (dispatcher included), and a registry outage; nothing acknowledged may be lost or
 * doubled, and every scenario must recover.
 */
@Tag("integration")
class ChaosQuickIT {

    @Test
    void shouldLoseAndDuplicateNothingWhenProcessesAreKilledUnderLoad(@TempDir Path dir) {
        // Given the quick subset
        ChaosOptions options = new ChaosOptions(true, Optional.empty(), dir.resolve("chaos-report.json"), ChaosOptions.DEFAULT_RATE);

        // When it runs
        ChaosReport report = ChaosSuite.run(dir, options);
        report.write(options.out());

        // Then every scenario ran under load, recovered, and lost, doubled and dead-lettered nothing
        assertThat(report.rows()).extracting(ChaosReport.Row::scenario)
            .containsExactly("baseline (no fault)", "kill-streams-triage-1", "kill-leader-broker", "kill-streams-notifications-1", "registry-outage");
        assertThat(report.rows()).allSatisfy(row -> {
            assertThat(row.acknowledged()).as(row.scenario() + " acknowledged").isPositive();
            assertThat(row.problems()).as(row.scenario() + " problems").isEmpty();
            assertThat(row.lost()).as(row.scenario() + " lost").isZero();
            assertThat(row.duplicated()).as(row.scenario() + " duplicated").isZero();
            assertThat(row.recoverySeconds()).as(row.scenario() + " recovery").isNotNegative();
        });
        assertThat(options.out()).exists();
    }
}
