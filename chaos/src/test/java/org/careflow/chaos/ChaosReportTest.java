package org.careflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosReportTest {

    @Test
    void shouldFailTheRunAndShowTheProblemWhenAScenarioLostSomething(@TempDir Path dir) throws Exception {
        // Given one clean scenario and one that lost a submission
        ChaosReport report = new ChaosReport("quick");
        report.add(new ChaosReport.Row("kill-leader-broker", "SIGKILL of the leader", 1.0, 120, 0, 0, 11.3, List.of()));
        report.add(new ChaosReport.Row("registry-outage", "the registry stopped", 0.5, 80, 1, 0, 40.0,
            List.of("1 acknowledged submissions never assessed, e.g. [s-1]")));

        // When it is printed and written
        String table = report.table();
        report.write(dir.resolve("r.json"));

        // Then the run failed, the table says which scenario and why, and the JSON holds the same figures
        assertThat(report.passed()).isFalse();
        assertThat(table).contains("kill-leader-broker").contains("11.3").contains("FAILED").contains("never assessed");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
        assertThat(json.get("passed").asBoolean()).isFalse();
        assertThat(json.get("scenarios").get(1).get("lost").asLong()).isEqualTo(1);
        assertThat(json.get("scenarios").get(0).get("recoverySeconds").asDouble()).isEqualTo(11.3);
    }

    @Test
    void shouldFailAScenarioWhenItNeverRecovered() {
        ChaosReport.Row row = new ChaosReport.Row("stall", "SIGSTOP", 1.0, 10, 0, 0, -1, List.of());

        assertThat(row.passed()).isFalse();
    }
}
