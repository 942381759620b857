package org.careflow.bench.report;

/**
 * Times a drain round: how fast records are processed once the app runs. From {@link #MIN_WINDOWED} records on, the rate
 * is taken between 10% and 90% of them, the steady state: it leaves out the first fetches after the start and the last
 * commit, whose share would otherwise depend on the round's size (with at_least_once and a 1 s commit interval, a short
 * round can end before its first commit). Smaller rounds are timed whole, from RUNNING to the last record. One thread
 * calls {@link #progress}.
 */
public final class DrainClock {

    /** Rounds of at least this many records are timed between 10% and 90%. */
    public static final long MIN_WINDOWED = 10_000;

    private final long expected;
    private final long from;
    private final long to;
    private volatile long startNanos;
    private volatile long fromNanos;
    private volatile long toNanos;
    private volatile long doneNanos;

    public DrainClock(long expected) {
        if (expected < 1) {
            throw new IllegalArgumentException("A drain round needs at least one record, had " + expected);
        }
        this.expected = expected;
        this.from = expected / 10;
        this.to = expected - expected / 10;
    }

    /** The app is RUNNING: processing starts now. */
    public void started(long nanos) {
        startNanos = nanos;
    }

    /** {@code count} records are done so far; returns true once all are. */
    public boolean progress(long count) {
        if (count >= from && fromNanos == 0) {
            fromNanos = System.nanoTime();
        }
        if (count >= to && toNanos == 0) {
            toNanos = System.nanoTime();
        }
        if (count >= expected && doneNanos == 0) {
            doneNanos = System.nanoTime();
        }
        return doneNanos != 0;
    }

    boolean done() {
        return doneNanos != 0;
    }

    boolean windowed() {
        return expected >= MIN_WINDOWED;
    }

    /** Records per second, once {@link #done()}. */
    public double rate() {
        if (!done() || startNanos == 0) {
            throw new IllegalStateException("The round is not finished");
        }
        if (windowed() && toNanos > fromNanos) {
            return Stats.perSecond(to - from, toNanos - fromNanos);
        }
        return Stats.perSecond(expected, Math.max(1, doneNanos - startNanos));
    }

    /** How the rate was taken, for the report. */
    public static String method() {
        return "from " + MIN_WINDOWED + " records on, between 10% and 90% of the round's records done (steady state); "
            + "smaller rounds from the app RUNNING to the last record";
    }
}
