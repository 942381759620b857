package org.careflow.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Gathers raw configuration for an app, lowest precedence first: an optional properties file,
 * environment variables ({@code CAREFLOW_KAFKA_BOOTSTRAP_SERVERS} for {@code kafka.bootstrap.servers}),
 * then explicit overrides (command line, launcher). A key of the file or of the overrides that the app does not know
 * fails here, naming the file ({@link KnownKeys}); the environment is only asked for known keys, since it is shared
 * with other programs and other apps.
 */
public final class ConfigSources {

    /** Prefix of environment variables that carry careflow configuration. */
    public static final String ENV_PREFIX = "CAREFLOW_";

    private ConfigSources() {
    }

    /**
     * Merges the sources for the keys an app knows.
     *
     * @param knownKeys the app's configuration keys; environment variables for other keys are ignored
     * @param file a properties file, or null
     * @param env the environment, usually {@link System#getenv()}
     * @param overrides values that win over everything else
     * @throws org.apache.kafka.common.config.ConfigException when the file or the overrides hold a key not in {@code knownKeys}
     */
    public static Map<String, Object> merge(Set<String> knownKeys, Path file, Map<String, String> env,
                                            Map<String, ?> overrides) {
        Objects.requireNonNull(knownKeys, "knownKeys");
        Map<String, Object> merged = new HashMap<>();
        if (file != null) {
            merged.putAll(readFile(file, knownKeys));
        }
        for (String key : knownKeys) {
            String value = env.get(envName(key));
            if (value != null) {
                merged.put(key, value);
            }
        }
        KnownKeys.requireKnown(knownKeys, overrides.keySet(), "the overrides");
        merged.putAll(overrides);
        return merged;
    }

    /**
     * The configuration of an app's {@code main}: {@code --config FILE} if given, then the process
     * environment. Any other argument is a mistake, reported with the usage.
     */
    public static Map<String, Object> fromCommandLine(String[] args, Set<String> knownKeys) {
        Path file = null;
        if (args.length == 2 && "--config".equals(args[0])) {
            file = Path.of(args[1]);
        } else if (args.length != 0) {
            throw new IllegalArgumentException("usage: [--config FILE]; every key can also be set as a CAREFLOW_* environment variable");
        }
        return merge(knownKeys, file, System.getenv(), Map.of());
    }

    /**
     * The settings of a properties file, whose every key must be one of {@code knownKeys}.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the file, each unknown key and the closest known one
     */
    public static Map<String, Object> readFile(Path file, Set<String> knownKeys) {
        Properties properties = readProperties(file);
        KnownKeys.requireKnown(knownKeys, properties.keySet(), "configuration file " + file);
        Map<String, Object> settings = new HashMap<>();
        properties.forEach((k, v) -> settings.put(k.toString(), v));
        return settings;
    }

    /** The environment variable that sets a key: {@code kafka.bootstrap.servers} is {@code CAREFLOW_KAFKA_BOOTSTRAP_SERVERS}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Properties readProperties(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read configuration file " + file + ": check the path given with --config", e);
        }
    }
}
