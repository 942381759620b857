package org.careflow.platform.embedded;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleTest {

    private final Lifecycle lifecycle = new Lifecycle("The widget", "build a new one to restart");

    @Test
    void shouldRejectUseWhenNotStartedYet() {
        assertThatThrownBy(lifecycle::requireStarted)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The widget is not started yet");
    }

    @Test
    void shouldAllowUseWhenStarted() {
        lifecycle.start();

        lifecycle.requireStarted();
        assertThat(lifecycle.millisSinceStart()).isNotNegative();
    }

    @Test
    void shouldRejectASecondStartWhenStarted() {
        lifecycle.start();

        assertThatThrownBy(lifecycle::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The widget was already started; build a new one to restart");
    }

    @Test
    void shouldRejectStartAndUseWhenClosed() {
        lifecycle.start();
        assertThat(lifecycle.close()).isTrue();

        assertThatThrownBy(lifecycle::requireStarted).hasMessage("The widget is closed");
        assertThatThrownBy(lifecycle::start).hasMessage("The widget was already closed; build a new one to restart");
    }

    @Test
    void shouldCloseOnlyOnceWhenClosedTwice() {
        assertThat(lifecycle.close()).isTrue();
        assertThat(lifecycle.close()).isFalse();
    }

    @Test
    void shouldRunTheCloseOnceAndKeepItsFailureWhenAStartFailed() {
        AtomicInteger closes = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("start failed");

        assertThatThrownBy(() -> lifecycle.start(() -> {
            throw new IllegalArgumentException("bad option");
        }, e -> failure, () -> {
            closes.incrementAndGet();
            throw new IllegalArgumentException("close failed too");
        })).isSameAs(failure);

        assertThat(closes).hasValue(1);
        assertThat(failure.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("close failed too"));
    }

    @Test
    void shouldKeepAnIllegalStateExceptionAndWrapOthersWhenTurnedIntoAStartFailure() {
        IllegalStateException explained = new IllegalStateException("exited with code 1");
        RuntimeException other = new UnsupportedOperationException("boom");

        assertThat(Lifecycle.asStartFailure(explained, "Could not start")).isSameAs(explained);
        assertThat(Lifecycle.asStartFailure(other, "Could not start")).hasMessage("Could not start").hasCause(other);
    }

    @Test
    void shouldRejectATimeoutWhenNotPositive() {
        assertThatThrownBy(() -> Lifecycle.checkTimeout("startupTimeout", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startupTimeout must be positive, was PT0S");
        assertThat(Lifecycle.checkTimeout("startupTimeout", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldCloseAndRethrowTheMadeFailureWhenTheStartUpFails() {
        List<String> steps = new ArrayList<>();

        assertThatThrownBy(() -> lifecycle.start(() -> {
            steps.add("start-up");
            throw new IOException("disk full");
        }, e -> new IllegalStateException("Could not start the widget", e), () -> steps.add("close")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Could not start the widget")
                .hasRootCauseMessage("disk full");
        assertThat(steps).containsExactly("start-up", "close");
    }

    @Test
    void shouldStopTheRunningPartThenReleaseWhenClosed() {
        List<String> steps = new ArrayList<>();
        lifecycle.start();

        lifecycle.close("server", server -> steps.add("stop " + server), millis -> steps.add("stopped"), () -> steps.add("release"));
        lifecycle.close("server", server -> steps.add("stop again"), millis -> steps.add("stopped again"), () -> steps.add("release again"));

        assertThat(steps).containsExactly("stop server", "stopped", "release");
    }

    @Test
    void shouldOnlyReleaseWhenNothingWasRunning() {
        List<String> steps = new ArrayList<>();

        lifecycle.close(null, server -> steps.add("stop"), millis -> steps.add("stopped"), () -> steps.add("release"));

        assertThat(steps).containsExactly("release");
    }

    @Test
    void shouldReleaseWhenTheStopFails() {
        List<String> steps = new ArrayList<>();

        assertThatThrownBy(() -> lifecycle.close("server", server -> {
            throw new IllegalStateException("stuck");
        }, millis -> steps.add("stopped"), () -> steps.add("release"))).hasMessage("stuck");
        assertThat(steps).containsExactly("release");
    }
}
