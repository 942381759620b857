package org.careflow.bench.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Resident set size of a process, now ({@code VmRSS}) and at its highest so far ({@code VmHWM}), and the part of it that
 * is pages of mapped files ({@code RssFile} plus {@code RssShmem}: the JVM's and RocksDB's shared libraries, mostly), in
 * bytes: what the memory scenario measures of the apps it runs in JVMs of their own. A container's memory limit counts
 * all three.
 */
public record ProcessMemory(long rssBytes, long peakBytes, long fileBytes) {

    static final Path PROC = Path.of("/proc");

    /** Whether this OS reports resident memory the way {@link #of(long)} reads it. */
    public static boolean available() {
        return Files.isReadable(PROC.resolve("self").resolve("status"));
    }

    /** The memory of process {@code pid}, from {@code /proc/PID/status}; empty where there is no such file (not Linux). */
    public static Optional<ProcessMemory> of(long pid) {
        Path status = PROC.resolve(String.valueOf(pid)).resolve("status");
        try {
            List<String> lines = Files.readAllLines(status);
            long rss = kilobytes(lines, "VmRSS:");
            long peak = kilobytes(lines, "VmHWM:");
            long files = Math.max(0, kilobytes(lines, "RssFile:")) + Math.max(0, kilobytes(lines, "RssShmem:"));
            return rss < 0 || peak < 0 ? Optional.empty() : Optional.of(new ProcessMemory(rss * 1024, peak * 1024, files * 1024));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The value of a {@code Name:   1234 kB} line, or -1 when there is none. */
    public static long kilobytes(List<String> lines, String field) {
        for (String line : lines) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return -1;
    }

    public double rssMiB() {
        return rssBytes / (1024.0 * 1024);
    }

    public double fileMiB() {
        return fileBytes / (1024.0 * 1024);
    }

    public double peakMiB() {
        return peakBytes / (1024.0 * 1024);
    }
}
