package org.careflow.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.careflow.config.ConfigSources;
import org.careflow.platform.embedded.ChildJvm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM of the chaos cluster (a broker node or an app instance), a {@link ChildJvm} started from this module's class
 * path so that a fault is a real signal to a real process: {@link #kill()} is SIGKILL (no shutdown hook runs),
 * {@link #pause()} and {@link #resume()} are SIGSTOP and SIGCONT (a network stall as the rest of the cluster sees it).
 * {@link #start()} may be called again after a kill: the same command, the same data, the same ports.
 */
final class ChaosProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosProcess.class);
    private static final String LOG_CONFIGURATION = "log4j2-chaos-child.xml";

    private final ChildJvm jvm;
    private boolean paused;

    private ChaosProcess(ChildJvm jvm) {
        this.jvm = jvm;
    }

    /** A process for {@code mainClass} with {@code args}, not started yet; its output goes to {@code logFile} (appended per start). */
    static ChaosProcess of(String name, String mainClass, List<String> jvmOptions, List<String> args, Path logFile) {
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(ChildJvm.quietJvmOptions());
        return new ChaosProcess(ChildJvm.builder(name, mainClass).jvmOptions(options).args(args).logFile(logFile)
            .logConfiguration(LOG_CONFIGURATION).appendLog(true).withoutEnvironment(ConfigSources.ENV_PREFIX).build());
    }

    String name() {
        return jvm.name();
    }

    /** Starts (or starts again) the JVM; returns at once, readiness is the caller's to wait for. */
    synchronized ChaosProcess start() {
        jvm.start();
        return this;
    }

    synchronized boolean isAlive() {
        return jvm.isAlive();
    }

    synchronized long pid() {
        return jvm.pid();
    }

    /** SIGKILL, then waits until the process is gone. */
    synchronized void kill() {
        jvm.kill();
    }

    /** SIGSTOP: the process keeps its sockets and memory but answers nothing, as behind a stalled network. */
    synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    /** SIGTERM without waiting (a paused process is resumed first): {@link #close()} then waits. */
    synchronized void signalStop() {
        if (jvm.isAlive() && paused) {
            resume();
        }
        jvm.signalStop();
    }

    private void signal(String signal) {
        long pid = pid();
        LOG.info("SIG{} {} (process {})", signal, name(), pid);
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot signal " + name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while signalling " + name(), e);
        }
    }

    /** Fails, naming the log file, when the process has ended. */
    synchronized void requireAlive() {
        jvm.requireAlive();
    }

    Path logFile() {
        return jvm.logFile();
    }

    /** SIGTERM (the app's shutdown hook closes it; a paused one is resumed first), SIGKILL if it is still there after a while. */
    @Override
    public synchronized void close() {
        signalStop();
        jvm.close();
    }
}
