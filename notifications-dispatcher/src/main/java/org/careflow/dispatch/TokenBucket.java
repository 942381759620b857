package org.careflow.dispatch;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A token bucket that blocks the caller until a token is free: {@code ratePerSecond} tokens a second, at most
 * {@code burst} saved up. Kept in whole nanoseconds as the time the next token is due, of which up to
 * {@code burst - 1} may be taken early (the generic cell rate algorithm), so that the rate is exact rather than drifting with floating-point refills. Time comes from an
 * injectable ticker and waits go through a {@link Sleeper}, so a test can prove the rate without waiting.
 */
final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long nanosPerToken;
    private final long burstTolerance;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long nextFreeAt;

    TokenBucket(int ratePerSecond, int burst, LongSupplier nanoTime, Sleeper sleeper) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1, were " + ratePerSecond + " and " + burst);
        }
        this.nanosPerToken = NANOS_PER_SECOND / ratePerSecond;
        this.burstTolerance = (burst - 1) * nanosPerToken;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.nextFreeAt = nanoTime.getAsLong();
    }

    /** Takes one token, waiting until one is free. */
    synchronized void acquire() throws InterruptedException {
        while (true) {
            long now = nanoTime.getAsLong();
            long due = Math.max(nextFreeAt, now);
            long wait = due - burstTolerance - now;
            if (wait <= 0) {
                nextFreeAt = due + nanosPerToken;
                return;
            }
            sleeper.sleep(Duration.ofNanos(wait));
        }
    }
}
