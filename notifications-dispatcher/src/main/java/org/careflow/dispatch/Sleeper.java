package org.careflow.dispatch;

import java.time.Duration;

/** Waits for a while; injected so that tests can let time pass without waiting and close() can cut a wait short. */
@FunctionalInterface
interface Sleeper {

    /** Sleeps on the calling thread. */
    Sleeper REAL = duration -> {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    };

    /** Returns after {@code duration}, or throws when the wait is cut short. */
    void sleep(Duration duration) throws InterruptedException;
}
