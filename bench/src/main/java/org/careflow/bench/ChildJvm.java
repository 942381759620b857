package org.careflow.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.careflow.config.ConfigSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app the bench runs in a JVM of its own, so that its memory can be measured apart from the bench's: the same
 * {@code java} and class path as the bench, the JVM options given, its output in a log file. It never outlives the
 * bench: {@link #close()} stops it (from a {@code finally}), a shutdown hook kills it if the bench is stopped first,
 * and {@link ChildJvmMain} ends it if the bench's process dies without running hooks.
 */
final class ChildJvm implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    /** How long a child may take to close Kafka Streams after SIGTERM before it is killed. */
    static final long GRACEFUL_STOP_SECONDS = 20;
    /** Log configuration of the children (in the bench's resources): their own log goes to their stdout, that is the log file. */
    static final String LOG_CONFIGURATION = "log4j2-bench-app.xml";
    private static final long KILL_WAIT_SECONDS = 10;

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread killOnExit;
    private final long startedNanos;

    private ChildJvm(String name, Process process, Path logFile, Thread killOnExit, long startedNanos) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.killOnExit = killOnExit;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM with {@code jvmOptions}, its stdout and stderr written to
     * {@code logFile} (replaced if it exists). {@code CAREFLOW_*} variables of the bench's environment are not passed on: the app takes its
     * configuration from what the caller gives, not from the shell the bench was started in.
     */
    static ChildJvm start(String name, String mainClass, List<String> jvmOptions, List<String> args, Path logFile) {
        Objects.requireNonNull(name, "name");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlog4j2.configurationFile=" + LOG_CONFIGURATION);
        command.add("-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildJvmMain.class.getName());
        command.add(String.valueOf(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith(ConfigSources.ENV_PREFIX));
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            long started = System.nanoTime();
            Process process = builder.start();
            Thread killOnExit = new Thread(process::destroyForcibly, "bench-kill-" + name);
            Runtime.getRuntime().addShutdownHook(killOnExit);
            LOG.info("Started {} as process {}, logging to {}", name, process.pid(), logFile);
            return new ChildJvm(name, process, logFile, killOnExit, started);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " (" + String.join(" ", command.subList(0, 1)) + ")", e);
        }
    }

    /** JVM options that keep a JDK 23+ child as quiet as the bench (Netty's and RocksDB's native access). */
    static List<String> quietJvmOptions() {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        return options;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    long startedNanos() {
        return startedNanos;
    }

    /** CPU time the child has used so far (all its threads), in seconds; -1 where the OS does not tell. */
    double cpuSeconds() {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
    }

    /** Fails, naming the log file, if the child has ended. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " ended with exit status " + process.exitValue() + " before it was measured; see "
                + logFile.toAbsolutePath());
        }
    }

    /** Resident memory now and at its peak, from {@code /proc/PID/status}; empty where there is no such file (not Linux). */
    Optional<Memory> memory() {
        return Memory.of(process.pid());
    }

    /** Asks the app to stop (SIGTERM) without waiting: {@link #close()} then waits. */
    void signalStop() {
        process.destroy();
    }

    /** Asks the app to stop (its shutdown hook closes Kafka Streams), kills it if it has not after a while, and waits for it. */
    @Override
    public void close() {
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
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // The bench is shutting down: the hook runs anyway and kills what is left.
            }
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /**
     * Resident set size of a process, now ({@code VmRSS}) and at its highest so far ({@code VmHWM}), in bytes.
     */
    record Memory(long rssBytes, long peakBytes) {

        static final Path PROC = Path.of("/proc");

        /** Whether this OS reports resident memory the way {@link #of(long)} reads it. */
        static boolean available() {
            return Files.isReadable(PROC.resolve("self").resolve("status"));
        }

        static Optional<Memory> of(long pid) {
            Path status = PROC.resolve(String.valueOf(pid)).resolve("status");
            try {
                List<String> lines = Files.readAllLines(status);
                long rss = kilobytes(lines, "VmRSS:");
                long peak = kilobytes(lines, "VmHWM:");
                return rss < 0 || peak < 0 ? Optional.empty() : Optional.of(new Memory(rss * 1024, peak * 1024));
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty();
            }
        }

        /** The value of a {@code Name:   1234 kB} line, or -1 when there is none. */
        static long kilobytes(List<String> lines, String field) {
            for (String line : lines) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
            return -1;
        }

        double rssMiB() {
            return rssBytes / (1024.0 * 1024);
        }

        double peakMiB() {
            return peakBytes / (1024.0 * 1024);
        }
    }
}
