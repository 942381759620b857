package org.careflow.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The suite's result: one row per scenario, as a table for people and as JSON for machines. */
final class ChaosReport {

    /**
     * One scenario's figures. {@code loadHeld}: share of the load's requests the API acknowledged from the fault to the
     * checks' cutoff; {@code recoverySeconds}: from the fault until a submission acknowledged after it was assessed and
     * everything acknowledged before it was visible, -1 if that never happened within the deadline.
     */
    record Row(String scenario, String description, double loadHeld, long acknowledged, long lost, long duplicated,
               double recoverySeconds, List<String> problems) {
        boolean passed() {
            return lost == 0 && duplicated == 0 && problems.isEmpty() && recoverySeconds >= 0;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final String mode;
    private final Instant started = Instant.now();

    ChaosReport(String mode) {
        this.mode = mode;
    }

    void add(Row row) {
        rows.add(row);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    boolean passed() {
        return !rows.isEmpty() && rows.stream().allMatch(Row::passed);
    }

    String table() {
        StringBuilder out = new StringBuilder();
        String format = "%-40s %9s %12s %6s %10s %12s  %s%n";
        out.append(String.format(Locale.ROOT, format, "scenario", "load held", "acknowledged", "lost", "duplicated", "recovery (s)", "result"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, format, r.scenario(), String.format(Locale.ROOT, "%.0f%%", r.loadHeld() * 100),
                r.acknowledged(), r.lost(), r.duplicated(), r.recoverySeconds() < 0 ? "never" : String.format(Locale.ROOT, "%.1f", r.recoverySeconds()),
                r.passed() ? "ok" : "FAILED"));
            for (String problem : r.problems()) {
                out.append("    ").append(problem).append('\n');
            }
        }
        return out.toString();
    }

    void write(Path file) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", mode);
        json.put("started", started.toString());
        json.put("finished", Instant.now().toString());
        json.put("passed", passed());
        json.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "os", System.getProperty("os.name"),
            "java", Runtime.version().toString()));
        json.put("scenarios", rows);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
