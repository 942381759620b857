package org.careflow.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StalenessClockTest {

    private static final String STORE = "history";

    @Test
    void shouldBoundByTheNewestSampledEndTheCopyHasReached() {
        // Given the changelog ended at 10 at t=1000, 20 at t=2000 and 30 at t=3000
        StalenessClock clock = new StalenessClock(Duration.ofMinutes(10), 0);
        sample(clock, 1_000, 10);
        sample(clock, 2_000, 20);
        sample(clock, 3_000, 30);

        // Then a copy at 30 holds everything written before t=3000, one at 25 everything before t=2000
        assertThat(clock.boundMs(STORE, 0, 30, 3_500)).isEqualTo(500L);
        assertThat(clock.boundMs(STORE, 0, 25, 3_500)).isEqualTo(1_500L);
        assertThat(clock.boundMs(STORE, 0, 10, 3_500)).isEqualTo(2_500L);
    }

    @Test
    void shouldNotKnowTheBoundOfACopyBehindEverySampleOrOfAnUnsampledPartition() {
        StalenessClock clock = new StalenessClock(Duration.ofMinutes(10), 0);
        sample(clock, 1_000, 10);

        assertThat(clock.boundMs(STORE, 0, 9, 2_000)).isNull();
        assertThat(clock.boundMs(STORE, 1, 10, 2_000)).isNull();
        assertThat(clock.boundMs("other", 0, 10, 2_000)).isNull();
    }

    @Test
    void shouldForgetSamplesOlderThanTheHistory() {
        StalenessClock clock = new StalenessClock(Duration.ofSeconds(10), 0);
        sample(clock, 0, 10);
        sample(clock, 20_000, 20);

        // The sample at t=0 is gone: a copy at 10 is further behind than the clock remembers
        assertThat(clock.boundMs(STORE, 0, 10, 21_000)).isNull();
        assertThat(clock.boundMs(STORE, 0, 20, 21_000)).isEqualTo(1_000L);
    }

    @Test
    void shouldCountACopyOneOffsetShortAsCaughtUpOnlyWithTheTransactionalSlack() {
        StalenessClock plain = new StalenessClock(Duration.ofMinutes(10), 0);
        StalenessClock transactional = new StalenessClock(Duration.ofMinutes(10), 1);
        for (StalenessClock clock : new StalenessClock[] {plain, transactional}) {
            sample(clock, 1_000, 10);
            sample(clock, 2_000, 21);
        }

        // A copy at 20 when the end is 21: the commit marker under exactly_once_v2, a missing record otherwise
        assertThat(transactional.boundMs(STORE, 0, 20, 2_100)).isEqualTo(100L);
        assertThat(plain.boundMs(STORE, 0, 20, 2_100)).isEqualTo(1_100L);
    }

    private static void sample(StalenessClock clock, long nowMs, long endOffset) {
        clock.record(nowMs, STORE, 0, endOffset);
    }
}
