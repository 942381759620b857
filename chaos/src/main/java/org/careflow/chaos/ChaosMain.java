package org.careflow.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./careflow chaos [--quick] [--scenario NAME] [--out FILE] [--rate R]}: starts the chaos cluster, runs the
 * scenarios, prints the table and writes the JSON report. Exit status 0 when every scenario passed, 1 when one found a
 * loss, a duplicate or a conflict, 2 on a usage error.
 */
public final class ChaosMain {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosMain.class);
    /** Where the careflow script puts the run's directory (logs, data); the report goes next to it by default. */
    static final String OUTPUT_PROPERTY = "careflow.chaos.output";

    private ChaosMain() {
    }

    public static void main(String[] args) {
        Path output = Path.of(System.getProperty(OUTPUT_PROPERTY, "target/chaos"));
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args, output.resolve("chaos-report.json"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path dir;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(output), "run-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a run directory in " + output, e);
        }
        ChaosReport report = ChaosSuite.run(dir, options);
        report.write(options.out());
        LOG.info("\n{}\nReport: {}; logs of every process: {}", report.table(), options.out().toAbsolutePath(), dir.resolve("logs"));
        System.exit(report.passed() ? 0 : 1);
    }
}
