package org.careflow.dispatch;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt: {@code initial} doubling per failed attempt up to {@code max}, with
 * jitter, and never less than the server's {@code Retry-After} unless that exceeds {@code max}.
 */
final class Backoff {

    private static final int MAX_DOUBLINGS = 30;

    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;

    /** {@code random} returns values in [0, 1); tests pass a constant. */
    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initial = Objects.requireNonNull(initial, "initial");
        this.max = Objects.requireNonNull(max, "max");
        this.random = Objects.requireNonNull(random, "random");
        if (!initial.isPositive() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff, got " + initial + " and " + max);
        }
    }

    /**
     * The wait after {@code failedAttempts} failures (1 after the first).
     *
     * @param retryAfter what the server asked for, or null
     */
    Duration delay(int failedAttempts, Duration retryAfter) {
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), MAX_DOUBLINGS);
        long baseNanos = Math.min(max.toNanos(), saturatedShift(initial.toNanos(), doublings));
        // Equal jitter: between half and all of the base, so that notifications failing together do not retry in step.
        long half = baseNanos / 2;
        long wait = half + (long) (random.getAsDouble() * (baseNanos - half));
        if (retryAfter != null) {
            wait = Math.max(wait, retryAfter.toNanos());
        }
        return Duration.ofNanos(Math.min(wait, max.toNanos()));
    }

    private static long saturatedShift(long value, int doublings) {
        return value > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : value << doublings;
    }
}
