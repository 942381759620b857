package org.careflow.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
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
        for (long count = 30_000; count < 90_000; count += 20_000) {
            clock.progress(count);
        }
        clock.progress(90_000);
        LockSupport.parkNanos(200_000_000);

        // When the last record is done
        assertThat(clock.progress(100_000)).isTrue();

        // Then the rate is that of the middle: 80,000 records in about 20 ms, not 100,000 in 420 ms
        assertThat(clock.windowed()).isTrue();
        assertThat(clock.timedRecords()).isEqualTo(80_000);
        assertThat(clock.rate()).isGreaterThan(1_000_000);
    }

    @Test
    void shouldLeaveStartUpOutWhenTheRoundIsSmall() {
        // Given a small round whose start-up (RUNNING to the first records) is slow
        DrainClock clock = new DrainClock(300);
        clock.started(System.nanoTime());
        LockSupport.parkNanos(300_000_000);
        clock.progress(30);
        LockSupport.parkNanos(10_000_000);
        clock.progress(100);
        clock.progress(150);
        clock.progress(200);
        clock.progress(270);

        // When done
        clock.progress(300);

        // Then only the middle is timed: 240 records in about 10 ms, not 300 in 310 ms
        assertThat(clock.windowed()).isTrue();
        assertThat(clock.rate()).isGreaterThan(5_000);
    }

    @Test
    void shouldTimeTheWholeRoundWhenOneLookSawItAll() {
        DrainClock clock = new DrainClock(300);
        clock.started(System.nanoTime());
        LockSupport.parkNanos(100_000_000);
        clock.progress(300);

        assertThat(clock.windowed()).isFalse();
        assertThat(clock.timedRecords()).isEqualTo(300);
        assertThat(clock.rate()).isBetween(100.0, 3_000.0);
    }

    @Test
    void shouldTimeTheWholeRoundWhenRecordsBecameReadableInAFewLargeSteps() {
        // Given a round whose records appear in two transactions, one straddling 10% and one 90%, a few ms apart
        DrainClock clock = new DrainClock(6_000);
        clock.started(System.nanoTime());
        LockSupport.parkNanos(200_000_000);
        clock.progress(3_000);
        clock.progress(6_000);

        // Then the two steps are too few for a window: the round is timed whole, about 6,000 records in 200 ms
        assertThat(clock.windowed()).isFalse();
        assertThat(clock.rate()).isBetween(1_000.0, 40_000.0);
    }

    @Test
    void shouldRunTheHooksAsTheWindowOpensAndClosesWhenGiven() {
        List<String> events = new ArrayList<>();
        DrainClock clock = new DrainClock(1_000, () -> events.add("from"), () -> events.add("to"));
        clock.started(System.nanoTime());

        clock.progress(50);
        clock.progress(100);
        clock.progress(500);
        clock.progress(900);
        clock.progress(1_000);

        assertThat(events).containsExactly("from", "to");
    }

    @Test
    void shouldRefuseARateWhenTheRoundIsNotDone() {
        DrainClock clock = new DrainClock(300);
        clock.started(System.nanoTime());
        clock.progress(299);

        assertThatThrownBy(clock::rate).isInstanceOf(IllegalStateException.class);
    }
}
