package org.careflow.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuClockTest {

    @Test
    void shouldCountTheCpuTheBenchJvmSpendsBetweenTwoSamples() {
        CpuClock clock = CpuClock.of(Map.of());
        CpuClock.Sample before = clock.sample();
        long deadline = System.nanoTime() + 200_000_000L;
        long spin = 0;
        while (System.nanoTime() < deadline) {
            spin += Long.numberOfTrailingZeros(spin + 1);
        }
        CpuClock.Sample after = clock.sample();

        double perEvent = after.microsPerEventSince(before, 1_000).get(CpuClock.BENCH);
        // 200 ms of spinning on one thread is at least 100 ms of CPU even on a loaded machine: 100 us per event.
        assertThat(perEvent).as("spun %d", spin).isGreaterThan(100.0);
    }

    @Test
    void shouldReadAnotherProcessesCpuTime() throws Exception {
        Process child = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 30").start();
        try {
            CpuClock clock = CpuClock.of(Map.of("child", child.toHandle()));
            long deadline = System.nanoTime() + 30_000_000_000L;
            long used = 0;
            while (used == 0 && System.nanoTime() < deadline) {
                used = clock.sample().nanos().getOrDefault("child", 0L);
                Thread.onSpinWait();
            }
            assertThat(used).isPositive();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void shouldDivideTheDifferenceByTheEventsAndSkipProcessesThatEnded() {
        CpuClock.Sample earlier = new CpuClock.Sample(Map.of("broker", 1_000_000L, "gone", 5L));
        CpuClock.Sample later = new CpuClock.Sample(Map.of("broker", 3_000_000L));

        assertThat(later.microsPerEventSince(earlier, 100)).containsExactly(Map.entry("broker", 20.0));
        assertThatThrownBy(() -> later.microsPerEventSince(earlier, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseTwoProcessesOfOneName() {
        assertThatThrownBy(() -> CpuClock.of(Map.of(CpuClock.BENCH, ProcessHandle.current())))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(CpuClock.BENCH);
    }
}
