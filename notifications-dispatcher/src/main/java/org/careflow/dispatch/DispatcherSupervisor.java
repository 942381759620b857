package org.careflow.dispatch;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the notification dispatcher running. A dispatcher that stopped on an error (a commit that timed out after a
 * broker hiccup, a refused write) is started again after a backoff (1 s doubling to {@code maxBackoff}), and, from the
 * moment it is seen stopped until a new one runs, the app's readiness reports the dispatcher down with the reason; so
 * does a dispatcher waiting for the schema registry. A new dispatcher resumes from the last committed offset: nothing
 * is skipped. Without a supervisor, a dispatcher that died left readiness green while reminders quietly expired.
 */
public final class DispatcherSupervisor implements AutoCloseable {

    /** Where the supervisor reports the dispatcher down: what it is, why, and how to tell it recovered. */
    @FunctionalInterface
    public interface Health {
        void down(String dependency, String reason, BooleanSupplier recovered);
    }

    /** The dependency name readiness reports. */
    public static final String DISPATCHER = "dispatcher";

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherSupervisor.class);
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(500);

    private final Supplier<NotificationDispatcher> starter;
    private final Health health;
    private final Backoff backoff;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger restarts = new AtomicInteger();
    private final Thread monitor;
    private volatile NotificationDispatcher current;

    private DispatcherSupervisor(Supplier<NotificationDispatcher> starter, Health health, Duration maxBackoff) {
        this.starter = Objects.requireNonNull(starter, "starter");
        this.health = Objects.requireNonNull(health, "health");
        this.backoff = new Backoff(Duration.ofSeconds(1), maxBackoff, () -> ThreadLocalRandom.current().nextDouble());
        this.monitor = Thread.ofPlatform().name("careflow-dispatcher-supervisor").daemon().unstarted(this::watch);
    }

    /**
     * Starts a dispatcher with {@code starter} (a failure here fails the caller: the app does not start half-way), then
     * watches it, starting a new one with {@code starter} whenever it stopped on an error.
     */
    public static DispatcherSupervisor start(Supplier<NotificationDispatcher> starter, Health health, Duration maxBackoff) {
        DispatcherSupervisor supervisor = new DispatcherSupervisor(starter, health, maxBackoff);
        supervisor.current = starter.get();
        supervisor.monitor.start();
        return supervisor;
    }

    /** How many times a stopped dispatcher was replaced. */
    public int restarts() {
        return restarts.get();
    }

    /** The dispatcher running now. */
    public NotificationDispatcher current() {
        return current;
    }

    /** Running and not waiting for the registry. */
    public boolean healthy() {
        NotificationDispatcher d = current;
        return d != null && d.isRunning() && !d.waitingForRegistry();
    }

    private void watch() {
        int failures = 0;
        try {
            while (!closed.await(CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                NotificationDispatcher d = current;
                if (d.isRunning()) {
                    if (d.waitingForRegistry()) {
                        health.down(DISPATCHER, "waiting for the schema registry to read notifications; none is skipped", this::healthy);
                    }
                    failures = 0;
                    continue;
                }
                String why = d.failure().map(e -> e.getClass().getSimpleName()).orElse("an unknown stop");
                Duration pause = backoff.delay(++failures, null);
                health.down(DISPATCHER, "stopped on " + why + "; starting a new one in " + pause.toMillis() + " ms", this::healthy);
                LOG.error("The notification dispatcher stopped on {}; starting a new one in {} ms (it resumes from the last commit)",
                    why, pause.toMillis());
                if (closed.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                try {
                    current = starter.get();
                    restarts.incrementAndGet();
                    LOG.info("Started a new notification dispatcher");
                } catch (RuntimeException e) {
                    LOG.error("Could not start a new notification dispatcher: {}; trying again", e.getClass().getSimpleName(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            monitor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        NotificationDispatcher d = current;
        if (d != null) {
            d.close();
        }
    }
}
