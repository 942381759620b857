package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration INITIAL = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(1);

    @Test
    void shouldDoubleFromInitialUpToMaxWhenJitterIsAtItsTop() {
        // Given jitter that always lands at the full base
        Backoff backoff = new Backoff(INITIAL, MAX, () -> 1.0);

        // When / Then: 100, 200, 400, 800, then capped at 1000 ms
        assertThat(backoff.delay(1, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(2, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(3, null)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.delay(4, null)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delay(5, null)).isEqualTo(MAX);
        assertThat(backoff.delay(60, null)).isEqualTo(MAX);
    }

    @Test
    void shouldWaitAtLeastHalfTheBaseWhenJitterIsAtItsBottom() {
        // Given jitter that always lands at the bottom
        Backoff backoff = new Backoff(INITIAL, MAX, () -> 0.0);

        // When / Then: half of each base
        assertThat(backoff.delay(1, null)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.delay(3, null)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void shouldHonourRetryAfterWhenItIsLongerThanBackoff() {
        // Given a server asking for 700 ms after the first failure
        Backoff backoff = new Backoff(INITIAL, MAX, () -> 1.0);

        // When the first delay is computed
        Duration delay = backoff.delay(1, Duration.ofMillis(700));

        // Then the server's wait wins over the 100 ms backoff
        assertThat(delay).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void shouldCapRetryAfterAtMaxBackoffWhenServerAsksForTooLong() {
        // Given a server asking for an hour
        Backoff backoff = new Backoff(INITIAL, MAX, () -> 0.5);

        // When the delay is computed
        Duration delay = backoff.delay(1, Duration.ofHours(1));

        // Then it is capped at the longest wait configured
        assertThat(delay).isEqualTo(MAX);
    }

    @Test
    void shouldKeepBackoffWhenRetryAfterIsShorter() {
        // Given a fourth failure, whose backoff is 800 ms
        Backoff backoff = new Backoff(INITIAL, MAX, () -> 1.0);

        // When the server asks for no wait at all
        Duration delay = backoff.delay(4, Duration.ZERO);

        // Then the backoff still applies
        assertThat(delay).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void shouldRejectSettingsWhenMaxIsBelowInitial() {
        // Given / When a maximum below the initial wait / Then the settings are refused, naming the rule
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0.5))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("initialBackoff <= maxBackoff");
    }
}
