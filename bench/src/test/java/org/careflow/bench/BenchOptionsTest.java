package org.careflow.bench;

import org.careflow.bench.scenarios.CeilingScenario;
import org.careflow.bench.scenarios.IngestScenario;
import org.careflow.bench.scenarios.PipelineScenario;
import org.careflow.bench.scenarios.Scenarios;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

public class BenchOptionsTest {

    @Test
    void shouldRunEveryScenarioAtFullSizeWhenGivenNoOption() {
        BenchSettings settings = BenchOptions.parse(List.of());

        assertThat(settings.mode()).isEqualTo("full");
        assertThat(settings.scenarios()).containsExactlyElementsOf(Scenarios.names());
        assertThat(settings.concurrency()).containsExactly(1, 8, 16, 64);
        assertThat(settings.rounds()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void shouldShortenEverythingAndKeepOverridesWhenQuick() {
        BenchSettings settings = BenchOptions.parse(List.of("--duration", "2", "--quick", "--rate", "500"));

        assertThat(settings.mode()).isEqualTo("quick");
        assertThat(settings.roundDuration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.rate()).isEqualTo(500);
        assertThat(settings.concurrency()).hasSizeLessThan(BenchSettings.full().concurrency().size());
    }

    @Test
    void shouldAddTheCeilingWhenOnlyThePipelineIsAskedFor() {
        BenchSettings settings = BenchOptions.parse(List.of("--scenario", "pipeline"));

        assertThat(settings.scenarios()).containsExactly(CeilingScenario.NAME, PipelineScenario.NAME);
    }

    @Test
    void shouldKeepTheKnownOrderWhenScenariosAreGivenInAnother() {
        BenchSettings settings = BenchOptions.parse(List.of("--scenario", "ingest,ceiling"));

        assertThat(settings.scenarios()).containsExactly(CeilingScenario.NAME, IngestScenario.NAME);
    }

    @Test
    void shouldPassStreamsTriageSettingsWhenGiven() {
        BenchSettings settings = BenchOptions.parse(List.of("--triage-setting", "rocksdb.memory.bytes=1073741824",
            "--triage-setting", "rocksdb.write.buffer.percent = 50"));

        assertThat(settings.triageSettings())
            .containsEntry("rocksdb.memory.bytes", "1073741824")
            .containsEntry("rocksdb.write.buffer.percent", "50");
    }

    @Test
    void shouldBoundRocksDbOfTheMemoryScenarioAsTheComposeFileDoesUnlessToldOtherwise() {
        assertThat(BenchOptions.parse(List.of()).rocksDbMemoryBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(BenchOptions.parse(List.of("--rocksdb-memory", "0")).rocksDbMemoryBytes()).isZero();
        assertThat(BenchOptions.parse(List.of("--quick", "--rocksdb-memory", "134_217_728")).rocksDbMemoryBytes()).isEqualTo(134_217_728L);
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--rocksdb-memory", "-1"))).hasMessageContaining("--rocksdb-memory");
    }

    @Test
    void shouldSayWhatIsWrongWhenAnOptionIsBad() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--scenario", "nope"))).hasMessageContaining("Unknown scenario 'nope'");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--duration"))).hasMessageContaining("--duration needs a value");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--rate", "-1"))).hasMessageContaining("--rate");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--rounds", "0"))).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--fast"))).hasMessageContaining("Unknown option --fast");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--triage-setting", "=1"))).hasMessageContaining("KEY=VALUE");
    }

    @Test
    void shouldNameTheClosestKeyWhenATriageSettingIsMisspelt() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--triage-setting", "rocksdb.memory.byte=1073741824")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'rocksdb.memory.byte'")
            .hasMessageContaining("did you mean 'rocksdb.memory.bytes'?")
            .hasMessageContaining("--triage-setting");
    }
}
