package org.careflow.security;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.careflow.security.AuthSettings.RateLimit;

/**
 * A non-blocking token bucket per (rate class, client), kept as one "theoretical arrival time" per bucket (GCRA):
 * a request is allowed while the bucket has a token, otherwise the answer says how long until the next one. Buckets
 * that have been full for a whole refill period are dropped, and at most {@code maxClients} are kept: a new client
 * beyond that is refused (answered like an exhausted bucket) rather than let the map grow without bound.
 */
public final class RateLimiter {

    /** How long a refused caller should wait when the bound on clients, not its own bucket, refused it. */
    static final Duration FULL_RETRY = Duration.ofSeconds(1);
    /** Idle buckets are swept after this many acquisitions, so that eviction costs nothing per request. */
    private static final int SWEEP_EVERY = 1024;

    /** Whether a request may proceed, and otherwise how long until it may. */
    public record Outcome(boolean allowed, Duration retryAfter) {
        static final Outcome ALLOWED = new Outcome(true, Duration.ZERO);

        /** {@link #retryAfter()} in whole seconds, rounded up and at least 1, for a {@code Retry-After} header. */
        public long retryAfterSeconds() {
            long nanos = retryAfter.toNanos();
            return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
        }
    }

    private record Key(RateClass rateClass, String client) {
    }

    private static final class Bucket {
        private long theoreticalArrivalNanos;

        Bucket(long now) {
            this.theoreticalArrivalNanos = now;
        }
    }

    private final Map<RateClass, RateLimit> limits;
    private final int maxClients;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong acquisitions = new AtomicLong();

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass their own)
     */
    public RateLimiter(Map<RateClass, RateLimit> limits, int maxClients, LongSupplier nanoClock) {
        this.limits = new EnumMap<>(Objects.requireNonNull(limits, "limits"));
        for (RateClass rateClass : RateClass.values()) {
            if (!this.limits.containsKey(rateClass)) {
                throw new IllegalArgumentException("No rate limit for " + rateClass);
            }
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1");
        }
        this.maxClients = maxClients;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** The limiter the settings describe, on the system's monotonic clock. */
    public static RateLimiter create(AuthSettings settings) {
        return new RateLimiter(settings.rateLimits(), settings.rateLimitMaxClients(), System::nanoTime);
    }

    /** Takes one token from {@code client}'s bucket of {@code rateClass}, if it has one. */
    public Outcome tryAcquire(RateClass rateClass, String client) {
        Objects.requireNonNull(rateClass, "rateClass");
        Objects.requireNonNull(client, "client");
        long now = nanoClock.getAsLong();
        if (acquisitions.incrementAndGet() % SWEEP_EVERY == 0) {
            evictIdle();
        }
        Key key = new Key(rateClass, client);
        if (!buckets.containsKey(key) && buckets.size() >= maxClients) {
            evictIdle();
            if (buckets.size() >= maxClients) {
                return new Outcome(false, FULL_RETRY);
            }
        }
        RateLimit limit = limits.get(rateClass);
        long interval = intervalNanos(limit);
        long tolerance = interval * limit.burst();
        long[] waitNanos = {0};
        buckets.compute(key, (k, bucket) -> {
            Bucket b = bucket == null ? new Bucket(now) : bucket;
            long next = Math.max(b.theoreticalArrivalNanos, now) + interval;
            if (next - now > tolerance) {
                waitNanos[0] = next - now - tolerance;
            } else {
                b.theoreticalArrivalNanos = next;
            }
            return b;
        });
        return waitNanos[0] == 0 ? Outcome.ALLOWED : new Outcome(false, Duration.ofNanos(waitNanos[0]));
    }

    /** Drops buckets that have been full for at least one whole refill period; returns how many. */
    public int evictIdle() {
        long now = nanoClock.getAsLong();
        int before = buckets.size();
        buckets.entrySet().removeIf(e -> {
            RateLimit limit = limits.get(e.getKey().rateClass());
            long refill = intervalNanos(limit) * limit.burst();
            return now - e.getValue().theoreticalArrivalNanos >= refill;
        });
        return before - buckets.size();
    }

    /** Buckets currently kept. */
    public int size() {
        return buckets.size();
    }

    private static long intervalNanos(RateLimit limit) {
        return 1_000_000_000L / limit.perSecond();
    }
}
