package org.careflow.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

public class DrainClockTest {

    @Test
    void shouldTimeTheMiddleOfTheRoundWhenItIsLarge() {
        // Given a large round whose first and last tenth are slow
        DrainClock clock = new DrainClock(100_000);
        clock.started(System.nanoTime());
        LockSupport.parkNanos(200_000_000);
        assertThat(clock.progress(10_000)).isFalse();
        LockSupport.parkNanos(20_000_000);
        clock.progress(90_000);
        LockSupport.parkNanos(200_000_000);

        // When the last record is done
        assertThat(clock.progress(100_000)).isTrue();

        // Then the rate is that of the middle: 80,000 records in about 20 ms, not 100,000 in 420 ms
        assertThat(clock.windowed()).isTrue();
        assertThat(clock.rate()).isGreaterThan(1_000_000);
    }

    @Test
    void shouldTimeTheWholeRoundWhenItIsSmall() {
        DrainClock clock = new DrainClock(300);
        clock.started(System.nanoTime());
        LockSupport.parkNanos(100_000_000);
        clock.progress(300);

        assertThat(clock.windowed()).isFalse();
        assertThat(clock.rate()).isBetween(100.0, 3_000.0);
    }

    @Test
    void shouldRefuseARateWhenTheRoundIsNotDone() {
        DrainClock clock = new DrainClock(300);
        clock.started(System.nanoTime());
        clock.progress(299);

        assertThatThrownBy(clock::rate).isInstanceOf(IllegalStateException.class);
    }
}
