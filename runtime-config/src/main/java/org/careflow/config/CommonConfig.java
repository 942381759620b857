package org.careflow.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Keys every careflow app shares: where Kafka and the schema registry are, and where the app serves HTTP.
 * Apps add their own keys to {@link #define(ConfigDef, int)}'s definition.
 */
public final class CommonConfig {

    public static final String KAFKA_BOOTSTRAP_SERVERS_CONFIG = "kafka.bootstrap.servers";
    private static final String KAFKA_BOOTSTRAP_SERVERS_DOC =
        "Kafka brokers to bootstrap from, as host:port pairs separated by commas.";

    public static final String REGISTRY_URL_CONFIG = "registry.url";
    private static final String REGISTRY_URL_DOC =
        "Apicurio Registry v3 API base URL, e.g. http://localhost:8085/apis/registry/v3.";

    public static final String REGISTRY_AUTO_REGISTER_CONFIG = "registry.auto.register";
    private static final String REGISTRY_AUTO_REGISTER_DOC =
        "Whether serializers register schemas they do not find. Keep false in production, where schemas are registered by release tooling.";

    public static final String HTTP_HOST_CONFIG = "http.host";
    private static final String HTTP_HOST_DOC = "Interface the HTTP server binds to.";

    public static final String HTTP_PORT_CONFIG = "http.port";
    private static final String HTTP_PORT_DOC = "Port the HTTP server listens on (0 picks a free port).";

    private CommonConfig() {
    }

    /** Adds the shared keys to {@code def}, with the app's default HTTP port. */
    public static ConfigDef define(ConfigDef def, int defaultHttpPort) {
        return def
            .define(KAFKA_BOOTSTRAP_SERVERS_CONFIG, Type.LIST, "localhost:9092", ConfigDef.ValidList.anyNonDuplicateValues(false, false),
                Importance.HIGH, KAFKA_BOOTSTRAP_SERVERS_DOC)
            .define(REGISTRY_URL_CONFIG, Type.STRING, "http://localhost:8085/apis/registry/v3", new HttpUrlValidator(),
                Importance.HIGH, REGISTRY_URL_DOC)
            .define(REGISTRY_AUTO_REGISTER_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, REGISTRY_AUTO_REGISTER_DOC)
            .define(HTTP_HOST_CONFIG, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.MEDIUM, HTTP_HOST_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, defaultHttpPort, ConfigDef.Range.between(0, 65535), Importance.HIGH, HTTP_PORT_DOC);
    }

    /**
     * The shared keys for an app that reaches Kafka at {@code bootstrapServers} and the registry at
     * {@code registryUrl}, serving HTTP on {@code httpHost:httpPort}, with schema registration off.
     */
    public static Map<String, Object> connection(String bootstrapServers, String registryUrl, String httpHost, int httpPort) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(KAFKA_BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(REGISTRY_URL_CONFIG, registryUrl);
        settings.put(REGISTRY_AUTO_REGISTER_CONFIG, false);
        settings.put(HTTP_HOST_CONFIG, httpHost);
        settings.put(HTTP_PORT_CONFIG, httpPort);
        return settings;
    }

    /** Accepts absolute http(s) URLs and explains the expected form otherwise. */
    public static final class HttpUrlValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                throw new ConfigException(name, null, "set it to an http:// or https:// URL");
            }
            try {
                URI uri = new URI(value.toString());
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw new ConfigException(name, value, "expected an absolute http:// or https:// URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "not a URL: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "an http(s) URL";
        }
    }
}
