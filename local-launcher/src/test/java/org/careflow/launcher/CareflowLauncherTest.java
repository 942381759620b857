package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CareflowLauncherTest {

    @Test
    void shouldUseDocumentedDefaultsWhenNoOptionsGiven() {
        StackOptions options = CareflowLauncher.parse(List.of("up"));

        assertThat(options.dataDir()).isEqualTo(Path.of(".careflow", "data"));
        assertThat(options.fresh()).isFalse();
        assertThat(options.demo()).isFalse();
        assertThat(List.of(options.ingestPort(), options.triagePort(), options.registryPort(), options.kafkaPort()))
            .containsExactly(8080, 8081, 8085, 9092);
    }

    @Test
    void shouldApplyEveryOptionWhenGiven() {
        StackOptions options = CareflowLauncher.parse(List.of("up", "--fresh", "--demo", "--data-dir", "/srv/cf", "--host", "0.0.0.0",
            "--kafka-port", "1", "--kafka-controller-port", "2", "--registry-port", "3", "--registry-management-port", "4",
            "--ingest-port", "5", "--triage-port", "6", "--scheduling-port", "7", "--notifications-port", "8",
            "--masterdata-port", "9", "--postgres-port", "10", "--mongo-port", "11", "--connect-port", "12",
            "--dispatcher-port", "13"));

        assertThat(options).isEqualTo(new StackOptions(Path.of("/srv/cf"), true, true, "0.0.0.0", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, Map.of()));
    }

    @Test
    void shouldNameTheOptionWhenPortIsInvalid() {
        assertThatThrownBy(() -> CareflowLauncher.parse(List.of("up", "--ingest-port", "eighty")))
            .hasMessageContaining("--ingest-port").hasMessageContaining("eighty");
    }

    @Test
    void shouldRejectUnknownOptionWhenGiven() {
        assertThatThrownBy(() -> CareflowLauncher.parse(List.of("up", "--turbo"))).hasMessageContaining("--turbo");
    }

    @Test
    void shouldNameTheFileAndTheClosestKeyWhenAConfigFileHasATypo(@TempDir Path dir) throws Exception {
        // Given
        Path file = dir.resolve("triage.properties");
        Files.writeString(file, "form.wait.ms=1000\nstats.retention.dyas=10\n");

        // When / Then
        assertThatThrownBy(() -> CareflowLauncher.parse(List.of("up", "--config", "streams-triage=" + file)))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'stats.retention.dyas'")
            .hasMessageContaining("did you mean 'stats.retention.days'?")
            .hasMessageContaining(file.toString());
    }

    @Test
    void shouldPassAConfigFileOnToItsAppWhenEveryKeyIsKnown(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("triage.properties");
        Files.writeString(file, "form.wait.ms=1000\n");

        StackOptions options = CareflowLauncher.parse(List.of("up", "--config", "streams-triage=" + file));

        assertThat(options.settingsOf(LocalStack.TRIAGE)).containsExactly(Map.entry("form.wait.ms", "1000"));
    }

    @Test
    void shouldNameTheClosestAppWhenAConfigFileIsGivenForAnUnknownApp(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("triage.properties");
        Files.writeString(file, "form.wait.ms=1000\n");

        assertThatThrownBy(() -> CareflowLauncher.parse(List.of("up", "--config", "streams-triag=" + file)))
            .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'streams-triage'?");
        assertThatThrownBy(() -> CareflowLauncher.parse(List.of("up", "--config", file.toString())))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("APP=FILE");
    }

    @Test
    void shouldFailBeforeStartingAnythingWhenASettingIsUnknown(@TempDir Path dir) {
        // Given: settings as tests and the bench give them, one misspelt
        StackOptions options = StackOptions.ephemeral(dir).withSettings(LocalStack.SCHEDULING, Map.of("slot.horizon.weeks", 12));

        // When / Then: refused at once, and nothing was made in the data directory
        assertThatThrownBy(() -> LocalStack.create().startAll(options))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("did you mean 'slots.horizon.weeks'?")
            .hasMessageContaining("the settings of " + LocalStack.SCHEDULING);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void shouldGiveEveryCauseOnOneLineWhenTheStartFails() {
        // Given: a failure wrapping the one that says what to fix, with a multi-line log tail
        IllegalStateException failure = new IllegalStateException("Could not start PostgreSQL",
            new IllegalStateException("Port already in use: 55432\nlast lines of the server log:\n..."));

        // When / Then
        assertThat(CareflowLauncher.reason(failure)).isEqualTo("Could not start PostgreSQL: Port already in use: 55432");
    }
}
