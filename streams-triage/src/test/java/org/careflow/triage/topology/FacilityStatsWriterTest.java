package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.careflow.state.triage.FacilityHourStats;
import org.junit.jupiter.api.Test;

/** An hour's sample of waits: exact up to its bound, then uniform and reproducible. */
class FacilityStatsWriterTest {

    @Test
    void shouldKeepEveryWaitExactlyWhenFewerPatientsLeaveThanTheBound() {
        // Given
        FacilityHourStats stats = empty();

        // When
        for (long i = 0; i < 10; i++) {
            FacilityStatsWriter.recordWait(stats, i, "p-" + i);
        }

        // Then
        assertThat(stats.getMinutesToBeSeen()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(stats.getLeft()).isEqualTo(10);
    }

    @Test
    void shouldSampleEarlyAndLateWaitsAlikeWhenFarMorePatientsLeaveThanTheBound() {
        // Given an hour where the first half waited 10 minutes and the second half 20
        FacilityHourStats stats = empty();
        int patients = 10 * FacilityStatsWriter.MAX_WAIT_SAMPLES;

        // When
        for (int i = 0; i < patients; i++) {
            FacilityStatsWriter.recordWait(stats, i < patients / 2 ? 10 : 20, "f-1/p-" + i + "@1700000000000");
        }

        // Then the sample stays bounded and holds both halves in about equal parts, not the first patients only
        assertThat(stats.getLeft()).isEqualTo(patients);
        assertThat(stats.getMinutesToBeSeen()).hasSize(FacilityStatsWriter.MAX_WAIT_SAMPLES);
        long late = stats.getMinutesToBeSeen().stream().filter(m -> m == 20).count();
        assertThat(late).isBetween(400L, 600L);
    }

    @Test
    void shouldRebuildTheSameSampleWhenTheSameDispositionsAreProcessedAgain() {
        // Given
        FacilityHourStats first = empty();
        FacilityHourStats again = empty();

        // When
        for (int i = 0; i < 3 * FacilityStatsWriter.MAX_WAIT_SAMPLES; i++) {
            FacilityStatsWriter.recordWait(first, i, "p-" + i);
            FacilityStatsWriter.recordWait(again, i, "p-" + i);
        }

        // Then
        assertThat(again.getMinutesToBeSeen()).isEqualTo(first.getMinutesToBeSeen());
    }

    @Test
    void shouldCountTheWaitsOfAnEntryWrittenBeforeTheCountWasKept() {
        // Given an entry of an earlier version: waits only, no count
        FacilityHourStats stats = new FacilityHourStats(new HashMap<>(), new ArrayList<>(List.of(5L, 6L)), 0);

        // When
        FacilityStatsWriter.recordWait(stats, 7, "p-3");

        // Then
        assertThat(FacilityStatsWriter.left(stats)).isEqualTo(3);
        assertThat(stats.getMinutesToBeSeen()).containsExactly(5L, 6L, 7L);
    }

    private static FacilityHourStats empty() {
        return new FacilityHourStats(new HashMap<>(), new ArrayList<>(), 0);
    }
}
