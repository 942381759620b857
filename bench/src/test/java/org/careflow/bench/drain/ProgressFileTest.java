package org.careflow.bench.drain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressFileTest {

    @Test
    void shouldShowTheWritersProgressToAnotherMappingOfTheFile(@TempDir Path dir) {
        // Given the app's mapping and the bench's mapping of one file
        ProgressFile app = ProgressFile.map(dir.resolve("progress"));
        ProgressFile bench = ProgressFile.map(dir.resolve("progress"));
        assertThat(bench.state()).isEqualTo(ProgressFile.State.IDLE);

        // When the app starts round 3, runs and counts
        app.starting(3);
        app.running(123_456_789L);
        app.count(42);

        // Then the bench reads all of it
        assertThat(bench.round()).isEqualTo(3);
        assertThat(bench.state()).isEqualTo(ProgressFile.State.RUNNING);
        assertThat(bench.runningNanos()).isEqualTo(123_456_789L);
        assertThat(bench.count()).isEqualTo(42);

        // And a new round starts from nothing
        app.starting(4);
        assertThat(bench.count()).isZero();
        assertThat(bench.state()).isEqualTo(ProgressFile.State.STARTING);
    }
}
