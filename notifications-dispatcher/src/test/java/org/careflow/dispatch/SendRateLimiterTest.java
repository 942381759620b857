package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SendRateLimiterTest {

    @Test
    void shouldSendBurstAtOnceThenOnePerTenthSecondWhenRateIsTenPerSecond() throws Exception {
        // Given 10 messages a second from one number, on fake time
        FakeTime time = new FakeTime(TestNotifications.NOW);
        SendRateLimiter limiter = new SendRateLimiter(10, time.ticker(), time.sleeper());

        // When the first ten are sent
        for (int i = 0; i < 10; i++) {
            limiter.acquire("number-a");
        }

        // Then they went out at once, as the burst
        assertThat(time.elapsed()).isZero();

        // When twenty more are sent
        for (int i = 0; i < 20; i++) {
            limiter.acquire("number-a");
        }

        // Then they took exactly two seconds, a tenth of a second each
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(2));
        assertThat(time.sleeps()).hasSize(20).allSatisfy(wait -> assertThat(wait).isEqualTo(Duration.ofMillis(100)));
    }

    @Test
    void shouldNeverExceedRatePerSecondWhenSendingContinuously() throws Exception {
        // Given 80 a second, the Cloud API default
        FakeTime time = new FakeTime(TestNotifications.NOW);
        SendRateLimiter limiter = new SendRateLimiter(80, time.ticker(), time.sleeper());

        // When 1,000 messages are sent
        for (int i = 0; i < 1_000; i++) {
            limiter.acquire("number-a");
        }

        // Then no second held more than the burst plus the rate: 920 after the burst take 11.5 s
        assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(11_500));
    }

    @Test
    void shouldLimitEachNumberSeparatelyWhenTwoNumbersSend() throws Exception {
        // Given a number that used up its burst
        FakeTime time = new FakeTime(TestNotifications.NOW);
        SendRateLimiter limiter = new SendRateLimiter(5, time.ticker(), time.sleeper());
        for (int i = 0; i < 5; i++) {
            limiter.acquire("number-a");
        }

        // When another number sends its own burst
        for (int i = 0; i < 5; i++) {
            limiter.acquire("number-b");
        }

        // Then it did not wait for the first number's tokens
        assertThat(time.elapsed()).isZero();
    }

    @Test
    void shouldRefillAfterIdleTimeWhenNumberWasQuiet() throws Exception {
        // Given a number that used its burst and then stayed quiet for a second
        FakeTime time = new FakeTime(TestNotifications.NOW);
        SendRateLimiter limiter = new SendRateLimiter(10, time.ticker(), time.sleeper());
        for (int i = 0; i < 10; i++) {
            limiter.acquire("number-a");
        }
        time.sleeper().sleep(Duration.ofSeconds(1));

        // When it sends ten more
        for (int i = 0; i < 10; i++) {
            limiter.acquire("number-a");
        }

        // Then they went out without waiting, but no more than the burst was saved up
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(1));
        limiter.acquire("number-a");
        assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(1_100));
    }

    @Test
    void shouldTakeAtLeastTwoSecondsInRealTimeWhenSendingThirtyAtTenPerSecond() throws Exception {
        // Given the real clock and real sleeping, 10 a second
        SendRateLimiter limiter = new SendRateLimiter(10, System::nanoTime, Sleeper.REAL);

        // When thirty are sent
        long started = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            limiter.acquire("number-a");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then the twenty after the burst needed two seconds (lower bound only: a slow machine may take longer)
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1_950));
    }
}
