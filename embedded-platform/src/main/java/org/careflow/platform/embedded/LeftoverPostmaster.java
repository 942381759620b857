package org.careflow.platform.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Ends a PostgreSQL server that an earlier, killed run left running on a data directory, found through the
 * directory's own {@code postmaster.pid} (pid, directory, start time): PostgreSQL keeps that file up to date, so it
 * serves as the pid record. Without this, the next start fails ("another server might be running") on a server nobody
 * owns any more.
 */
final class LeftoverPostmaster {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverPostmaster.class);

    private static final String PID_FILE = "postmaster.pid";
    /** {@code postmaster.pid} holds whole seconds; {@code /proc} may round the other way. */
    private static final Duration SAME_START = Duration.ofSeconds(2);

    private LeftoverPostmaster() {
    }

    /**
     * If {@code dataDirectory}'s {@code postmaster.pid} names a live postmaster started when the file says, asks it to
     * stop (SIGTERM: a smart shutdown, quick once the dead run's sessions are gone) and kills it after {@code grace}.
     * Returns whether one was found.
     */
    static boolean endIn(Path dataDirectory, Duration grace) {
        Optional<ProcessHandle> leftover = find(dataDirectory.resolve(PID_FILE));
        leftover.ifPresent(postmaster -> {
            LOG.warn("A PostgreSQL server (pid {}) left running on {} by an earlier run: stopping it first",
                postmaster.pid(), dataDirectory);
            postmaster.destroy();
            if (!await(postmaster, grace)) {
                LOG.warn("PostgreSQL (pid {}) did not stop within {} s; killing it", postmaster.pid(), grace.toSeconds());
                postmaster.destroyForcibly();
                if (!await(postmaster, grace)) {
                    throw new IllegalStateException("PostgreSQL (pid " + postmaster.pid() + ") left running on " + dataDirectory
                        + " by an earlier run does not stop; end it, then start again");
                }
            }
        });
        return leftover.isPresent();
    }

    /** The live postmaster {@code pidFile} describes: same pid, a {@code postgres} executable, the same start time. */
    static Optional<ProcessHandle> find(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 3) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).strip());
            Instant started = Instant.ofEpochSecond(Long.parseLong(lines.get(2).strip()));
            return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(c -> Path.of(c).getFileName().toString())
                    .filter(name -> name.equals("postgres") || name.equals("postmaster")).isPresent())
                .filter(process -> process.info().startInstant()
                    .map(now -> Duration.between(started, now).abs().compareTo(SAME_START) <= 0).orElse(false));
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Ignoring the unreadable {}: {}", pidFile, e.toString());
            return Optional.empty();
        }
    }

    private static boolean await(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        }
    }
}
