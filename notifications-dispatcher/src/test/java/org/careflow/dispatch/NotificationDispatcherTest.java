package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NotificationDispatcherTest {

    @Test
    void shouldAllowAWholePollOfExhaustedRetriesWhenSizingMaxPollInterval() {
        // Given the production defaults: 5 attempts, 10 s per call, up to 30 s between attempts, 60 s of waiting for a
        // status report when an attempt's fate is unknown
        DispatcherSettings settings = new DispatcherSettings(URI.create("https://graph.facebook.com"), "v21.0", "1", "t", 80, 5,
            Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(10));

        // When the consumer's max.poll.interval is sized
        Duration interval = NotificationDispatcher.maxPollInterval(settings);

        // Then ten records that are all in doubt and each wait for reports between every attempt fit in it, so the group
        // does not evict a busy dispatcher
        assertThat(settings.inDoubtWait()).isEqualTo(Duration.ofSeconds(60));
        assertThat(interval).isEqualTo(Duration.ofSeconds(10 * (60 + 5 * (10 + 60))));
    }

    @Test
    void shouldKeepKafkaDefaultOfFiveMinutesWhenRetriesAreShort() {
        // Given fast retries, as in tests
        DispatcherSettings settings = new DispatcherSettings(URI.create("http://127.0.0.1:1"), "v21.0", "1", "t", 80, 3,
            Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofSeconds(2)).withInDoubtWait(Duration.ofSeconds(1));

        // When / Then: the interval never drops below Kafka's default
        assertThat(NotificationDispatcher.maxPollInterval(settings)).isEqualTo(Duration.ofMinutes(5));
    }
}
