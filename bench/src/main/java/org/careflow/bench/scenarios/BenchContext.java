package org.careflow.bench.scenarios;

import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a scenario gets to work with: the running stack, the synthetic data, the console, and earlier results. */
public final class BenchContext {

    private final BenchStack stack;
    private final SyntheticData data;
    private final Progress progress;
    private final List<ScenarioResult> results = new ArrayList<>();
    private DrainRounds.Results drainRounds;
    private int nextId;

    public BenchContext(BenchStack stack, SyntheticData data, Progress progress) {
        this.stack = Objects.requireNonNull(stack, "stack");
        this.data = Objects.requireNonNull(data, "data");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    public BenchStack stack() {
        return stack;
    }

    public SyntheticData data() {
        return data;
    }

    public Progress progress() {
        return progress;
    }

    /** A name no earlier call of this run returned, e.g. for an application id. */
    public synchronized String uniqueName(String prefix) {
        return prefix + "-" + (++nextId);
    }

    /** The result of a scenario that ran earlier in this run. */
    public Optional<ScenarioResult> result(String scenario) {
        return results.stream().filter(r -> r.scenario().equals(scenario)).findFirst();
    }

    /** The interleaved drain rounds, once the ceiling scenario ran them. */
    synchronized Optional<DrainRounds.Results> drainRounds() {
        return Optional.ofNullable(drainRounds);
    }

    synchronized void drainRounds(DrainRounds.Results value) {
        drainRounds = Objects.requireNonNull(value, "value");
    }

    public void add(ScenarioResult result) {
        results.add(result);
    }

    public List<ScenarioResult> results() {
        return List.copyOf(results);
    }
}
