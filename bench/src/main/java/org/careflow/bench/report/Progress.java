package org.careflow.bench.report;

import java.io.Console;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * What the bench tells its user while it runs, on the console logger {@code careflow.console}. On a terminal, the
 * current step is a one-line bar redrawn in place (messages marked {@link #UPDATE}, which the bench's log
 * configuration writes without a line break); elsewhere (CI, a pipe, tests) each step is one line when it ends.
 */
public final class Progress implements AutoCloseable {

    /** Marks in-place redraws of the bar; {@code log4j2-bench.xml} writes them without a line break. */
    public static final Marker UPDATE = MarkerFactory.getMarker("PROGRESS");
    /** {@code inplace} or {@code lines} forces the style; otherwise a terminal gets the bar. */
    public static final String STYLE_PROPERTY = "careflow.bench.progress";

    private static final Logger CONSOLE = LoggerFactory.getLogger("careflow.console");
    private static final int BAR_WIDTH = 28;
    private static final long REDRAW_MS = 200;

    private final boolean inPlace;
    private final ScheduledExecutorService redraw;
    private volatile Task current;
    private int drawnLength;

    private Progress(boolean inPlace) {
        this.inPlace = inPlace;
        if (inPlace) {
            redraw = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "bench-progress");
                thread.setDaemon(true);
                return thread;
            });
            redraw.scheduleAtFixedRate(this::draw, REDRAW_MS, REDRAW_MS, TimeUnit.MILLISECONDS);
        } else {
            redraw = null;
        }
    }

    /** The bar on a terminal, lines elsewhere; {@value #STYLE_PROPERTY} overrides. */
    public static Progress console() {
        String style = System.getProperty(STYLE_PROPERTY, "");
        return new Progress(style.equals("inplace") || (!style.equals("lines") && onTerminal()));
    }

    /** One line per finished step: for tests and logs. */
    public static Progress lines() {
        return new Progress(false);
    }

    /** Starts a step of {@code total} items (records, requests); finish it with {@link Task#finish(String)}. */
    public Task start(String label, long total, String unit) {
        Task task = new Task(label, Math.max(total, 1), unit, false);
        current = task;
        return task;
    }

    /** Starts a step that lasts {@code length}: the bar follows the clock. */
    public Task timed(String label, Duration length) {
        Task task = new Task(label, Math.max(length.toMillis(), 1), "ms", true);
        current = task;
        return task;
    }

    /** A line of its own, e.g. a scenario's heading. */
    public void say(String format, Object... args) {
        synchronized (this) {
            clear();
            CONSOLE.info(format, args);
        }
    }

    @Override
    public void close() {
        if (redraw != null) {
            redraw.shutdownNow();
        }
        synchronized (this) {
            clear();
        }
    }

    private void draw() {
        Task task = current;
        if (task == null || task.finished) {
            return;
        }
        String line = task.render();
        synchronized (this) {
            if (task.finished) {
                return;
            }
            String padded = line.length() < drawnLength ? line + " ".repeat(drawnLength - line.length()) : line;
            drawnLength = line.length();
            CONSOLE.info(UPDATE, "\r{}", padded);
        }
    }

    /** Blanks the bar so that the next line starts clean. Callers hold the lock. */
    private void clear() {
        if (inPlace && drawnLength > 0) {
            CONSOLE.info(UPDATE, "\r{}\r", " ".repeat(drawnLength));
            drawnLength = 0;
        }
    }

    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a Console for pipes too; isTerminal() tells them apart. Compiled for 21, so looked up.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** One step: counts what is done, draws itself, and reports once when finished. */
    public final class Task implements AutoCloseable {

        private final String label;
        private final long total;
        private final String unit;
        private final boolean timed;
        private final long startedNanos = System.nanoTime();
        private final AtomicLong done = new AtomicLong();
        private volatile boolean finished;

        private Task(String label, long total, String unit, boolean timed) {
            this.label = label;
            this.total = total;
            this.unit = unit;
            this.timed = timed;
        }

        public void add(long n) {
            done.addAndGet(n);
        }

        public void set(long n) {
            done.set(n);
        }

        /** Ends the step with one line: its label, {@code summary} and how long it took. */
        public void finish(String summary) {
            if (finished) {
                return;
            }
            finished = true;
            synchronized (Progress.this) {
                clear();
                CONSOLE.info("  {}: {}  ({} s)", label, summary, format1(elapsedNanos() / 1e9));
            }
        }

        /** Ends the step without a line (e.g. it failed and the error says why). */
        @Override
        public void close() {
            if (!finished) {
                finished = true;
                synchronized (Progress.this) {
                    clear();
                }
            }
        }

        private long elapsedNanos() {
            return System.nanoTime() - startedNanos;
        }

        private String render() {
            long elapsedMs = elapsedNanos() / 1_000_000;
            long value = timed ? Math.min(elapsedMs, total) : Math.min(done.get(), total);
            double fraction = (double) value / total;
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
            String count = timed ? "" : String.format(Locale.ROOT, "  %,d/%,d %s", done.get(), total, unit);
            return String.format(Locale.ROOT, "  %s [%s] %3d%%%s  %s s", label, bar, Math.round(fraction * 100), count,
                format1(elapsedMs / 1000.0));
        }
    }

    static String format1(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
