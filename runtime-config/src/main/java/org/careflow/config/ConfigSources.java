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
 * then explicit overrides (command line, launcher).
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
     */
    public static Map<String, Object> merge(Set<String> knownKeys, Path file, Map<String, String> env,
                                            Map<String, ?> overrides) {
        Objects.requireNonNull(knownKeys, "knownKeys");
        Map<String, Object> merged = new HashMap<>();
        if (file != null) {
            readProperties(file).forEach((k, v) -> merged.put(k.toString(), v));
        }
        for (String key : knownKeys) {
            String value = env.get(envName(key));
            if (value != null) {
                merged.put(key, value);
            }
        }
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
