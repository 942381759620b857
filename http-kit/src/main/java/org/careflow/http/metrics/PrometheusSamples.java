package org.careflow.http.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads samples back from Prometheus text, for tests and tools that check what {@code GET /metrics} serves without a
 * Prometheus server: the sum of every series of a name whose labels include the given ones.
 */
public final class PrometheusSamples {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private PrometheusSamples() {
    }

    /** The sum of the series named {@code name} whose labels include {@code labels}; NaN when there is none. */
    public static double sum(String text, String name, Map<String, String> labels) {
        double[] result = scan(text, name, labels);
        return result[1] == 0 ? Double.NaN : result[0];
    }

    /** How many series are named {@code name} with labels that include {@code labels} (whatever their values, NaN too). */
    public static int count(String text, String name, Map<String, String> labels) {
        return (int) scan(text, name, labels)[1];
    }

    /** Whether any series is named {@code name}. */
    public static boolean has(String text, String name) {
        return count(text, name, Map.of()) > 0;
    }

    private static double[] scan(String text, String name, Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        double sum = 0;
        int found = 0;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.strip());
            if (!sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            if (labelsOf(sample.group(2)).entrySet().containsAll(labels.entrySet())) {
                sum += value(sample.group(3));
                found++;
            }
        }
        return new double[] {sum, found};
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static Map<String, String> labelsOf(String text) {
        Map<String, String> labels = new HashMap<>();
        if (text != null) {
            Matcher label = LABEL.matcher(text);
            while (label.find()) {
                labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return labels;
    }
}
