package org.careflow.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the chosen scenarios one after the other on one cluster under one steady load: for each, load alone, the fault,
 * the part brought back, load again, then the checks up to that moment. A scenario starts only on a healed cluster.
 */
final class ChaosSuite {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosSuite.class);
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(240);

    private ChaosSuite() {
    }

    /** Starts the cluster in {@code dir}, runs the scenarios {@code options} selects, and returns the report. */
    static ChaosReport run(Path dir, ChaosOptions options) {
        ChaosReport report = new ChaosReport(options.scenario().map(s -> "scenario " + s).orElse(options.quick() ? "quick" : "full"));
        try (ChaosCluster cluster = ChaosCluster.start(dir, options)) {
            Acknowledged acknowledged = new Acknowledged();
            List<Fault> faults = Faults.select(cluster);
            try (ChaosLoad load = new ChaosLoad(cluster, acknowledged);
                 ChaosChecks checks = new ChaosChecks(cluster, acknowledged)) {
                load.prepare();
                load.start(options.rate());
                // A clean baseline first: a check that fails here fails for a reason no fault explains.
                hold(options.before());
                Instant cutoff = Instant.now();
                ChaosChecks.Verdict baseline = checks.check(Instant.EPOCH, cutoff, options.checkDeadline());
                report.add(new ChaosReport.Row("baseline (no fault)", "the load alone", 1.0, baseline.acknowledged(), baseline.lost(),
                    baseline.duplicated(), 0, baseline.problems()));
                for (Fault fault : faults) {
                    ScenarioRun run = runOne(fault, options, acknowledged, checks, cutoff);
                    cutoff = run.cutoff();
                    report.add(run.row());
                    LOG.info("\n{}", report.table());
                }
                load.stop();
            }
        }
        return report;
    }

    /** A scenario's row, and the cutoff its check went to: the next scenario's window starts there. */
    private record ScenarioRun(ChaosReport.Row row, Instant cutoff) {
    }

    private static ScenarioRun runOne(Fault fault, ChaosOptions options, Acknowledged acknowledged, ChaosChecks checks, Instant from) {
        LOG.info("Scenario {}: {}", fault.name(), fault.description());
        hold(options.before());
        long attemptedBefore = acknowledged.attempted.get();
        long refusedBefore = acknowledged.refused.get();
        Instant injected = Instant.now();
        fault.inject();
        CompletableFuture<Double> recovery = CompletableFuture.supplyAsync(() -> {
            long end = System.nanoTime() + RECOVERY_DEADLINE.toNanos();
            while (System.nanoTime() < end) {
                if (checks.progressSince(injected) && checks.allVisible(injected)) {
                    return Duration.between(injected, Instant.now()).toMillis() / 1000.0;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1000));
            }
            return -1.0;
        });
        hold(fault.down());
        List<String> healing = new java.util.ArrayList<>();
        try {
            fault.heal();
        } catch (RuntimeException | AssertionError e) {
            // The scenario fails, saying why; the next ones run on whatever is left, and the report is still written.
            LOG.warn("Scenario {} could not heal", fault.name(), e);
            healing.add("could not bring the cluster back: " + e.getMessage());
        }
        hold(options.after());
        Instant cutoff = Instant.now();
        long attempted = acknowledged.attempted.get() - attemptedBefore;
        long refused = acknowledged.refused.get() - refusedBefore;
        double held = attempted == 0 ? 0 : (attempted - refused) / (double) attempted;
        ChaosChecks.Verdict verdict = checks.check(from, cutoff, options.checkDeadline());
        double recoverySeconds = recovery.join();
        List<String> problems = new java.util.ArrayList<>(healing);
        problems.addAll(verdict.problems());
        return new ScenarioRun(new ChaosReport.Row(fault.name(), fault.description(), held, verdict.acknowledged(), verdict.lost(),
            verdict.duplicated(), recoverySeconds, problems), cutoff);
    }

    /** Lets the load run for a while: not a synchronisation, the time the load holds. */
    private static void hold(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }
}
