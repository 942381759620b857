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
 * for what differs between deployments (the registry URL, database hosts and users).
 *
 * <p>Secrets (database passwords, a Mongo URI with its password) are never values: a configuration names them as
 * {@code ${secret:NAME}}, and this class turns that into a reference to one of the worker's Connect config providers,
 * chosen by the variable {@value #SECRETS_VARIABLE}: {@code env} gives {@code ${env:NAME}} (EnvVarConfigProvider),
 * {@code file:PATH} gives {@code ${file:PATH:NAME}} (FileConfigProvider, a properties file), {@code dir:PATH} gives
 * {@code ${dir:PATH:NAME}} (DirectoryConfigProvider, one file per secret). The worker resolves it when it starts the
 * connector, so neither this tool nor Connect's REST answers ({@code GET /connectors/x/config}) ever hold the secret.
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
    private static final Pattern SECRET = Pattern.compile("\\$\\{secret:([A-Z0-9_]+)}");
    /** The variable saying which worker config provider holds the secrets: {@code env}, {@code file:PATH} or {@code dir:PATH}. */
    public static final String SECRETS_VARIABLE = "CONNECT_CONFIG_PROVIDER";

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
        return secrets(file, key, out.toString(), variables);
    }

    /** Turns each {@code ${secret:NAME}} of {@code value} into the worker's config provider reference for NAME. */
    static String secrets(Path file, String key, String value, Map<String, String> variables) {
        Matcher m = SECRET.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(providerReference(file, key, m.group(1), variables.get(SECRETS_VARIABLE))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String providerReference(Path file, String key, String name, String spec) {
        String how = spec == null ? "" : spec.strip();
        if ("env".equals(how)) {
            return "${env:" + name + "}";
        }
        if ((how.startsWith("file:") || how.startsWith("dir:")) && how.indexOf(':') + 1 < how.length()) {
            String provider = how.substring(0, how.indexOf(':'));
            String path = how.substring(how.indexOf(':') + 1);
            if (path.contains(":") || path.contains("}")) {
                throw new IllegalArgumentException(SECRETS_VARIABLE + ": the path may not hold ':' or '}', got " + path);
            }
            return "${" + provider + ":" + path + ":" + name + "}";
        }
        throw new IllegalArgumentException(file.getFileName() + ": " + key + " needs the secret " + name + ", and " + SECRETS_VARIABLE
            + (how.isEmpty() ? " is not set" : " is '" + how + "'") + ": set it to env, file:PATH or dir:PATH, the config provider"
            + " of the Connect workers that holds " + name + " (see connectors/README.md)");
    }
}
