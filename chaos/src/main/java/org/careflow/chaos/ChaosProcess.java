package org.careflow.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.careflow.bench.ChildJvmMain;
import org.careflow.config.ConfigSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM of the chaos cluster (a broker node or an app instance), started from this module's class path so that a
 * fault is a real signal to a real process: {@link #kill()} is SIGKILL (no shutdown hook runs), {@link #pause()} and
 * {@link #resume()} are SIGSTOP and SIGCONT (a network stall as the rest of the cluster sees it). It runs through the
 * bench's {@link ChildJvmMain}, which ends it when the harness's process is gone, however that went. {@link #start()}
 * may be called again after a kill: the same command, the same data, the same ports.
 */
final class ChaosProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosProcess.class);
    private static final String LOG_CONFIGURATION = "log4j2-chaos-child.xml";
    private static final long GRACEFUL_STOP_SECONDS = 20;

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private Process process;
    private Thread killOnExit;
    private int starts;
    private boolean paused;

    private ChaosProcess(String name, List<String> command, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logFile = logFile;
    }

    /** A process for {@code mainClass} with {@code args}, not started yet; its output goes to {@code logFile} (appended per start). */
    static ChaosProcess of(String name, String mainClass, List<String> jvmOptions, List<String> args, Path logFile) {
        Objects.requireNonNull(name, "name");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-Dlog4j2.configurationFile=" + LOG_CONFIGURATION);
        command.add("-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildJvmMain.class.getName());
        command.add(String.valueOf(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        return new ChaosProcess(name, command, logFile);
    }

    String name() {
        return name;
    }

    /** Starts (or starts again) the JVM; returns at once, readiness is the caller's to wait for. */
    synchronized ChaosProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // The app's configuration is what the harness gives, never the shell's CAREFLOW_* variables.
        builder.environment().keySet().removeIf(key -> key.startsWith(ConfigSources.ENV_PREFIX));
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        starts++;
        Process started = process;
        killOnExit = new Thread(started::destroyForcibly, "chaos-kill-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        LOG.info("Started {} (start {}) as process {}", name, starts, process.pid());
        return this;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process.pid();
    }

    /** SIGKILL, then waits until the process is gone. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        LOG.info("SIGKILL {} (process {})", name, process.pid());
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " outlived SIGKILL by 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while killing " + name, e);
        }
        forgetHook();
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
        if (process != null && process.isAlive()) {
            if (paused) {
                resume();
            }
            process.destroy();
        }
    }

    private void signal(String signal) {
        long pid = pid();
        LOG.info("SIG{} {} (process {})", signal, name, pid);
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while signalling " + name, e);
        }
    }

    /** Fails, naming the log file, when the process has ended. */
    synchronized void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " is not running" + (process == null ? "" : " (exit status " + process.exitValue() + ")")
                + "; see " + logFile.toAbsolutePath());
        }
    }

    Path logFile() {
        return logFile;
    }

    /** SIGTERM (the app's shutdown hook closes it), SIGKILL if it is still there after a while. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                signalStop();
                if (!process.waitFor(GRACEFUL_STOP_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            forgetHook();
        }
    }

    private void forgetHook() {
        if (killOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // Shutting down: the hook runs anyway.
            }
            killOnExit = null;
        }
    }
}
