package org.careflow.bench;

import org.careflow.bench.report.Progress;
import org.careflow.bench.report.Report;
import java.nio.file.Path;
import java.util.List;
import org.careflow.topics.RegistryEventSerdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./careflow bench}: starts an embedded stack, runs the chosen scenarios, prints a Markdown table and writes
 * {@code report.json}. Exit code 0 when every scenario ran, 1 when one failed, 2 for a bad command line.
 */
public final class BenchMain {

    static {
        // The bench's console (an in-place progress bar) unless the caller chose a configuration.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-bench.xml");
        }
    }

    private static final Logger CONSOLE = LoggerFactory.getLogger("careflow.console");

    private BenchMain() {
    }

    public static void main(String[] args) {
        BenchSettings settings;
        try {
            settings = BenchOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                CONSOLE.error("careflow bench: {}", e.getMessage());
            }
            CONSOLE.info(BenchOptions.usage());
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        System.exit(run(settings));
    }

    /** Runs the benchmark and reports; returns the exit code. */
    static int run(BenchSettings settings) {
        Progress progress = Progress.console();
        Bench bench = new Bench(settings, progress);
        // Ctrl-C must not leave the registry's process behind.
        Thread stopOnExit = new Thread(bench::stop, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            Report report = bench.run();
            progress.close();
            Path file = report.write(settings.outputDir());
            CONSOLE.info("\n{}", report.markdown());
            CONSOLE.info("Every figure, the machine and the settings: {}", file.toAbsolutePath());
            return 0;
        } catch (Exception e) {
            progress.close();
            CONSOLE.error("careflow bench failed: {}", e.toString(), e);
            return 1;
        } finally {
            RegistryEventSerdes.releaseSharedResources();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException alreadyExiting) {
                // The hook is running or has run: nothing left to undo.
            }
        }
    }
}
