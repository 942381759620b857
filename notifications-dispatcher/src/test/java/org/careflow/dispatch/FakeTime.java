package org.careflow.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Time that passes only when something sleeps: a ticker, a clock and a sleeper sharing one fake now. */
final class FakeTime {

    private final Instant start;
    private long elapsedNanos;
    private final List<Duration> sleeps = new ArrayList<>();

    FakeTime(Instant start) {
        this.start = start;
    }

    LongSupplier ticker() {
        return () -> elapsedNanos;
    }

    Sleeper sleeper() {
        return duration -> {
            sleeps.add(duration);
            elapsedNanos += duration.toNanos();
        };
    }

    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    Instant now() {
        return start.plusNanos(elapsedNanos);
    }

    Duration elapsed() {
        return Duration.ofNanos(elapsedNanos);
    }

    /** Every wait asked for, in order. */
    List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
