package org.careflow.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/** Renders configuration definitions as one Markdown reference, so documentation never drifts from code. */
public final class ConfigReference {

    private ConfigReference() {
    }

    /** Renders each app's keys, in the order given, as a Markdown section with a table. */
    public static String markdown(Map<String, ConfigDef> definitionsByApp) {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
            .append("Generated from the code by `ConfigReferenceTest`; do not edit by hand.\n")
            .append("Every key can be set in a properties file (`--config FILE`), or as an environment variable: ")
            .append("upper case, dots as underscores, prefixed `CAREFLOW_` (`kafka.bootstrap.servers` is `CAREFLOW_KAFKA_BOOTSTRAP_SERVERS`).\n")
            .append("\nA key the app does not know, in its `--config` file, in a file of `./careflow up --config APP=FILE` or in ")
            .append("settings given by code, stops the app at start-up with an error naming the key, where it came from and the ")
            .append("known key closest to it (`Unknown configuration key 'kafka.bootstrap.server' (did you mean ")
            .append("'kafka.bootstrap.servers'?) in configuration file app.properties`); a key no known one is close to gets no ")
            .append("suggestion. Nothing is handed through to Kafka clients by prefix: every Kafka setting an app takes has a key ")
            .append("below. Environment variables are read only for the app's own keys, since the environment is shared with ")
            .append("other programs and apps, so a misspelt `CAREFLOW_*` variable is not an error: it is not seen at all.\n");
        definitionsByApp.forEach((app, def) -> {
            out.append("\n## ").append(app).append("\n\n")
                .append("| key | type | default | valid values | importance | description |\n")
                .append("|---|---|---|---|---|---|\n");
            List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
                .sorted((a, b) -> a.name.compareTo(b.name))
                .collect(Collectors.toList());
            for (ConfigDef.ConfigKey key : keys) {
                out.append("| `").append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase()).append(" | ")
                    .append(formatDefault(key)).append(" | ")
                    .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                    .append(key.importance.name().toLowerCase()).append(" | ")
                    .append(escape(key.documentation)).append(" |\n");
            }
        });
        return out.toString();
    }

    private static String formatDefault(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value instanceof List<?> list) {
            value = String.join(",", list.stream().map(Objects::toString).toList());
        }
        return value == null || value.toString().isEmpty() ? "\"\"" : "`" + value + "`";
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
