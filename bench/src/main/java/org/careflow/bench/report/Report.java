package org.careflow.bench.report;

import org.careflow.bench.BenchSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a run: every scenario's metrics with their rounds, median, min, max, spread and ratio to the ceiling,
 * plus the machine, JVM, versions and settings. Written as {@code report.json} and shown as a Markdown table.
 */
public final class Report {

    /** Bumped when a field of report.json changes meaning. */
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "report.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final BenchSettings settings;
    private final Instant startedAt;
    private final Instant finishedAt;
    private final List<ScenarioResult> results;
    private final double loadAtStart;

    public Report(BenchSettings settings, Instant startedAt, Instant finishedAt, List<ScenarioResult> results) {
        this(settings, startedAt, finishedAt, results, -1);
    }

    /** @param loadAtStart the system load average when the run started, to judge whether the machine was quiet */
    public Report(BenchSettings settings, Instant startedAt, Instant finishedAt, List<ScenarioResult> results, double loadAtStart) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.finishedAt = Objects.requireNonNull(finishedAt, "finishedAt");
        this.results = List.copyOf(results);
        this.loadAtStart = loadAtStart;
    }

    public List<ScenarioResult> results() {
        return results;
    }

    /**
     * The median of {@code metric} divided by the median of the first ceiling metric it names, when both were measured
     * in this run.
     */
    public Optional<Double> ratioToCeiling(Metric metric) {
        return metric.ceilings().isEmpty() ? Optional.empty() : ratio(metric, metric.ceilings().get(0));
    }

    /** The median of {@code metric} divided by the median of {@code ceiling}, when both were measured in this run. */
    public Optional<Double> ratio(Metric metric, Metric.CeilingRef ceiling) {
        return results.stream().filter(r -> r.scenario().equals(ceiling.scenario())).findFirst()
            .flatMap(r -> r.metric(ceiling.metric()))
            .filter(c -> c.median() > 0)
            .map(c -> metric.median() / c.median());
    }

    /**
     * Each comparison of {@code metric} that could be made, as the table shows it: "62% of X (target ≥ 60%: met)", and
     * its upper bound if it has one: "target ≤ 150 ms: met".
     */
    String comparisons(Metric metric) {
        List<String> parts = new ArrayList<>();
        for (Metric.CeilingRef ceiling : metric.ceilings()) {
            ratio(metric, ceiling).ifPresent(r -> parts.add(percent(r) + " of " + ceiling.metric()
                + (ceiling.target() == null ? "" : " (target ≥ " + percent(ceiling.target()) + ": " + (r >= ceiling.target() ? "met" : "missed") + ")")));
        }
        if (metric.atMost() != null) {
            parts.add("target ≤ " + number(metric.atMost()) + " " + metric.unit() + ": " + (metric.atMostMet() ? "met" : "missed"));
        }
        return String.join("; ", parts);
    }

    /** Everything, as a tree for report.json. */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("startedAt", startedAt.toString());
        root.put("finishedAt", finishedAt.toString());
        root.put("seconds", Duration.between(startedAt, finishedAt).toMillis() / 1000.0);
        root.put("machine", MachineInfo.machine(loadAtStart));
        root.put("jvm", MachineInfo.jvm());
        root.put("versions", MachineInfo.versions());
        root.put("settings", settings.describe());
        List<Map<String, Object>> scenarios = new ArrayList<>();
        for (ScenarioResult result : results) {
            Map<String, Object> scenario = new LinkedHashMap<>();
            scenario.put("name", result.scenario());
            scenario.put("description", result.description());
            scenario.put("seconds", result.seconds());
            List<Map<String, Object>> metrics = new ArrayList<>();
            for (Metric metric : result.metrics()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", metric.name());
                m.put("unit", metric.unit());
                m.put("rounds", metric.rounds());
                m.put("median", metric.median());
                m.put("min", metric.min());
                m.put("max", metric.max());
                m.put("spreadPercent", metric.spreadPercent());
                if (!metric.ceilings().isEmpty()) {
                    // The first comparison as in earlier reports; every comparison, with its target, in "comparisons".
                    Metric.CeilingRef first = metric.ceilings().get(0);
                    m.put("ceiling", first.scenario() + "/" + first.metric());
                    m.put("ratioToCeiling", ratioToCeiling(metric).orElse(null));
                    List<Map<String, Object>> comparisons = new ArrayList<>();
                    for (Metric.CeilingRef ceiling : metric.ceilings()) {
                        Map<String, Object> c = new LinkedHashMap<>();
                        c.put("ceiling", ceiling.scenario() + "/" + ceiling.metric());
                        Double ratio = ratio(metric, ceiling).orElse(null);
                        c.put("ratio", ratio);
                        c.put("target", ceiling.target());
                        c.put("met", ratio == null || ceiling.target() == null ? null : ratio >= ceiling.target());
                        comparisons.add(c);
                    }
                    m.put("comparisons", comparisons);
                }
                if (metric.atMost() != null) {
                    m.put("targetAtMost", metric.atMost());
                    m.put("targetAtMostMet", metric.atMostMet());
                }
                metrics.add(m);
            }
            scenario.put("metrics", metrics);
            scenario.put("details", result.details());
            scenarios.add(scenario);
        }
        root.put("scenarios", scenarios);
        return root;
    }

    /** Writes {@value #FILE_NAME} into {@code directory} (created if missing) and returns its path. */
    public Path write(Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(FILE_NAME);
            JSON.writeValue(file.toFile(), toJson());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the benchmark report into " + directory.toAbsolutePath(), e);
        }
    }

    /** One row per metric: median, min-max, spread ((max - min) / median), rounds and ratio to each ceiling (with its target). */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | metric | median | min – max | spread | rounds | vs ceiling |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (ScenarioResult result : results) {
            for (Metric metric : result.metrics()) {
                out.append("| ").append(result.scenario())
                    .append(" | ").append(metric.name())
                    .append(" | ").append(number(metric.median())).append(' ').append(metric.unit())
                    .append(" | ").append(number(metric.min())).append(" – ").append(number(metric.max()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f%%", metric.spreadPercent()))
                    .append(" | ").append(metric.rounds().size())
                    .append(" | ").append(comparisons(metric))
                    .append(" |\n");
            }
        }
        return out.toString();
    }

    /** A ratio as a percentage with two significant digits or more: 0.0123 is 1.2%, 0.000213 is 0.021%. */
    static String percent(double ratio) {
        double p = ratio * 100;
        if (p >= 10) {
            return String.format(Locale.ROOT, "%.0f%%", p);
        }
        if (p >= 1) {
            return String.format(Locale.ROOT, "%.1f%%", p);
        }
        if (p >= 0.1) {
            return String.format(Locale.ROOT, "%.2f%%", p);
        }
        return String.format(Locale.ROOT, "%.3f%%", p);
    }

    /** Large figures with thousands separators, small ones with enough decimals to mean something. */
    static String number(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
