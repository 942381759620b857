package org.careflow.bench.scenarios;

import java.util.Map;
import org.careflow.bench.infra.CpuClock;
import org.careflow.bench.report.DrainClock;

/**
 * CPU time of the processes of a drain round over exactly the part its {@link DrainClock} times: sampled as the clock's
 * window opens and closes (and at RUNNING and at the end, for a round too small to have a window), so that CPU per
 * event and records/s describe the same records.
 */
final class CpuWindow {

    private final CpuClock cpu;
    private volatile CpuClock.Sample running;
    private volatile CpuClock.Sample from;
    private volatile CpuClock.Sample to;
    private volatile CpuClock.Sample done;

    CpuWindow(CpuClock cpu) {
        this.cpu = cpu;
    }

    /** A clock for {@code expected} records that samples this window's CPU as it opens and closes. */
    DrainClock clock(long expected) {
        return new DrainClock(expected, () -> from = cpu.sample(), () -> to = cpu.sample());
    }

    void running() {
        running = cpu.sample();
    }

    void done() {
        done = cpu.sample();
    }

    /** CPU µs per event of each process over what {@code clock} timed; empty if the round did not finish. */
    Map<String, Double> perEvent(DrainClock clock) {
        if (clock.windowed() && from != null && to != null) {
            return to.microsPerEventSince(from, clock.timedRecords());
        }
        if (running != null && done != null) {
            return done.microsPerEventSince(running, clock.timedRecords());
        }
        return Map.of();
    }
}
