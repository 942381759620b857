package org.careflow.bench.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrainRoundConfigTest {

    @Test
    void shouldReadBackTheRoundItWroteWhenTheAppRunsInAnotherJvm(@TempDir Path dir) {
        // Given a same-shape round with Kafka Streams properties and a work shape
        DrainRoundConfig round = new DrainRoundConfig(DrainApp.SAME_SHAPE, 7, Map.of("application.id", "bench-same-shape-eos-3",
            "commit.interval.ms", "100"), "triage-submissions", "bench-same-shape-eos-3-assessments", new WorkShape(374, 213, 213, 6, 20));

        // When written to a file and read back, as the app's JVM does
        Path file = dir.resolve("round.properties");
        round.write(file);

        // Then it is the same round
        assertThat(DrainRoundConfig.read(file)).isEqualTo(round);
    }

    @Test
    void shouldRefuseAnUnknownKeyWhenRead() {
        Properties in = new DrainRoundConfig(DrainApp.TRIAGE, 1, Map.of("application.id", "a"), null, null, null).toProperties();
        in.setProperty("commit.interval.ms", "100");

        assertThatThrownBy(() -> DrainRoundConfig.fromProperties(in)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("commit.interval.ms").hasMessageContaining("app.*");
    }

    @Test
    void shouldRefuseASameShapeRoundWithoutItsShape() {
        assertThatThrownBy(() -> new DrainRoundConfig(DrainApp.SAME_SHAPE, 1, Map.of(), "in", "out", null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("work shape");
    }
}
