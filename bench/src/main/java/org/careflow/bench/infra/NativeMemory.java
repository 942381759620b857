package org.careflow.bench.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a JVM says it committed, by area, from its Native Memory Tracking summary ({@code jcmd PID VM.native_memory
 * summary}; the JVM must run with {@code -XX:NativeMemoryTracking=summary}). NMT sees the heap, class metadata, thread
 * stacks, compiled code, the garbage collector's own structures and the JVM's own mallocs; it does not see what a
 * native library allocates with malloc, so RocksDB's block cache and memtables are in the RSS and not here.
 *
 * @param committedKiB  committed KiB by NMT category ("Java Heap", "Class", "Thread", "Code", "GC", ...), in NMT's order
 * @param totalCommittedKiB NMT's total committed
 */
public record NativeMemory(Map<String, Long> committedKiB, long totalCommittedKiB) {

    /** JVM option that turns the summary on; it costs a few bytes per malloc. */
    public static final String JVM_OPTION = "-XX:NativeMemoryTracking=summary";

    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB", Pattern.MULTILINE);
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);
    private static final long JCMD_SECONDS = 30;

    public NativeMemory {
        committedKiB = Collections.unmodifiableMap(new LinkedHashMap<>(committedKiB));
    }

    /** Committed KiB of one category; 0 if the summary left it out (NMT omits categories under 1 KiB). */
    public long committed(String category) {
        return committedKiB.getOrDefault(category, 0L);
    }

    /** Reads the summary of a running JVM with the JDK's {@code jcmd}; empty if it cannot be read. */
    public static Optional<NativeMemory> of(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "VM.native_memory", "summary")
                .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(JCMD_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return parse(out);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Parses jcmd's summary; empty if it has no total (NMT off in that JVM, for one). */
    public static Optional<NativeMemory> parse(String summary) {
        Matcher total = TOTAL.matcher(summary);
        if (!total.find()) {
            return Optional.empty();
        }
        Map<String, Long> categories = new LinkedHashMap<>();
        Matcher category = CATEGORY.matcher(summary);
        while (category.find()) {
            categories.put(category.group(1).strip(), Long.parseLong(category.group(3)));
        }
        return Optional.of(new NativeMemory(categories, Long.parseLong(total.group(2))));
    }
}
