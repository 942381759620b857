package org.careflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseSnapshotTest {

    @TempDir
    Path released;

    @Test
    void shouldWriteOneFileNamedByFullNamePerEventWhenWritingARelease() throws IOException {
        // Given
        SortedMap<String, Schema> events = EventSchemas.events();

        // When
        Path dir = ReleaseSnapshot.write(released, 1);

        // Then
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                .containsExactlyInAnyOrderElementsOf(events.keySet().stream().map(name -> name + ".avsc").toList());
        }
        assertThat(ReleasedSchemas.read(dir)).isEqualTo(events);
    }

    @Test
    void shouldLeaveOutContainedRecordsWhenWritingARelease() {
        // Given
        SortedMap<String, Schema> records = EventSchemas.records();

        // When
        SortedMap<String, Schema> snapshot = ReleasedSchemas.read(ReleaseSnapshot.write(released, 1));

        // Then
        assertThat(records).containsKeys("org.careflow.events.triage.VitalSigns", "org.careflow.events.triage.News2Score");
        assertThat(snapshot).doesNotContainKeys("org.careflow.events.triage.VitalSigns",
            "org.careflow.events.triage.News2Score");
    }

    @Test
    void shouldRefuseWhenAskedToRewriteAnOlderRelease() {
        // Given
        ReleaseSnapshot.write(released, 1);
        ReleaseSnapshot.write(released, 2);

        // When / Then
        assertThatThrownBy(() -> ReleaseSnapshot.write(released, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("write 3");
    }

    @Test
    void shouldRefuseWhenAskedToSkipARelease() {
        // When / Then
        assertThatThrownBy(() -> ReleaseSnapshot.write(released, 2))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("write 1");
    }

    @Test
    void shouldRejectAFileWhenItIsNotNamedAfterItsSchema() throws IOException {
        // Given
        Path dir = ReleaseSnapshot.write(released, 1);
        Path submission = dir.resolve("org.careflow.events.triage.TriageSubmission.avsc");
        Files.move(submission, dir.resolve("TriageSubmission.avsc"));

        // When / Then
        assertThatThrownBy(() -> ReleasedSchemas.read(dir))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("rename it to org.careflow.events.triage.TriageSubmission.avsc");
    }
}
