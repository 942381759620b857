package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SendIntentTest {

    @Test
    void shouldReadBackTheIntentItWroteAsOffsetMetadata() {
        SendIntent intent = new SendIntent("notification-3f2a", Instant.parse("2026-03-02T09:00:00.123Z"));

        assertThat(SendIntent.parse(intent.metadata())).contains(intent);
        assertThat(intent.metadata().length()).isLessThan(4096);
    }

    @Test
    void shouldFindNoIntentInOtherMetadata() {
        assertThat(SendIntent.parse(null)).isEmpty();
        assertThat(SendIntent.parse("")).isEmpty();
        assertThat(SendIntent.parse("some other tool's note")).isEmpty();
        assertThat(SendIntent.parse("careflow.send-intent.v1 not-a-time n-1")).isEmpty();
        assertThat(SendIntent.parse("careflow.send-intent.v1 1700000000000 ")).isEmpty();
    }
}
