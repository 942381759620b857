package org.careflow.dispatch;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One {@link TokenBucket} per sending phone number id: the Cloud API limits throughput per number, not per app.
 * The burst equals the rate, so an idle number may send one second's worth at once.
 */
final class SendRateLimiter {

    private final int ratePerSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    SendRateLimiter(int ratePerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("sendRatePerSecond must be at least 1, was " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Blocks until {@code phoneNumberId} may send one more message. */
    void acquire(String phoneNumberId) throws InterruptedException {
        buckets.computeIfAbsent(phoneNumberId, id -> new TokenBucket(ratePerSecond, ratePerSecond, nanoTime, sleeper)).acquire();
    }
}
