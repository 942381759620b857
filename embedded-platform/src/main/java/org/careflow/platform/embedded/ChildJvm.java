package org.careflow.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java main class run in a JVM of its own, with this JVM's {@code java} and class path, its output in a log file: what
 * the benchmark measures apart from its own memory and what the chaos suite kills, pauses and starts again. It never
 * outlives this process: it runs through {@link ChildJvmMain}, which ends it as soon as this process is gone however
 * that went, a shutdown hook kills it if this JVM stops first, and {@link #close()} stops it (SIGTERM, then SIGKILL).
 * {@link #start()} may be called again after the process ended: the same command, appended to the same log when
 * {@link Builder#appendLog(boolean)} is set.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    /** How long a child may take to stop after SIGTERM (its shutdown hook closes Kafka Streams) before it is killed. */
    public static final long GRACEFUL_STOP_SECONDS = 20;
    private static final long KILL_WAIT_SECONDS = 10;
    private static final long SIGKILL_WAIT_SECONDS = 30;

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final boolean appendLog;
    private final String droppedEnvironmentPrefix;
    private final Map<String, String> environment;
    private Process process;
    private Thread killOnExit;
    private long startedNanos;
    private int starts;

    private ChildJvm(Builder builder) {
        this.name = builder.name;
        this.logFile = Objects.requireNonNull(builder.logFile, "logFile");
        this.appendLog = builder.appendLog;
        this.droppedEnvironmentPrefix = builder.droppedEnvironmentPrefix;
        this.environment = builder.environment;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java").toString());
        command.addAll(builder.jvmOptions);
        if (builder.logConfiguration != null) {
            command.add("-Dlog4j2.configurationFile=" + builder.logConfiguration);
            command.add("-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildJvmMain.class.getName());
        command.add(String.valueOf(ProcessHandle.current().pid()));
        command.add(builder.mainClass);
        command.addAll(builder.args);
        this.command = List.copyOf(command);
    }

    /** A child running {@code mainClass}, named {@code name} in logs and errors; not started until {@link #start()}. */
    public static Builder builder(String name, String mainClass) {
        return new Builder(name, mainClass);
    }

    /** JVM options that keep a JDK 23+ child as quiet as its parent (Netty's and RocksDB's native access). */
    public static List<String> quietJvmOptions() {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        return options;
    }

    /** Starts (or starts again) the JVM; returns at once, readiness is the caller's to wait for. */
    public synchronized ChildJvm start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(appendLog ? ProcessBuilder.Redirect.appendTo(logFile.toFile()) : ProcessBuilder.Redirect.to(logFile.toFile()));
        if (droppedEnvironmentPrefix != null) {
            // The child takes its configuration from what the caller gives, not from the shell this JVM was started in.
            builder.environment().keySet().removeIf(key -> key.startsWith(droppedEnvironmentPrefix));
        }
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            startedNanos = System.nanoTime();
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " (" + command.get(0) + ")", e);
        }
        starts++;
        Process started = process;
        killOnExit = new Thread(started::destroyForcibly, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        LOG.info("Started {} (start {}) as process {}, logging to {}", name, starts, process.pid(), logFile);
        return this;
    }

    public String name() {
        return name;
    }

    public synchronized long pid() {
        requireStarted();
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    /** {@link System#nanoTime()} when the last start began. */
    public synchronized long startedNanos() {
        return startedNanos;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** CPU time the child has used so far (all its threads), in seconds; -1 where the OS does not tell. */
    public synchronized double cpuSeconds() {
        requireStarted();
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
    }

    /** Fails, naming the exit status and the log file, when the child has ended. */
    public synchronized void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " is not running" + (process == null ? "" : " (exit status " + process.exitValue() + ")")
                + "; see " + logFile.toAbsolutePath());
        }
    }

    /**
     * Writes {@code line} and a newline to the child's standard input and flushes it: a way to give commands to a child
     * that stays up across several runs (its standard input is a pipe from this process).
     */
    public synchronized void send(String line) {
        requireAlive();
        try {
            java.io.OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to the standard input of " + name, e);
        }
    }

    /** SIGTERM without waiting: {@link #close()} then waits. */
    public synchronized void signalStop() {
        if (process != null && process.isAlive()) {
            process.destroy();
        }
    }

    /** SIGKILL (no shutdown hook runs), then waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        LOG.info("SIGKILL {} (process {})", name, process.pid());
        process.destroyForcibly();
        try {
            if (!process.waitFor(SIGKILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " outlived SIGKILL by " + SIGKILL_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while killing " + name, e);
        }
        forgetHook();
    }

    /** SIGTERM (the app's shutdown hook closes it), SIGKILL if it is still there after a while, and waits for it. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(GRACEFUL_STOP_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("{} did not stop within {} s of SIGTERM; killing it", name, GRACEFUL_STOP_SECONDS);
                    process.destroyForcibly().waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
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
                // This JVM is shutting down: the hook runs anyway and kills what is left.
            }
            killOnExit = null;
        }
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /** Named settings of a child JVM. */
    public static final class Builder {
        private final String name;
        private final String mainClass;
        private List<String> jvmOptions = List.of();
        private List<String> args = List.of();
        private Path logFile;
        private String logConfiguration;
        private boolean appendLog;
        private String droppedEnvironmentPrefix;
        private Map<String, String> environment = Map.of();

        private Builder(String name, String mainClass) {
            this.name = Objects.requireNonNull(name, "name");
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        }

        /** Options before the main class, e.g. the heap. */
        public Builder jvmOptions(List<String> value) {
            jvmOptions = List.copyOf(value);
            return this;
        }

        /** The main class's own arguments. */
        public Builder args(List<String> value) {
            args = List.copyOf(value);
            return this;
        }

        /** Where stdout and stderr go (required). */
        public Builder logFile(Path value) {
            logFile = value;
            return this;
        }

        /** A Log4j 2 configuration on the class path for the child (its own log to stdout, that is the log file). */
        public Builder logConfiguration(String resource) {
            logConfiguration = resource;
            return this;
        }

        /** Appends each start's output to the log file instead of replacing it. */
        public Builder appendLog(boolean value) {
            appendLog = value;
            return this;
        }

        /** Leaves this JVM's environment variables starting with {@code prefix} out of the child's environment. */
        public Builder withoutEnvironment(String prefix) {
            droppedEnvironmentPrefix = prefix;
            return this;
        }

        /** Environment variables the child gets on top of (or instead of) this JVM's, e.g. the C library's malloc settings. */
        public Builder environment(Map<String, String> value) {
            environment = Map.copyOf(value);
            return this;
        }

        public ChildJvm build() {
            return new ChildJvm(this);
        }
    }
}
