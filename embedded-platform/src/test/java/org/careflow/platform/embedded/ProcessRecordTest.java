package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRecordTest {

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void endChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldEndTheRecordedProcessWhenItStillRuns() throws Exception {
        // Given: a child recorded as an earlier run would have
        child = new ProcessBuilder("sleep", "300").start();
        ProcessRecord record = ProcessRecord.at(dir.resolve("pids").resolve("child.pid"));
        record.write(child.toHandle());

        // When
        boolean ended = ProcessRecord.at(record.file()).endLeftover(Duration.ofSeconds(5));

        // Then
        assertThat(ended).isTrue();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.exists(record.file())).isFalse();
    }

    @Test
    void shouldLeaveAProcessAloneWhenItOnlyReusesTheRecordedPid() throws Exception {
        // Given: a record naming a live pid but another start instant (the recorded process is gone, its pid reused)
        child = new ProcessBuilder("sleep", "300").start();
        Path file = dir.resolve("child.pid");
        Files.writeString(file, "pid=" + child.pid() + "\nstarted=2001-01-01T00\\:00\\:00Z\ncommand="
            + child.toHandle().info().command().orElse("") + "\n");

        // When
        boolean ended = ProcessRecord.at(file).endLeftover(Duration.ofSeconds(5));

        // Then
        assertThat(ended).isFalse();
        assertThat(child.isAlive()).isTrue();
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void shouldFindNothingWhenTheRecordedProcessHasExited() throws Exception {
        // Given
        // Alive while it is recorded (a process that has already exited has no start time to record), then ended.
        child = new ProcessBuilder("sleep", "30").start();
        ProcessRecord record = ProcessRecord.at(dir.resolve("child.pid"));
        record.write(child.toHandle());
        child.destroy();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        // When / Then
        assertThat(record.endLeftover(Duration.ofSeconds(1))).isFalse();
        assertThat(Files.exists(record.file())).isFalse();
    }
}
