package org.careflow.bench.scenarios;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.careflow.bench.drain.DrainAppMain;
import org.careflow.bench.drain.DrainRoundConfig;
import org.careflow.bench.drain.ProgressFile;
import org.careflow.config.ConfigSources;
import org.careflow.platform.embedded.ChildJvm;

/**
 * The bench's side of a drain app's JVM ({@link DrainAppMain}): starts it once, starts and stops its rounds, reads its
 * progress. It dies with the bench, as every {@link ChildJvm}.
 */
final class DrainAppJvm implements AutoCloseable {

    /** Each drain app's heap: what the bench's JVM gave the in-process apps, and more than streams-triage needs here. */
    static final String HEAP = "-Xmx1g";
    /**
     * Environment variable with JVM options added to every drain app's JVM and the memory scenario's apps, e.g. a profiler:
     * {@code -XX:StartFlightRecording=filename=app-%p.jfr,settings=profile} (JFR puts each JVM's pid for {@code %p}).
     */
    static final String APP_JVM_OPTS = "CAREFLOW_BENCH_APP_JVM_OPTS";
    private static final String LOG_CONFIGURATION = "log4j2-bench-app.xml";
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);
    private static final long POLL_NANOS = 1_000_000;

    private final ChildJvm jvm;
    private final ProgressFile progress;
    private final Path directory;
    private long round;

    private DrainAppJvm(ChildJvm jvm, ProgressFile progress, Path directory) {
        this.jvm = jvm;
        this.progress = progress;
        this.directory = directory;
    }

    /**
     * Starts the JVM of {@code name}, its round files and progress file in {@code directory}, its log {@code logFile}; with
     * {@code c1Only} it compiles with C1 only (the smoke test's short-lived runs).
     */
    static DrainAppJvm start(String name, Path directory, Path logFile, boolean c1Only) {
        Path progressFile = directory.resolve("progress");
        ProgressFile progress = ProgressFile.map(progressFile);
        List<String> options = new ArrayList<>(List.of(HEAP));
        options.addAll(ChildJvm.quietJvmOptions());
        if (c1Only) {
            options.add("-XX:TieredStopAtLevel=1");
        }
        options.addAll(extraOptions(System.getenv(APP_JVM_OPTS)));
        ChildJvm jvm = ChildJvm.builder(name, DrainAppMain.class.getName()).jvmOptions(options).args(List.of(progressFile.toString()))
            .logFile(logFile).logConfiguration(LOG_CONFIGURATION).withoutEnvironment(ConfigSources.ENV_PREFIX).build().start();
        return new DrainAppJvm(jvm, progress, directory);
    }

    /** The options in {@code value} (separated by white space), none when it is null or blank. */
    static List<String> extraOptions(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    /** Starts a round and waits until its app is RUNNING; returns {@link System#nanoTime()} of that moment (the app's clock). */
    long startRound(java.util.function.LongFunction<DrainRoundConfig> config, Duration deadline) {
        round++;
        DrainRoundConfig round = config.apply(this.round);
        Path file = directory.resolve("round-" + this.round + ".properties");
        round.write(file);
        jvm.send("start " + file);
        long end = System.nanoTime() + deadline.toNanos();
        while (!(progress.round() == this.round && progress.state() == ProgressFile.State.RUNNING)) {
            requireAlive();
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException(jvm.name() + " was not running after " + deadline.toSeconds() + " s; see " + jvm.logFile());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return progress.runningNanos();
    }

    /** Rounds started in this JVM so far: after a few, its JIT is warm. */
    long rounds() {
        return round;
    }

    /** Records the app has counted itself (the aggregate's). */
    long count() {
        return progress.count();
    }

    /** Fails, naming the log, if the JVM ended or its round failed. */
    void requireAlive() {
        jvm.requireAlive();
        if (progress.round() == round && progress.state() == ProgressFile.State.FAILED) {
            throw new IllegalStateException(jvm.name() + "'s round " + round + " failed; see " + jvm.logFile().toAbsolutePath());
        }
    }

    /** Closes the round's app and waits until it is closed. */
    void stopRound() {
        if (!jvm.isAlive()) {
            return;
        }
        jvm.send("stop");
        long end = System.nanoTime() + STOP_DEADLINE.toNanos();
        while (progress.state() != ProgressFile.State.STOPPED && jvm.isAlive()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException(jvm.name() + " did not stop its round within " + STOP_DEADLINE.toSeconds() + " s; see "
                    + jvm.logFile());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    ProcessHandle process() {
        return ProcessHandle.of(jvm.pid()).orElseThrow(() -> new IllegalStateException(jvm.name() + " is gone"));
    }

    Path logFile() {
        return jvm.logFile();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
