package org.careflow.bench.scenarios;

import org.careflow.bench.BenchSettings;
import org.careflow.bench.report.ScenarioResult;
import java.util.List;

/**
 * One benchmark: a named measurement run against the shared embedded stack. New scenarios implement this and are
 * listed in {@link Scenarios}; everything else (options, progress, report, smoke test) picks them up from there.
 */
public interface Scenario {

    /** The name used on the command line ({@code --scenario NAME}) and in the report. */
    String name();

    /** One sentence saying what is measured, for the report and the usage text. */
    String description();

    /**
     * Scenarios whose metrics this one's ratios refer to; they run first even when not asked for.
     * Default: none.
     */
    default List<String> needs() {
        return List.of();
    }

    /**
     * Runs warm-up and measured rounds as {@code settings} say and returns the measured figures. Leaves the stack as it
     * found it apart from data in topics: whatever the scenario starts (apps, clients) it stops.
     */
    ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception;
}
