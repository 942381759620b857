package org.careflow.bench.report;

import java.util.Objects;

/**
 * Times a drain round: how fast records are processed once the app runs. The rate is taken between 10% and 90% of the
 * round's records, the steady state: it leaves out the app's start-up (rebalance, store creation, the first fetches)
 * and the last commit, whose share would otherwise depend on the round's size (with at_least_once and a 30 s commit
 * interval, a short round can end before its first commit). The window needs at least {@link #MIN_STEPS} looks at a
 * rising count inside it: records that become readable in a few large steps (exactly_once_v2 with a commit interval
 * close to the round's length releases them a transaction at a time) would otherwise give a window of a few
 * milliseconds and an absurd rate. Such a round, or one so small that one look saw both 10% and 90%, is timed whole,
 * from RUNNING to the last record. Optional hooks run as the window opens and closes, e.g. to sample
 * the CPU time of the processes involved over exactly the timed part. One thread calls {@link #progress}.
 */
public final class DrainClock {

    /** Looks at a rising count between 10% and 90% (both included) needed to time the window. */
    public static final int MIN_STEPS = 5;
    private static final Runnable NOTHING = () -> { };

    private final long expected;
    private final long from;
    private final long to;
    private final Runnable atFrom;
    private final Runnable atTo;
    private volatile long startNanos;
    private volatile long fromNanos;
    private volatile long toNanos;
    private volatile long doneNanos;
    private volatile boolean oneLook;
    private long lastCount = -1;
    private int steps;

    public DrainClock(long expected) {
        this(expected, NOTHING, NOTHING);
    }

    /** A clock that runs {@code atFrom} when 10% of the records are done and {@code atTo} at 90%, on the calling thread. */
    public DrainClock(long expected, Runnable atFrom, Runnable atTo) {
        if (expected < 1) {
            throw new IllegalArgumentException("A drain round needs at least one record, had " + expected);
        }
        this.expected = expected;
        this.from = expected / 10;
        this.to = expected - expected / 10;
        this.atFrom = Objects.requireNonNull(atFrom, "atFrom");
        this.atTo = Objects.requireNonNull(atTo, "atTo");
    }

    /** The app is RUNNING: processing starts now. */
    public void started(long nanos) {
        startNanos = nanos;
    }

    /** {@code count} records are done so far; returns true once all are. */
    public boolean progress(long count) {
        if (count > lastCount && count >= from && toNanos == 0) {
            steps++;
        }
        lastCount = Math.max(lastCount, count);
        boolean opened = false;
        if (count >= from && fromNanos == 0) {
            atFrom.run();
            fromNanos = System.nanoTime();
            opened = true;
        }
        if (count >= to && toNanos == 0) {
            toNanos = System.nanoTime();
            oneLook = opened;
            atTo.run();
        }
        if (count >= expected && doneNanos == 0) {
            doneNanos = System.nanoTime();
        }
        return doneNanos != 0;
    }

    boolean done() {
        return doneNanos != 0;
    }

    /**
     * Whether the rate is of the 10%-90% window: true unless one look saw it open and close, or fewer than
     * {@link #MIN_STEPS} looks saw the count rise inside it.
     */
    public boolean windowed() {
        return toNanos != 0 && !oneLook && steps >= MIN_STEPS;
    }

    /** The records the rate counts: those between 10% and 90%, or all of a round timed whole. */
    public long timedRecords() {
        return windowed() ? to - from : expected;
    }

    /** Records per second, once {@link #done()}. */
    public double rate() {
        if (!done() || startNanos == 0) {
            throw new IllegalStateException("The round is not finished");
        }
        if (windowed()) {
            return Stats.perSecond(to - from, toNanos - fromNanos);
        }
        return Stats.perSecond(expected, Math.max(1, doneNanos - startNanos));
    }

    /** How the rate was taken, for the report. */
    public static String method() {
        return "between 10% and 90% of the round's records done (steady state: start-up and the last commit left out); "
            + "a round whose count rose in fewer than " + MIN_STEPS + " steps inside that window (one look, or a few large "
            + "transactions) is timed whole, from the app RUNNING to the last record";
    }
}
