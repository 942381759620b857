package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.careflow.security.AuthSettings.RateLimit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(int maxClients) {
        Map<RateClass, RateLimit> limits = new EnumMap<>(RateClass.class);
        for (RateClass c : RateClass.values()) {
            limits.put(c, new RateLimit(10, 10));
        }
        limits.put(RateClass.BATCH, new RateLimit(1, 3));
        return new RateLimiter(limits, maxClients, nanos::get);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void shouldRefuseWithRetryAfterWhenBurstIsExhausted() {
        // Given
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire(RateClass.BATCH, "sub-1").allowed()).isTrue();
        }

        // When
        RateLimiter.Outcome outcome = limiter.tryAcquire(RateClass.BATCH, "sub-1");

        // Then: one token per second, so the next one is a second away
        assertThat(outcome.allowed()).isFalse();
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(outcome.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void shouldRoundRetryAfterUpToWholeSeconds() {
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire(RateClass.BATCH, "sub-1");
        }
        advance(Duration.ofMillis(100));

        RateLimiter.Outcome outcome = limiter.tryAcquire(RateClass.BATCH, "sub-1");

        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofMillis(900));
        assertThat(outcome.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void shouldAllowAgainWhenTheClockAdvances() {
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire(RateClass.BATCH, "sub-1");
        }
        assertThat(limiter.tryAcquire(RateClass.BATCH, "sub-1").allowed()).isFalse();

        advance(Duration.ofSeconds(1));

        assertThat(limiter.tryAcquire(RateClass.BATCH, "sub-1").allowed()).isTrue();
        assertThat(limiter.tryAcquire(RateClass.BATCH, "sub-1").allowed()).isFalse();
    }

    @Test
    void shouldKeepSubjectsAndClassesApartWhenOneIsExhausted() {
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire(RateClass.BATCH, "sub-1");
        }

        assertThat(limiter.tryAcquire(RateClass.BATCH, "sub-1").allowed()).isFalse();
        assertThat(limiter.tryAcquire(RateClass.BATCH, "sub-2").allowed()).isTrue();
        assertThat(limiter.tryAcquire(RateClass.QUERY, "sub-1").allowed()).isTrue();
    }

    @Test
    void shouldEvictBucketsThatStayedFullForARefillPeriod() {
        RateLimiter limiter = limiter(100);
        limiter.tryAcquire(RateClass.BATCH, "sub-1");
        limiter.tryAcquire(RateClass.QUERY, "sub-2");
        assertThat(limiter.size()).isEqualTo(2);

        // The query bucket is full again after 0.1 s and refills in 1 s; the batch one after 1 s and refills in 3 s.
        advance(Duration.ofMillis(1500));
        assertThat(limiter.evictIdle()).isEqualTo(1);
        advance(Duration.ofMillis(2000));
        assertThat(limiter.evictIdle()).isZero();
        advance(Duration.ofMillis(500));
        assertThat(limiter.evictIdle()).isEqualTo(1);

        assertThat(limiter.size()).isZero();
    }

    @Test
    void shouldRefuseNewClientsWhenFullUntilIdleOnesAreEvicted() {
        // Given
        RateLimiter limiter = limiter(2);
        limiter.tryAcquire(RateClass.QUERY, "sub-1");
        limiter.tryAcquire(RateClass.QUERY, "sub-2");

        // When / Then: a third client is refused, known ones are not
        assertThat(limiter.tryAcquire(RateClass.QUERY, "sub-3").allowed()).isFalse();
        assertThat(limiter.tryAcquire(RateClass.QUERY, "sub-1").allowed()).isTrue();

        advance(Duration.ofSeconds(5));
        assertThat(limiter.tryAcquire(RateClass.QUERY, "sub-3").allowed()).isTrue();
    }
}
