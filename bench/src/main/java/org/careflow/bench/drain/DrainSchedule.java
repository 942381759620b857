package org.careflow.bench.drain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The order of the drain rounds: ceilings and careflow alternate within one loop, so that a machine that drifts (a
 * neighbour's build, thermal throttling) slows all of them alike. A cycle runs, for each guarantee, streams-triage, then
 * the count aggregate, then the same-shape app; streams-triage comes first so that the same-shape app's sizes are
 * measured (from the very first round) before it ever runs. Warm-up cycle {@code w} runs the three apps under guarantee
 * {@code w mod 2}, measured cycles under every guarantee.
 */
public final class DrainSchedule {

    /** The apps of a cycle, in order. */
    public static final List<DrainApp> CYCLE = List.of(DrainApp.TRIAGE, DrainApp.AGGREGATE, DrainApp.SAME_SHAPE);

    private DrainSchedule() {
    }

    /** One round: which app, under which guarantee, measured or warm-up, and its label for the progress line. */
    public record Slot(DrainApp app, String guarantee, boolean measured, String label) {
    }

    public static List<Slot> slots(List<String> guarantees, int warmupRounds, int rounds) {
        List<Slot> slots = new ArrayList<>();
        for (int w = 0; w < warmupRounds; w++) {
            String guarantee = guarantees.get(w % guarantees.size());
            for (DrainApp app : CYCLE) {
                slots.add(new Slot(app, guarantee, false, String.format(Locale.ROOT, "%s warm-up %d/%d", app.metric(guarantee), w + 1, warmupRounds)));
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (String guarantee : guarantees) {
                for (DrainApp app : CYCLE) {
                    slots.add(new Slot(app, guarantee, true, String.format(Locale.ROOT, "%s round %d/%d", app.metric(guarantee), r + 1, rounds)));
                }
            }
        }
        return slots;
    }
}
