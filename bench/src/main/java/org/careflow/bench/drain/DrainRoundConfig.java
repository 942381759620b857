package org.careflow.bench.drain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One round of a drain app in its own JVM, as the bench writes it to a properties file and {@link DrainAppMain} reads it:
 * which app, the app's own settings (streams-triage's configuration, or Kafka Streams' properties of a raw app), and
 * for the same-shape app its topics and work shape. A key the reader does not know is refused, naming it.
 *
 * @param app      which app
 * @param round    a number the bench gives each round, echoed in the progress file
 * @param settings {@code app.*} keys without the prefix: streams-triage's settings, or a raw app's Kafka Streams properties
 * @param inputTopic  a raw app's input
 * @param outputTopic the same-shape app's output (null for the others)
 * @param shape       the same-shape app's work shape (null for the others)
 */
public record DrainRoundConfig(DrainApp app, long round, Map<String, String> settings, String inputTopic, String outputTopic, WorkShape shape) {

    static final String APP = "app";
    static final String ROUND = "round";
    static final String SETTING_PREFIX = "app.";
    static final String INPUT_TOPIC = "input.topic";
    static final String OUTPUT_TOPIC = "output.topic";
    static final String SHAPE_PREFIX = "shape.";

    public DrainRoundConfig {
        Objects.requireNonNull(app, "app");
        settings = Map.copyOf(settings);
        if (app == DrainApp.SAME_SHAPE && (shape == null || outputTopic == null)) {
            throw new IllegalArgumentException("The same-shape app needs its work shape and output topic");
        }
        if (app != DrainApp.TRIAGE && inputTopic == null) {
            throw new IllegalArgumentException("A raw app needs its input topic");
        }
    }

    /** As properties, for the file. */
    public Properties toProperties() {
        Properties out = new Properties();
        out.setProperty(APP, app.name());
        out.setProperty(ROUND, String.valueOf(round));
        settings.forEach((k, v) -> out.setProperty(SETTING_PREFIX + k, v));
        if (inputTopic != null) {
            out.setProperty(INPUT_TOPIC, inputTopic);
        }
        if (outputTopic != null) {
            out.setProperty(OUTPUT_TOPIC, outputTopic);
        }
        if (shape != null) {
            shape.describe().forEach((k, v) -> out.setProperty(SHAPE_PREFIX + k, String.valueOf(v)));
        }
        return out;
    }

    /** Reads what {@link #toProperties()} wrote; refuses any other key. */
    public static DrainRoundConfig fromProperties(Properties in) {
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> shape = new TreeMap<>();
        for (String key : in.stringPropertyNames()) {
            if (key.startsWith(SETTING_PREFIX)) {
                settings.put(key.substring(SETTING_PREFIX.length()), in.getProperty(key));
            } else if (key.startsWith(SHAPE_PREFIX)) {
                shape.put(key.substring(SHAPE_PREFIX.length()), in.getProperty(key));
            } else if (!key.equals(APP) && !key.equals(ROUND) && !key.equals(INPUT_TOPIC) && !key.equals(OUTPUT_TOPIC)) {
                throw new IllegalArgumentException("Unknown key in a drain round's configuration: " + key + "; known: " + APP + ", " + ROUND
                    + ", " + INPUT_TOPIC + ", " + OUTPUT_TOPIC + ", " + SETTING_PREFIX + "*, " + SHAPE_PREFIX + "*");
            }
        }
        WorkShape workShape = shape.isEmpty() ? null : new WorkShape(integer(shape, "patientStateBytes"), integer(shape, "assessmentBytes"),
            integer(shape, "repartitionBytes"), integer(shape, "repartitionPartitions"), integer(shape, "facilities"));
        if (!shape.isEmpty()) {
            shape.keySet().removeAll(workShape.describe().keySet());
            if (!shape.isEmpty()) {
                throw new IllegalArgumentException("Unknown work shape keys: " + shape.keySet());
            }
        }
        return new DrainRoundConfig(DrainApp.valueOf(require(in, APP)), Long.parseLong(require(in, ROUND)), settings,
            in.getProperty(INPUT_TOPIC), in.getProperty(OUTPUT_TOPIC), workShape);
    }

    public void write(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            toProperties().store(out, "one drain round, written by the bench");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    public static DrainRoundConfig read(Path file) {
        Properties in = new Properties();
        try (InputStream stream = Files.newInputStream(file)) {
            in.load(stream);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return fromProperties(in);
    }

    private static String require(Properties in, String key) {
        String value = in.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("A drain round's configuration needs " + key);
        }
        return value;
    }

    private static int integer(Map<String, String> shape, String key) {
        String value = shape.get(key);
        if (value == null) {
            throw new IllegalArgumentException("The work shape needs " + SHAPE_PREFIX + key);
        }
        return Integer.parseInt(value);
    }
}
