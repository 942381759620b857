package org.careflow.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RestoreProgressTest {

    private final RestoreProgress progress = new RestoreProgress();
    private final TopicPartition changelog = new TopicPartition("app-store-changelog", 3);

    @Test
    void shouldCountRestoredRecordsWhenBatchesArrive() {
        // When
        progress.onRestoreStart(changelog, "store", 100, 400);
        progress.onBatchRestored(changelog, "store", 200, 100);
        progress.onBatchRestored(changelog, "store", 250, 50);

        // Then
        assertThat(progress.snapshot()).singleElement().satisfies(e -> {
            assertThat(e.store()).isEqualTo("store");
            assertThat(e.partition()).isEqualTo(3);
            assertThat(e.restored()).isEqualTo(150);
            assertThat(e.total()).isEqualTo(300);
            assertThat(e.done()).isFalse();
        });
    }

    @Test
    void shouldMarkDoneWhenRestoreEnds() {
        progress.onRestoreStart(changelog, "store", 0, 10);
        progress.onRestoreEnd(changelog, "store", 10);

        assertThat(progress.snapshot()).singleElement().satisfies(e -> {
            assertThat(e.restored()).isEqualTo(10);
            assertThat(e.done()).isTrue();
        });
    }

    @Test
    void shouldForgetPartitionWhenItsRestoreIsSuspended() {
        progress.onRestoreStart(changelog, "store", 0, 10);
        progress.onRestoreSuspended(changelog, "store", 4);

        assertThat(progress.snapshot()).isEmpty();
    }
}
