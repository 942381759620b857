package org.careflow.platform.embedded;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The one-way life of an embedded component: new, started once, closed once. A component is not restartable because
 * its ports, threads and child processes are not reusable after a stop; a restart is a new instance on the same data.
 * Keeping the state checks here gives every component the same messages for misuse ("not started yet", "closed",
 * "already started"), the same clean-up after a failed start and the same once-only, timed close.
 *
 * <p>Not thread-safe on its own: the owner calls it under its own lock (its {@code synchronized} methods).
 */
final class Lifecycle {

    private enum State { NEW, STARTED, CLOSED }

    private final String subject;
    private final String restartHint;
    private State state = State.NEW;
    private long startedAt;

    /**
     * @param subject     how messages name the component at the start of a sentence, e.g. {@code "The broker"}
     * @param restartHint what to do instead of a second start, e.g. {@code "build a new one to restart"}
     */
    Lifecycle(String subject, String restartHint) {
        this.subject = subject;
        this.restartHint = restartHint;
    }

    /** A component's own start-up; I/O errors are allowed so that it can start a child process. */
    @FunctionalInterface
    interface Step {
        void run() throws IOException;
    }

    /**
     * Starts once: moves to started, starts the clock and runs {@code startUp}. When that fails, runs {@code close} (which
     * stops whatever was started already) and throws what {@code failure} makes of the error.
     *
     * @throws IllegalStateException if this instance was started or closed before, or the start failed
     */
    void start(Step startUp, Function<Exception, IllegalStateException> failure, Runnable close) {
        start();
        try {
            startUp.run();
        } catch (IOException | RuntimeException e) {
            throw closeAfterFailedStart(failure.apply(e), close);
        }
    }

    /** Moves to started and starts the clock; throws if this instance was started or closed before. */
    void start() {
        if (state != State.NEW) {
            throw new IllegalStateException(subject + " was already " + state.name().toLowerCase() + "; " + restartHint);
        }
        state = State.STARTED;
        startedAt = System.nanoTime();
    }

    /** Milliseconds since {@link #start()}, for the "ready in" log line. */
    long millisSinceStart() {
        return millisSince(startedAt);
    }

    /** Throws unless started and not closed yet. */
    void requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException(subject + " is " + (state == State.NEW ? "not started yet" : "closed"));
        }
    }

    /** Moves to closed; false when it was closed already, so that a second {@code close()} does nothing. */
    boolean close() {
        if (state == State.CLOSED) {
            return false;
        }
        state = State.CLOSED;
        return true;
    }

    /**
     * Closes once: stops {@code running} (when the start got as far as creating it) with {@code stop}, tells
     * {@code stopped} how many milliseconds that took, then runs {@code release} (forget handles, delete temporary
     * files) even when the stop failed. A later call does nothing, so that {@code close()} is safe after a failed
     * start and in try-with-resources.
     */
    <T> void close(T running, Consumer<T> stop, LongConsumer stopped, Runnable release) {
        if (!close()) {
            return;
        }
        try {
            if (running != null) {
                long begin = System.nanoTime();
                stop.accept(running);
                stopped.accept(millisSince(begin));
            }
        } finally {
            release.run();
        }
    }

    /**
     * Runs the owner's {@code close} after a failed start, so that nothing it had started yet stays running, and
     * returns {@code failure} to throw, with any failure of the clean-up attached as suppressed.
     */
    private static IllegalStateException closeAfterFailedStart(IllegalStateException failure, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException closeFailure) {
            failure.addSuppressed(closeFailure);
        }
        return failure;
    }

    /** Keeps an {@link IllegalStateException} (it already says what failed), else wraps {@code cause} with {@code message}. */
    static IllegalStateException asStartFailure(Exception cause, String message) {
        return cause instanceof IllegalStateException ise ? ise : new IllegalStateException(message, cause);
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    /** Checks a builder's start-up timeout: a wait must have room to succeed. */
    static Duration checkTimeout(String name, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + timeout);
        }
        return timeout;
    }
}
