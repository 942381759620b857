package org.careflow.platform.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A pid file for a child process this JVM starts, so that the next start can end the child when this JVM died
 * without stopping it (SIGKILL, an OOM kill): a child outlives a JVM killed alone, and would then hold its ports
 * and files against the next start.
 *
 * <p>The file holds the pid, the process's start instant and its command. A pid is reused by the system once its
 * process is gone, so a leftover is ended only when a live process has that pid <em>and</em> the recorded start
 * instant and command: an unrelated process that inherited the number is left alone.
 */
public final class ProcessRecord {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRecord.class);

    /** Start instants read twice from {@code /proc} may differ by a clock tick; anything closer than this is the same process. */
    private static final Duration SAME_START = Duration.ofSeconds(1);

    private final Path file;

    private ProcessRecord(Path file) {
        this.file = file.toAbsolutePath();
    }

    /** The record kept in {@code file}; nothing is read or written yet. */
    public static ProcessRecord at(Path file) {
        return new ProcessRecord(Objects.requireNonNull(file, "file"));
    }

    public Path file() {
        return file;
    }

    /**
     * Ends the process an earlier run recorded here, with its descendants, if it still runs: asks it to stop (SIGTERM),
     * then kills it after {@code grace}. Deletes the record. Returns whether a live leftover was found.
     */
    public boolean endLeftover(Duration grace) {
        Optional<ProcessHandle> leftover = leftover();
        leftover.ifPresent(process -> {
            LOG.warn("Ending process {} ({}) left running by an earlier run that did not stop it (recorded in {})",
                process.pid(), process.info().command().orElse("?"), file);
            destroyTree(process, grace);
        });
        delete();
        return leftover.isPresent();
    }

    /** The live process this file records, if there is one and it is still the recorded one (not a reused pid). */
    Optional<ProcessHandle> leftover() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties recorded = new Properties();
        try {
            recorded.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            long pid = Long.parseLong(recorded.getProperty("pid", "").strip());
            Instant started = Instant.parse(recorded.getProperty("started", "").strip());
            String command = recorded.getProperty("command", "");
            return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().startInstant()
                    .map(now -> Duration.between(started, now).abs().compareTo(SAME_START) < 0).orElse(false))
                .filter(process -> process.info().command().orElse("").equals(command));
        } catch (IOException | NumberFormatException | DateTimeParseException e) {
            LOG.warn("Ignoring the unreadable process record {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** Records {@code process} (replacing any earlier record), written atomically so a crash leaves the old or the new one. */
    public void write(ProcessHandle process) {
        ProcessHandle.Info info = process.info();
        Properties record = new Properties();
        record.setProperty("pid", Long.toString(process.pid()));
        record.setProperty("started", info.startInstant().orElseThrow(
            () -> new IllegalStateException("The start instant of process " + process.pid() + " cannot be read")).toString());
        record.setProperty("command", info.command().orElse(""));
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            try (Writer out = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
                record.store(out, "A child process of careflow's launcher; the next start ends it if it is still running");
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record process " + process.pid() + " in " + file, e);
        }
    }

    /** Forgets the record: its process stopped. */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete the process record {}: {}", file, e.toString());
        }
    }

    /**
     * Ends {@code root} and every descendant: SIGTERM, then SIGKILL to those still alive after {@code grace}, then waits
     * until they are gone. Returns whether they all are.
     */
    public static boolean destroyTree(ProcessHandle root, Duration grace) {
        // Children first, so none is re-parented and lost when the root goes.
        List<ProcessHandle> handles = Stream.concat(root.descendants(), Stream.of(root)).toList();
        handles.forEach(ProcessHandle::destroy);
        if (awaitExit(handles, grace)) {
            return true;
        }
        LOG.warn("Process {} did not stop within {} s; killing it", root.pid(), grace.toSeconds());
        handles.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (awaitExit(handles, grace)) {
            return true;
        }
        LOG.warn("Process {} is still alive after being killed", root.pid());
        return false;
    }

    private static boolean awaitExit(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle handle : handles) {
            long remaining = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                if (handle.isAlive()) {
                    return false;
                }
            }
        }
        return true;
    }
}
