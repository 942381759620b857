package org.careflow.bench;

import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.report.MachineInfo;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.Report;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.scenarios.BenchContext;
import org.careflow.bench.scenarios.Scenario;
import org.careflow.bench.scenarios.Scenarios;
import org.careflow.bench.scenarios.SyntheticData;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One benchmark run: starts the stack, runs the chosen scenarios in order, stops the stack and returns the report.
 * {@link BenchMain} and the smoke test both go through here.
 */
public final class Bench {

    private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
    /** A load average above this many per core, before the bench starts, means something else is running. */
    static final double BUSY_LOAD_PER_CORE = 0.5;

    private final BenchSettings settings;
    private final Progress progress;
    private volatile BenchStack stack;

    public Bench(BenchSettings settings, Progress progress) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    public Report run() throws Exception {
        Instant started = Instant.now();
        int cores = Runtime.getRuntime().availableProcessors();
        double load = MachineInfo.loadAverage();
        progress.say("careflow bench ({}): {} on {} cores", settings.mode(), String.join(", ", settings.scenarios()), cores);
        if (load > BUSY_LOAD_PER_CORE * cores) {
            // Other work on the machine competes for the cores: the figures come out low and noisy.
            progress.say("warning: the machine is busy before the bench starts (load average {} on {} cores); figures will be "
                + "low and noisy", String.format(java.util.Locale.ROOT, "%.1f", load), cores);
        }
        Progress.Task starting = progress.timed(settings.target().existing() ? "connecting to the existing broker and registry"
            : "starting broker, registry, topics and schemas", java.time.Duration.ofSeconds(8));
        stack = BenchStack.start(settings.outputDir(), settings.partitions(), settings.target());
        starting.finish("Kafka at " + stack.bootstrapServers() + ", registry at " + stack.registryUrl());
        try (BenchContext context = new BenchContext(stack, SyntheticData.standard(settings.seed(), started), progress)) {
            for (String name : settings.scenarios()) {
                Scenario scenario = Scenarios.create(name);
                progress.say("{}: {}", scenario.name(), scenario.description());
                long begin = System.nanoTime();
                ScenarioResult result = scenario.run(context, settings);
                LOG.debug("Scenario {} took {} ms", name, (System.nanoTime() - begin) / 1_000_000);
                context.add(result);
            }
            return new Report(settings, started, Instant.now(), context.results(), load);
        } finally {
            stop();
        }
    }

    /** Stops the stack if it runs; safe from a shutdown hook while {@link #run()} is still going. */
    public void stop() {
        BenchStack running = stack;
        if (running != null) {
            running.close();
        }
    }
}
