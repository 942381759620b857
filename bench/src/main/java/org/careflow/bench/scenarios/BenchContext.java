package org.careflow.bench.scenarios;

import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a scenario gets to work with: the running stack, the synthetic data, the console, earlier results, and the JVMs
 * the drain apps run in, which stay up (and warm) from one drain scenario to the next until {@link #close()}.
 */
public final class BenchContext implements AutoCloseable {

    private final BenchStack stack;
    private final SyntheticData data;
    private final Progress progress;
    private final List<ScenarioResult> results = new ArrayList<>();
    private DrainRounds.Results drainRounds;
    private final java.util.Map<org.careflow.bench.drain.DrainApp, DrainAppJvm> drainJvms = new java.util.EnumMap<>(org.careflow.bench.drain.DrainApp.class);
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

    /** The JVM {@code app} runs its drain rounds in, started on first use. */
    synchronized DrainAppJvm drainJvm(org.careflow.bench.drain.DrainApp app, org.careflow.bench.BenchSettings settings) {
        return drainJvms.computeIfAbsent(app, a -> DrainRounds.appJvm(this, settings, a));
    }

    /** Stops the JVM of {@code app}, if it runs: no later scenario needs it. */
    synchronized void closeDrainJvm(org.careflow.bench.drain.DrainApp app) {
        DrainAppJvm jvm = drainJvms.remove(app);
        if (jvm != null) {
            jvm.close();
        }
    }

    /** Stops every drain app's JVM. */
    @Override
    public synchronized void close() {
        drainJvms.values().forEach(DrainAppJvm::close);
        drainJvms.clear();
    }

    public void add(ScenarioResult result) {
        results.add(result);
    }

    public List<ScenarioResult> results() {
        return List.copyOf(results);
    }
}
