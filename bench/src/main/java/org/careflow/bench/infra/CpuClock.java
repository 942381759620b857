package org.careflow.bench.infra;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * CPU time (user plus system) that named processes used between two samples: the bench's own JVM, the broker's JVM,
 * each app's JVM. Divided by the events a round handled it gives CPU per event, which is steadier than throughput on a
 * shared machine (another process taking a core slows a round down but does not make its events cost more CPU).
 *
 * <p>The bench's own JVM is read from the JVM's process CPU time (nanoseconds); other processes from
 * {@link ProcessHandle.Info#totalCpuDuration()}, which on Linux is {@code /proc/<pid>/stat}'s utime plus stime in clock
 * ticks (10 ms): rounds of a second or more keep that error below 1%.
 */
public final class CpuClock {

    /** The name under which {@link #of} includes the bench's own JVM. */
    public static final String BENCH = "bench";

    private final Map<String, ProcessHandle> processes;

    private CpuClock(Map<String, ProcessHandle> processes) {
        this.processes = processes;
    }

    /** A clock over the bench's own JVM and {@code others} (name to process), in that order. */
    public static CpuClock of(Map<String, ProcessHandle> others) {
        Map<String, ProcessHandle> all = new LinkedHashMap<>();
        all.put(BENCH, ProcessHandle.current());
        others.forEach((name, process) -> {
            if (all.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(process, "process")) != null) {
                throw new IllegalArgumentException("Two processes named " + name);
            }
        });
        return new CpuClock(all);
    }

    /** The CPU time each process has used so far; a process that ended or cannot be read is left out. */
    public Sample sample() {
        Map<String, Long> nanos = new LinkedHashMap<>();
        processes.forEach((name, process) -> cpuNanos(process).ifPresent(n -> nanos.put(name, n)));
        return new Sample(nanos);
    }

    private static java.util.Optional<Long> cpuNanos(ProcessHandle process) {
        if (process.pid() == ProcessHandle.current().pid()
            && ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            && os.getProcessCpuTime() >= 0) {
            return java.util.Optional.of(os.getProcessCpuTime());
        }
        return process.info().totalCpuDuration().map(Duration::toNanos);
    }

    /** CPU time used per process, nanoseconds, at one moment. */
    public record Sample(Map<String, Long> nanos) {

        public Sample {
            nanos = Map.copyOf(nanos);
        }

        /**
         * Microseconds of CPU per event each process spent from {@code earlier} to this sample, for processes present
         * in both, in {@code earlier}'s order.
         */
        public Map<String, Double> microsPerEventSince(Sample earlier, long events) {
            if (events <= 0) {
                throw new IllegalArgumentException("events must be positive: " + events);
            }
            Map<String, Double> perEvent = new LinkedHashMap<>();
            earlier.nanos.forEach((name, before) -> {
                Long after = nanos.get(name);
                if (after != null) {
                    perEvent.put(name, (after - before) / 1_000.0 / events);
                }
            });
            return perEvent;
        }
    }
}
