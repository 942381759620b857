package org.careflow.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small filesystem of its own (tmpfs) under one Kafka node's data directory, so that the disk-full scenario can
 * fill it without touching the machine's disk. Mounting needs root, or {@code sudo} without a password.
 */
final class SmallDisk implements AutoCloseable {

    static final String FILLER = "careflow-chaos-disk-filler";
    private static final Logger LOG = LoggerFactory.getLogger(SmallDisk.class);

    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code megabytes} at {@code mountPoint} (created if missing). */
    static SmallDisk mount(Path mountPoint, int megabytes) {
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create " + mountPoint, e);
        }
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "careflow-chaos", mountPoint.toString()),
            "The disk-full scenario mounts a small tmpfs for one Kafka node: run as root, or with sudo that needs no password");
        LOG.info("Mounted a {} MiB tmpfs at {}", megabytes, mountPoint);
        return new SmallDisk(mountPoint);
    }

    /** Writes a file until the filesystem is full; returns how many bytes it took. */
    long fill() {
        Path filler = mountPoint.resolve(FILLER);
        byte[] chunk = new byte[1 << 20];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException full) {
            LOG.info("Filled {} with {} MiB: {}", mountPoint, written >> 20, full.getMessage());
            return written;
        }
    }

    /** Deletes the filler: the space is back. */
    void free() {
        try {
            Files.deleteIfExists(mountPoint.resolve(FILLER));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot free " + mountPoint, e);
        }
    }

    @Override
    public void close() {
        try {
            run(List.of("umount", mountPoint.toString()), "Cannot unmount the disk-full scenario's tmpfs");
        } catch (IllegalStateException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /** Runs a mount command directly as root, else through {@code sudo -n}. */
    private static void run(List<String> command, String failure) {
        List<String> full = new ArrayList<>();
        if (!isRoot()) {
            full.addAll(List.of("sudo", "-n"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(failure + " (" + String.join(" ", full) + ": " + output + ")");
            }
        } catch (IOException e) {
            throw new IllegalStateException(failure + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(failure, e);
        }
    }

    private static boolean isRoot() {
        try {
            Process id = new ProcessBuilder("id", "-u").start();
            return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0");
        } catch (IOException e) {
            return false;
        }
    }
}
