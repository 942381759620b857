package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.NativeMemory;
import org.junit.jupiter.api.Test;

class MemoryScenarioTest {

    @Test
    void shouldMeasureTheAppsWithTheMemorySettingsTheProductionComposeFileGivesThem() throws IOException {
        // Given the production shape's compose file (the module runs in bench/)
        String compose = Files.readString(Path.of("..", "docker-compose.yml"));

        // Then the streams apps there run with exactly the JVM options, environment and RocksDB budget the scenario measures
        assertThat(compose).contains("JAVA_OPTS: \"" + String.join(" ", MemoryScenario.JVM_OPTIONS) + "\"");
        MemoryScenario.ENVIRONMENT.forEach((key, value) -> assertThat(compose).contains(key + ": \"" + value + "\""));
        assertThat(compose).contains("CAREFLOW_ROCKSDB_MEMORY_BYTES: \"" + BenchSettings.DEFAULT_ROCKSDB_MEMORY_BYTES + "\"");
        assertThat(compose).contains("mem_limit: " + MemoryScenario.TARGET_RSS_MIB + "m");
    }

    @Test
    void shouldTrackTheJvmsOwnMemoryAndCompileWithC1OnlyJustInSmokeRuns() {
        List<String> full = MemoryScenario.jvmOptions(BenchSettings.full());
        List<String> smoke = MemoryScenario.jvmOptions(BenchSettings.smoke(Path.of("target")));

        assertThat(full).containsAll(MemoryScenario.JVM_OPTIONS).contains(NativeMemory.JVM_OPTION).doesNotContain(MemoryScenario.SMOKE_JIT_OPTION);
        assertThat(smoke).contains(MemoryScenario.SMOKE_JIT_OPTION, NativeMemory.JVM_OPTION);
    }

    @Test
    void shouldLoadTenThousandAHundredThousandAndAMillionPatientsInAFullRun() {
        assertThat(BenchSettings.full().memoryPatients()).containsExactly(10_000, 100_000, 1_000_000);
        assertThat(BenchSettings.quick().memoryPatients()).hasSize(1);
    }
}
