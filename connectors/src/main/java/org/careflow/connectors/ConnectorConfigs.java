package org.careflow.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The connector configurations shipped in {@code connectors/config/}: one JSON file per connector,
 * {@code {"name": ..., "config": {...}}}, whose values may use {@code ${VARIABLE}} or {@code ${VARIABLE:-default}}
 * for what differs between deployments (the Mongo URI, the registry URL, database credentials).
 */
public final class ConnectorConfigs {

    /** One connector: its name and its configuration with every variable resolved. */
    public record Connector(String name, Map<String, String> config) {
        public Connector {
            Objects.requireNonNull(name, "name");
            config = Map.copyOf(config);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-([^}]*))?}");

    private ConnectorConfigs() {
    }

    /** Every {@code *.json} in {@code dir}, in file-name order, resolved against {@code variables}. */
    public static List<Connector> load(Path dir, Map<String, String> variables) {
        List<Connector> connectors = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                connectors.add(parse(file, Files.readString(file), variables));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the connector configurations in " + dir, e);
        }
        return connectors;
    }

    static Connector parse(Path file, String text, Map<String, String> variables) throws IOException {
        JsonNode root = JSON.readTree(text);
        if (root == null || !root.hasNonNull("name") || !root.path("config").isObject()) {
            throw new IllegalArgumentException(file + ": a connector file is {\"name\": ..., \"config\": {...}}");
        }
        Map<String, String> config = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.get("config").properties()) {
            config.put(e.getKey(), resolve(file, e.getKey(), e.getValue().asText(), variables));
        }
        return new Connector(root.get("name").asText(), config);
    }

    static String resolve(Path file, String key, String value, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = variables.get(m.group(1));
            if (resolved == null) {
                resolved = m.group(2);
            }
            if (resolved == null) {
                throw new IllegalArgumentException(file.getFileName() + ": " + key + " needs ${" + m.group(1)
                    + "}; set it with --set " + m.group(1) + "=... or the environment variable " + m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
