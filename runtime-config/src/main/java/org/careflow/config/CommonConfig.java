package org.careflow.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;

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

    public static final String REGISTRY_CLIENT_ID_CONFIG = "registry.client.id";
    private static final String REGISTRY_CLIENT_ID_DOC = "Client id the app logs in to the schema registry with (sent as HTTP Basic "
        + "with registry.client.secret; the registry exchanges them at its identity provider for a token carrying the client's "
        + "roles: sr-readonly to read schemas, sr-developer to register the app's own state-store schemas). Empty (the default) "
        + "sends no login, for a registry that allows anonymous reads.";

    public static final String REGISTRY_CLIENT_SECRET_CONFIG = "registry.client.secret";
    private static final String REGISTRY_CLIENT_SECRET_DOC = "Secret of registry.client.id; required when it is set. Never logged.";

    public static final String HTTP_HOST_CONFIG = "http.host";
    private static final String HTTP_HOST_DOC = "Interface the HTTP server binds to.";

    public static final String HTTP_PORT_CONFIG = "http.port";
    private static final String HTTP_PORT_DOC = "Port the HTTP server listens on (0 picks a free port).";

    public static final String HTTP_TLS_KEYSTORE_PATH_CONFIG = "http.tls.keystore.path";
    private static final String HTTP_TLS_KEYSTORE_PATH_DOC = "Key store (certificate and private key) the HTTP server presents. "
        + "Empty (the default) serves plain HTTP; set, the port serves HTTPS only (TLSv1.3 and TLSv1.2).";

    public static final String HTTP_TLS_KEYSTORE_TYPE_CONFIG = "http.tls.keystore.type";
    private static final String HTTP_TLS_KEYSTORE_TYPE_DOC = "Type of http.tls.keystore.path: PKCS12 or JKS.";

    public static final String HTTP_TLS_KEYSTORE_PASSWORD_CONFIG = "http.tls.keystore.password";
    private static final String HTTP_TLS_KEYSTORE_PASSWORD_DOC = "Password of http.tls.keystore.path; required when it is set. Never logged.";

    public static final String HTTP_TLS_KEY_PASSWORD_CONFIG = "http.tls.key.password";
    private static final String HTTP_TLS_KEY_PASSWORD_DOC =
        "Password of the private key inside the key store, when it differs from http.tls.keystore.password. Never logged.";

    public static final String HTTP_TLS_TRUSTSTORE_PATH_CONFIG = "http.tls.truststore.path";
    private static final String HTTP_TLS_TRUSTSTORE_PATH_DOC = "Trust store the app uses to call other careflow instances over HTTPS "
        + "(query forwarding). Empty (the default) uses the JVM's default trust store.";

    public static final String HTTP_TLS_TRUSTSTORE_TYPE_CONFIG = "http.tls.truststore.type";
    private static final String HTTP_TLS_TRUSTSTORE_TYPE_DOC = "Type of http.tls.truststore.path: PKCS12 or JKS.";

    public static final String HTTP_TLS_TRUSTSTORE_PASSWORD_CONFIG = "http.tls.truststore.password";
    private static final String HTTP_TLS_TRUSTSTORE_PASSWORD_DOC = "Password of http.tls.truststore.path (may be empty for PKCS12 "
        + "stores holding certificates only). Never logged.";

    public static final String KAFKA_SECURITY_PROTOCOL_CONFIG = "kafka.security.protocol";
    private static final String KAFKA_SECURITY_PROTOCOL_DOC =
        "How every Kafka client of the app talks to the brokers: PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL.";
    public static final List<String> KAFKA_SECURITY_PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    public static final String KAFKA_SASL_MECHANISM_CONFIG = "kafka.sasl.mechanism";
    private static final String KAFKA_SASL_MECHANISM_DOC =
        "SASL mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER. Required when kafka.security.protocol is SASL_*.";
    public static final List<String> KAFKA_SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER");

    public static final String KAFKA_SASL_JAAS_CONFIG = "kafka.sasl.jaas.config";
    private static final String KAFKA_SASL_JAAS_DOC = "JAAS login of the SASL mechanism (Kafka's sasl.jaas.config); never logged. "
        + "Example: org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";";

    public static final String KAFKA_SSL_TRUSTSTORE_LOCATION_CONFIG = "kafka.ssl.truststore.location";
    private static final String KAFKA_SSL_TRUSTSTORE_LOCATION_DOC =
        "Trust store for the brokers' certificates (SSL and SASL_SSL). Empty uses the JVM's default trust store.";

    public static final String KAFKA_SSL_TRUSTSTORE_PASSWORD_CONFIG = "kafka.ssl.truststore.password";
    private static final String KAFKA_SSL_TRUSTSTORE_PASSWORD_DOC = "Password of kafka.ssl.truststore.location. Never logged.";

    public static final String KAFKA_SSL_TRUSTSTORE_TYPE_CONFIG = "kafka.ssl.truststore.type";
    private static final String KAFKA_SSL_TRUSTSTORE_TYPE_DOC = "Type of kafka.ssl.truststore.location (JKS, PKCS12 or PEM); empty keeps Kafka's default.";

    public static final String KAFKA_SSL_KEYSTORE_LOCATION_CONFIG = "kafka.ssl.keystore.location";
    private static final String KAFKA_SSL_KEYSTORE_LOCATION_DOC = "Key store of the client certificate, for brokers that require mutual TLS.";

    public static final String KAFKA_SSL_KEYSTORE_PASSWORD_CONFIG = "kafka.ssl.keystore.password";
    private static final String KAFKA_SSL_KEYSTORE_PASSWORD_DOC = "Password of kafka.ssl.keystore.location. Never logged.";

    public static final String KAFKA_SSL_KEYSTORE_TYPE_CONFIG = "kafka.ssl.keystore.type";
    private static final String KAFKA_SSL_KEYSTORE_TYPE_DOC = "Type of kafka.ssl.keystore.location (JKS, PKCS12 or PEM); empty keeps Kafka's default.";

    public static final String KAFKA_SSL_KEY_PASSWORD_CONFIG = "kafka.ssl.key.password";
    private static final String KAFKA_SSL_KEY_PASSWORD_DOC = "Password of the private key in kafka.ssl.keystore.location, if it has its own. Never logged.";

    public static final String KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG = "kafka.ssl.endpoint.identification.algorithm";
    private static final String KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DOC =
        "https (default) checks that the broker's certificate matches its host name; empty turns that check off (not recommended).";

    public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "shutdown.timeout.ms";
    private static final String SHUTDOWN_TIMEOUT_MS_DOC = "How long each step of a graceful stop (on SIGTERM) may take: the HTTP "
        + "server finishing the requests in flight, Kafka Streams closing and leaving its group, producers flushing. Keep the sum "
        + "of the steps (about three times this value) under the orchestrator's kill grace period (Kubernetes: "
        + "terminationGracePeriodSeconds, 30 s by default; ECS: stopTimeout); raise both together if closing times out.";

    private CommonConfig() {
    }

    /** {@link #SHUTDOWN_TIMEOUT_MS_CONFIG} as a duration. */
    public static java.time.Duration shutdownTimeout(AbstractConfig config) {
        return java.time.Duration.ofMillis(config.getLong(SHUTDOWN_TIMEOUT_MS_CONFIG));
    }

    /** Adds the shared keys to {@code def}, with the app's default HTTP port. */
    public static ConfigDef define(ConfigDef def, int defaultHttpPort) {
        return def
            .define(KAFKA_BOOTSTRAP_SERVERS_CONFIG, Type.LIST, "localhost:9092", ConfigDef.ValidList.anyNonDuplicateValues(false, false),
                Importance.HIGH, KAFKA_BOOTSTRAP_SERVERS_DOC)
            .define(REGISTRY_URL_CONFIG, Type.STRING, "http://localhost:8085/apis/registry/v3", new HttpUrlValidator(),
                Importance.HIGH, REGISTRY_URL_DOC)
            .define(REGISTRY_AUTO_REGISTER_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, REGISTRY_AUTO_REGISTER_DOC)
            .define(REGISTRY_CLIENT_ID_CONFIG, Type.STRING, "", Importance.HIGH, REGISTRY_CLIENT_ID_DOC)
            .define(REGISTRY_CLIENT_SECRET_CONFIG, Type.PASSWORD, "", Importance.HIGH, REGISTRY_CLIENT_SECRET_DOC)
            .define(HTTP_HOST_CONFIG, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.MEDIUM, HTTP_HOST_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, defaultHttpPort, ConfigDef.Range.between(0, 65535), Importance.HIGH, HTTP_PORT_DOC)
            .define(HTTP_TLS_KEYSTORE_PATH_CONFIG, Type.STRING, "", Importance.HIGH, HTTP_TLS_KEYSTORE_PATH_DOC)
            .define(HTTP_TLS_KEYSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"), Importance.LOW,
                HTTP_TLS_KEYSTORE_TYPE_DOC)
            .define(HTTP_TLS_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.HIGH, HTTP_TLS_KEYSTORE_PASSWORD_DOC)
            .define(HTTP_TLS_KEY_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, HTTP_TLS_KEY_PASSWORD_DOC)
            .define(HTTP_TLS_TRUSTSTORE_PATH_CONFIG, Type.STRING, "", Importance.MEDIUM, HTTP_TLS_TRUSTSTORE_PATH_DOC)
            .define(HTTP_TLS_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"), Importance.LOW,
                HTTP_TLS_TRUSTSTORE_TYPE_DOC)
            .define(HTTP_TLS_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, HTTP_TLS_TRUSTSTORE_PASSWORD_DOC)
            .define(KAFKA_SECURITY_PROTOCOL_CONFIG, Type.STRING, "PLAINTEXT", ConfigDef.ValidString.in(KAFKA_SECURITY_PROTOCOLS.toArray(String[]::new)),
                Importance.HIGH, KAFKA_SECURITY_PROTOCOL_DOC)
            .define(KAFKA_SASL_MECHANISM_CONFIG, Type.STRING, "", new OneOfOrEmpty(KAFKA_SASL_MECHANISMS), Importance.HIGH, KAFKA_SASL_MECHANISM_DOC)
            .define(KAFKA_SASL_JAAS_CONFIG, Type.PASSWORD, "", Importance.HIGH, KAFKA_SASL_JAAS_DOC)
            .define(KAFKA_SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM, KAFKA_SSL_TRUSTSTORE_LOCATION_DOC)
            .define(KAFKA_SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, KAFKA_SSL_TRUSTSTORE_PASSWORD_DOC)
            .define(KAFKA_SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "", new OneOfOrEmpty(List.of("JKS", "PKCS12", "PEM")), Importance.LOW,
                KAFKA_SSL_TRUSTSTORE_TYPE_DOC)
            .define(KAFKA_SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM, KAFKA_SSL_KEYSTORE_LOCATION_DOC)
            .define(KAFKA_SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, KAFKA_SSL_KEYSTORE_PASSWORD_DOC)
            .define(KAFKA_SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, "", new OneOfOrEmpty(List.of("JKS", "PKCS12", "PEM")), Importance.LOW,
                KAFKA_SSL_KEYSTORE_TYPE_DOC)
            .define(KAFKA_SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, KAFKA_SSL_KEY_PASSWORD_DOC)
            .define(KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, Type.STRING, "https", new OneOfOrEmpty(List.of("https")),
                Importance.LOW, KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DOC)
            .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, 8_000L, ConfigDef.Range.between(100L, 600_000L), Importance.LOW,
                SHUTDOWN_TIMEOUT_MS_DOC);
    }

    /**
     * The security settings every Kafka client of the app (producers, consumers, admin clients, Kafka Streams) must
     * carry, under Kafka's own names ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}); secrets stay
     * {@link Password}s so Kafka's config logging prints them as {@code [hidden]}. Fails with a ConfigException naming
     * the key to fix when the settings do not fit together.
     */
    public static Map<String, Object> kafkaClientSecurity(AbstractConfig config) {
        String protocol = config.getString(KAFKA_SECURITY_PROTOCOL_CONFIG);
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        if (protocol.startsWith("SASL_")) {
            String mechanism = config.getString(KAFKA_SASL_MECHANISM_CONFIG);
            if (mechanism.isEmpty()) {
                throw new ConfigException(KAFKA_SASL_MECHANISM_CONFIG, mechanism, "set it to one of " + KAFKA_SASL_MECHANISMS
                    + " when " + KAFKA_SECURITY_PROTOCOL_CONFIG + " is " + protocol);
            }
            props.put(SaslConfigs.SASL_MECHANISM, mechanism);
            putIfSet(props, SaslConfigs.SASL_JAAS_CONFIG, config.getPassword(KAFKA_SASL_JAAS_CONFIG));
        }
        if (protocol.endsWith("SSL")) {
            putStore(props, config, KAFKA_SSL_TRUSTSTORE_LOCATION_CONFIG, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
            putIfSet(props, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, config.getPassword(KAFKA_SSL_TRUSTSTORE_PASSWORD_CONFIG));
            putIfSet(props, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, config.getString(KAFKA_SSL_TRUSTSTORE_TYPE_CONFIG));
            putStore(props, config, KAFKA_SSL_KEYSTORE_LOCATION_CONFIG, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
            putIfSet(props, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, config.getPassword(KAFKA_SSL_KEYSTORE_PASSWORD_CONFIG));
            putIfSet(props, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, config.getString(KAFKA_SSL_KEYSTORE_TYPE_CONFIG));
            putIfSet(props, SslConfigs.SSL_KEY_PASSWORD_CONFIG, config.getPassword(KAFKA_SSL_KEY_PASSWORD_CONFIG));
            props.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, config.getString(KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG));
        }
        return props;
    }

    /**
     * The secret the app logs in to the registry with, checked against {@link #REGISTRY_CLIENT_ID_CONFIG}: empty when no
     * client id is set; fails with a ConfigException naming the key to fix when only one of the two is set.
     */
    public static String registryClientSecret(AbstractConfig config) {
        String clientId = config.getString(REGISTRY_CLIENT_ID_CONFIG);
        Password secret = config.getPassword(REGISTRY_CLIENT_SECRET_CONFIG);
        boolean hasSecret = secret != null && !secret.value().isEmpty();
        if (!clientId.isBlank() && !hasSecret) {
            throw new ConfigException(REGISTRY_CLIENT_SECRET_CONFIG, "[hidden]", "set the secret of " + REGISTRY_CLIENT_ID_CONFIG
                + " " + clientId + ", or leave " + REGISTRY_CLIENT_ID_CONFIG + " empty to send no login");
        }
        if (clientId.isBlank() && hasSecret) {
            throw new ConfigException(REGISTRY_CLIENT_ID_CONFIG, clientId, "set the client id that "
                + REGISTRY_CLIENT_SECRET_CONFIG + " belongs to, or leave the secret empty");
        }
        return hasSecret ? secret.value() : "";
    }

    private static void putStore(Map<String, Object> props, AbstractConfig config, String key, String kafkaKey) {
        String location = config.getString(key);
        if (location.isEmpty()) {
            return;
        }
        if (!Files.isReadable(Path.of(location))) {
            throw new ConfigException(key, location, "no readable file there: point it at the store file, or leave it empty");
        }
        props.put(kafkaKey, location);
    }

    private static void putIfSet(Map<String, Object> props, String kafkaKey, String value) {
        if (!value.isEmpty()) {
            props.put(kafkaKey, value);
        }
    }

    private static void putIfSet(Map<String, Object> props, String kafkaKey, Password value) {
        if (value != null && !value.value().isEmpty()) {
            props.put(kafkaKey, value);
        }
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

    /** Accepts the empty string (not set) or one of a fixed list of values. */
    static final class OneOfOrEmpty implements ConfigDef.Validator {
        private final List<String> allowed;

        OneOfOrEmpty(List<String> allowed) {
            this.allowed = List.copyOf(allowed);
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && !value.toString().isEmpty() && !allowed.contains(value.toString())) {
                throw new ConfigException(name, value, "expected one of " + allowed + ", or empty");
            }
        }

        @Override
        public String toString() {
            return "empty or one of " + allowed;
        }
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
