package org.careflow.bench.infra;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that says which processes a scenario's "CPU per event" figures cover, so that every scenario reports
 * the same set and a process that moves into a JVM of its own (the broker, an app under test) is added once, here.
 * The bench's own JVM is always measured ({@link CpuClock#BENCH}); an app that runs inside it is part of that figure.
 */
public final class MeasuredProcesses {

    private MeasuredProcesses() {
    }

    /**
     * A clock over the bench's JVM, the stack's processes outside it, and {@code extra} (name to process, e.g. a
     * server under test started in a child JVM by the scenario).
     */
    public static CpuClock clock(BenchStack stack, Map<String, ProcessHandle> extra) {
        Map<String, ProcessHandle> others = new LinkedHashMap<>(stackProcesses(stack));
        others.putAll(extra);
        return CpuClock.of(others);
    }

    /** The name of the broker's JVM in every CPU figure. */
    public static final String BROKER = "broker";

    /**
     * The stack's processes other than the bench's JVM: the broker's JVM when the bench started it (not on an existing
     * cluster). The registry is a child process too but takes no part in a write once the schema id is cached, so it is
     * left out.
     */
    static Map<String, ProcessHandle> stackProcesses(BenchStack stack) {
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        stack.brokerProcess().ifPresent(process -> processes.put(BROKER, process));
        return processes;
    }
}
