package org.careflow.bench.scenarios;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every scenario the bench knows, in the order {@code all} runs them. To add one, implement {@link Scenario} and add a
 * line here: options, report and smoke test pick it up.
 */
public final class Scenarios {

    /** The name that selects every scenario. */
    public static final String ALL = "all";

    private static final Map<String, Supplier<Scenario>> KNOWN = new LinkedHashMap<>();

    static {
        register(CeilingScenario.NAME, CeilingScenario::new);
        register(PipelineScenario.NAME, PipelineScenario::new);
        // Right after the pipeline: it drains the pipeline's submissions in streams-triage's warm drain JVM.
        register(CommitIntervalScenario.NAME, CommitIntervalScenario::new);
        // After commit-interval, whose rounds drain all of triage-submissions: growth writes many more.
        register(GrowthScenario.NAME, GrowthScenario::new);
        register(ScaleOutScenario.NAME, ScaleOutScenario::new);
        register(IngestScenario.NAME, IngestScenario::new);
        register(BatchIngestScenario.NAME, BatchIngestScenario::new);
        // After pipeline and ingest: its rate is a fraction of their figures when they ran.
        register(EndToEndLatencyScenario.NAME, EndToEndLatencyScenario::new);
        register(QueryScenario.NAME, QueryScenario::new);
        register(BookingScenario.NAME, BookingScenario::new);
        register(MemoryScenario.NAME, MemoryScenario::new);
    }

    private Scenarios() {
    }

    private static void register(String name, Supplier<Scenario> factory) {
        KNOWN.put(name, factory);
    }

    /** Every known scenario's name, in run order. */
    public static List<String> names() {
        return List.copyOf(KNOWN.keySet());
    }

    public static Scenario create(String name) {
        Supplier<Scenario> factory = KNOWN.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("Unknown scenario '" + name + "'; choose one of " + String.join(", ", names()) + " or " + ALL);
        }
        return factory.get();
    }

    /**
     * The scenarios to run for {@code requested} (names or {@code all}): each one's {@link Scenario#needs()} added, in
     * the known order so that a ceiling always runs before what is compared with it.
     */
    public static List<String> resolve(List<String> requested) {
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : requested) {
            if (ALL.equals(name)) {
                wanted.addAll(names());
            } else {
                addWithNeeds(name, wanted);
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String name : names()) {
            if (wanted.contains(name)) {
                ordered.add(name);
            }
        }
        return ordered;
    }

    private static void addWithNeeds(String name, Set<String> wanted) {
        if (wanted.add(name)) {
            for (String need : create(name).needs()) {
                addWithNeeds(need, wanted);
            }
        }
    }
}
