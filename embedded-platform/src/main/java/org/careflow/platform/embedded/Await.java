package org.careflow.platform.embedded;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes, pausing briefly between polls so the pollers do
 * not starve the threads they wait for. For start-up checks and integration tests.
 */
public final class Await {

    private static final Duration PAUSE = Duration.ofMillis(50);

    private Await() {
    }

    /** Waits until {@code condition} is true; throws {@link AssertionError} naming {@code what} at the deadline. */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        value(what, deadline, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** Waits until {@code supplier} returns non-null and returns that value. */
    public static <T> T value(String what, Duration deadline, Supplier<T> supplier) {
        Objects.requireNonNull(what, "what");
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            T value = supplier.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + deadline.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(PAUSE.toNanos());
        }
    }
}
