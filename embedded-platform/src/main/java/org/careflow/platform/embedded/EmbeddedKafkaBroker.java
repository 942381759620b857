package org.careflow.platform.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A real single-node Apache Kafka cluster (KRaft, broker and controller in one node) running inside this JVM.
 *
 * <p>It starts the way {@code kafka-storage format} followed by {@code kafka-server-start} does: the data directory
 * is formatted with Kafka's {@link Formatter} (only if it is not formatted yet, so data and cluster id survive
 * restarts) and the node runs as {@link KafkaRaftServer}. Clients connect over PLAINTEXT on 127.0.0.1, or, when the builder
 * is given users ({@link Builder#saslPlainUsers}), over SASL_PLAINTEXT with the PLAIN mechanism on a second port
 * ({@link #saslBootstrapServers()}).
 *
 * <p>In secured mode ({@link Builder#secured}) no listener accepts an anonymous connection: the client listener (also
 * the inter-broker listener, where the broker logs in as its own user) and the KRaft controller listener (which only
 * the broker's own user may use) require SASL PLAIN, and Kafka's {@code StandardAuthorizer} refuses every operation
 * that no ACL allows, except to the super users. {@link #bootstrapServers()} is then the SASL address, and
 * {@link #clientProperties(String)} gives a user's client settings.
 * Without a data directory the broker works in a temporary one that {@link #close()} deletes.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dir).build().start()) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int SINGLE_NODE_ID = 1;
    /** The finalized {@code transaction.version} a new cluster gets (2: KIP-890's transaction protocol). */
    public static final String TRANSACTION_VERSION_FEATURE = "transaction.version";
    public static final short TRANSACTION_VERSION = 2;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String SASL_LISTENER = "SASL";
    private static final String HOST = "127.0.0.1";
    private static final String SECURED_CLIENT_LISTENER = "CLIENT";
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    private final Path configuredDataDirectory;
    private final int requestedBrokerPort;
    private final int requestedControllerPort;
    private final Map<String, String> overrides;
    private final int numPartitions;
    private final Map<String, String> saslUsers;
    private final Security security;
    private final ClusterNode clusterNode;
    private int saslPort;

    private final Lifecycle lifecycle = new Lifecycle("The broker", "build a new one to restart");
    private DataDirectory dataDirectory;
    private KafkaRaftServer server;
    private int brokerPort;
    private int controllerPort;
    private String clusterId;

    private EmbeddedKafkaBroker(Builder builder) {
        this.configuredDataDirectory = builder.dataDirectory;
        this.requestedBrokerPort = builder.brokerPort;
        this.requestedControllerPort = builder.controllerPort;
        this.numPartitions = builder.numPartitions;
        this.overrides = Map.copyOf(builder.overrides);
        this.saslUsers = Map.copyOf(builder.saslUsers);
        this.security = builder.security;
        this.clusterNode = builder.clusterNode;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if needed and starts the node; returns once the broker is unfenced and accepts
     * clients. Can be called once per instance: to restart, build a new instance on the same data directory.
     */
    public synchronized EmbeddedKafkaBroker start() {
        lifecycle.start(this::startNode, e -> new IllegalStateException("Could not start the embedded Kafka broker on data directory "
                + dataDirectory + " (broker port " + brokerPort + ", controller port " + controllerPort + ")", e), this::close);
        LOG.info("Kafka broker started in {} ms at {} (cluster id {}, data directory {})",
                lifecycle.millisSinceStart(), bootstrapServers(), clusterId, dataDirectory.path());
        return this;
    }

    private void startNode() {
        dataDirectory = DataDirectory.prepare(configuredDataDirectory, "careflow-kafka-", "Kafka data directory");
        int[] ports = saslUsers.isEmpty() ? FreePorts.resolve(requestedBrokerPort, requestedControllerPort)
                : FreePorts.resolve(requestedBrokerPort, requestedControllerPort, 0);
        brokerPort = ports[0];
        controllerPort = ports[1];
        saslPort = saslUsers.isEmpty() ? 0 : ports[2];
        clusterId = formatIfNeeded(dataDirectory.path(), nodeId(), clusterNode == null ? null : clusterNode.clusterId());
        server = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties(), false), Time.SYSTEM);
        server.startup();
    }

    /**
     * The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:9092}: PLAINTEXT, or in secured mode the
     * SASL_PLAINTEXT listener, where clients need {@link #clientProperties(String)}.
     */
    public synchronized String bootstrapServers() {
        requireStarted();
        return HOST + ":" + brokerPort;
    }

    /**
     * The {@code bootstrap.servers} of the SASL_PLAINTEXT listener (PLAIN mechanism): with users given to the builder, or
     * in secured mode (where it is {@link #bootstrapServers()}, the only client listener).
     */
    public synchronized String saslBootstrapServers() {
        requireStarted();
        if (security != null) {
            return bootstrapServers();
        }
        if (saslUsers.isEmpty()) {
            throw new IllegalStateException("This broker has no SASL listener: give it users with Builder.saslPlainUsers(...)");
        }
        return HOST + ":" + saslPort;
    }

    /** Whether this broker runs in secured mode ({@link Builder#secured}). */
    public boolean secured() {
        return security != null;
    }

    /**
     * Everything a client of {@code user} needs in secured mode: {@code bootstrap.servers}, {@code security.protocol},
     * {@code sasl.mechanism} and {@code sasl.jaas.config} (which holds the password: never log it).
     */
    public synchronized Map<String, Object> clientProperties(String user) {
        requireStarted();
        if (security == null) {
            throw new IllegalStateException("This broker is not secured: its clients need only bootstrap.servers");
        }
        String password = security.users().get(user);
        if (password == null) {
            throw new IllegalArgumentException("No Kafka user " + user + " on this broker; its users are " + security.users().keySet());
        }
        return Map.of("bootstrap.servers", bootstrapServers(), "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", plainLogin(user, password, Map.of()));
    }

    /** The cluster id, kept in the data directory's {@code meta.properties} and so stable across restarts. */
    public synchronized String clusterId() {
        requireStarted();
        return clusterId;
    }

    /** The directory holding the log segments and the KRaft metadata log. */
    public synchronized Path dataDirectory() {
        requireStarted();
        return dataDirectory.path();
    }

    /**
     * Shuts the node down and waits until it has stopped; deletes the data directory only if it was a temporary
     * one. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        lifecycle.close(server, node -> {
            node.shutdown();
            node.awaitShutdown();
        }, millis -> LOG.info("Kafka broker at {}:{} stopped in {} ms", HOST, brokerPort, millis), this::release);
    }

    private void release() {
        server = null;
        if (dataDirectory != null && dataDirectory.temporary()) {
            Directories.deleteQuietly(dataDirectory.path());
        }
    }

    private void requireStarted() {
        lifecycle.requireStarted();
    }

    private int nodeId() {
        return clusterNode == null ? SINGLE_NODE_ID : clusterNode.nodeId();
    }

    /**
     * Formats like {@code kafka-storage format}, unless an earlier run already did; returns the cluster id (a new random
     * one when {@code wantedClusterId} is null).
     */
    private static String formatIfNeeded(Path directory, int nodeId, String wantedClusterId) {
        String dir = directory.toString();
        try {
            MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                    .addLogDirs(List.of(dir))
                    .addMetadataLogDir(dir)
                    .load();
            if (ensemble.emptyLogDirs().isEmpty()) {
                String existing = ensemble.clusterId().orElseThrow(() -> new IllegalStateException(
                        "Kafka data directory " + dir + " has a meta.properties without a cluster id"));
                LOG.debug("Kafka data directory {} is already formatted for cluster {}", dir, existing);
                return existing;
            }
            String newClusterId = wantedClusterId == null ? Uuid.randomUuid().toString() : wantedClusterId;
            // The Formatter reports on a PrintStream; keep that off stdout and in our log instead.
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            new Formatter()
                    .setPrintStream(new PrintStream(report, true, StandardCharsets.UTF_8))
                    .setNodeId(nodeId)
                    .setClusterId(newClusterId)
                    .setDirectories(List.of(dir))
                    .setMetadataLogDirectory(dir)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    // The transaction protocol of KIP-890 part 2 (epoch bumped per transaction, server-side checks),
                    // which closes the hanging and zombie transaction anomalies reported against exactly-once Kafka.
                    .setFeatureLevel(TRANSACTION_VERSION_FEATURE, TRANSACTION_VERSION)
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
            LOG.debug("Formatted Kafka data directory: {}", report.toString(StandardCharsets.UTF_8).strip());
            LOG.info("Formatted Kafka data directory {} for new cluster {} at metadata version {}",
                    dir, newClusterId, MetadataVersion.latestProduction());
            return newClusterId;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the Kafka data directory " + dir, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the Kafka data directory " + dir, e);
        }
    }

    private Properties brokerProperties() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(nodeId()));
        // Static voters: a single node's controller port may then change between restarts of the same data directory.
        config.put("controller.quorum.voters", clusterNode == null ? SINGLE_NODE_ID + "@" + HOST + ":" + controllerPort
            : clusterNode.quorumVoters());
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        if (security != null) {
            putSecuredListeners(config);
        } else {
            putPlainListeners(config);
        }
        config.put("log.dirs", dataDirectory.path().toString());
        config.put("metadata.log.dir", dataDirectory.path().toString());
        // Fail instead of hanging when the node cannot come up (e.g. a data directory from another node).
        config.put("server.max.startup.time.ms", "60000");

        // One node: every internal topic gets one replica, and topics are created on purpose only.
        config.put("num.partitions", String.valueOf(numPartitions));
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("auto.create.topics.enable", "false");
        config.put("group.initial.rebalance.delay.ms", "0");

        // Laptop sizing: fewer internal partitions start faster, and the cleaner's default 128 MiB buffer is heap we share.
        config.put("offsets.topic.num.partitions", "10");
        config.put("transaction.state.log.num.partitions", "10");
        config.put("share.coordinator.state.topic.num.partitions", "10");
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        config.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        config.put("log.retention.hours", "168");
        config.put("log.retention.bytes", String.valueOf(1024L * 1024 * 1024));
        config.put("log.retention.check.interval.ms", "60000");

        config.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(config);
        return properties;
    }

    /** PLAINTEXT for clients and the controller, plus a SASL listener when the builder was given users. */
    private void putPlainListeners(Map<String, String> config) {
        config.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        config.put("inter.broker.listener.name", BROKER_LISTENER);
        config.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        if (!saslUsers.isEmpty()) {
            // A second listener where clients must log in (PLAIN); the PLAINTEXT one stays for the broker itself and tools.
            config.put("listeners", config.get("listeners") + "," + SASL_LISTENER + "://" + HOST + ":" + saslPort);
            config.put("advertised.listeners", config.get("advertised.listeners") + "," + SASL_LISTENER + "://" + HOST + ":" + saslPort);
            config.put("listener.security.protocol.map", config.get("listener.security.protocol.map") + "," + SASL_LISTENER + ":SASL_PLAINTEXT");
            config.put("listener.name." + SASL_LISTENER.toLowerCase() + ".sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE + " required");
            saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(quoted(password)).append('"'));
            config.put("listener.name." + SASL_LISTENER.toLowerCase() + ".plain.sasl.jaas.config", jaas.append(';').toString());
        }
    }

    /**
     * Secured mode: two SASL_PLAINTEXT listeners and no PLAINTEXT one. The client listener is also the inter-broker
     * listener, where the broker logs in as its own user; the controller listener accepts only that user (only the
     * broker talks to the controller). The authorizer denies whatever no ACL allows, except to the super users.
     */
    private void putSecuredListeners(Map<String, String> config) {
        String client = SECURED_CLIENT_LISTENER;
        config.put("listeners", client + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", client + "://" + HOST + ":" + brokerPort);
        config.put("inter.broker.listener.name", client);
        config.put("listener.security.protocol.map", client + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("sasl.mechanism.controller.protocol", "PLAIN");
        String brokerUser = security.brokerUser();
        String brokerPassword = security.users().get(brokerUser);
        // username/password: the broker's own login (inter-broker, and to the controller); user_*: whom the listener accepts.
        config.put("listener.name." + client.toLowerCase() + ".sasl.enabled.mechanisms", "PLAIN");
        config.put("listener.name." + client.toLowerCase() + ".plain.sasl.jaas.config", plainLogin(brokerUser, brokerPassword, security.users()));
        config.put("listener.name." + CONTROLLER_LISTENER.toLowerCase() + ".sasl.enabled.mechanisms", "PLAIN");
        config.put("listener.name." + CONTROLLER_LISTENER.toLowerCase() + ".plain.sasl.jaas.config",
            plainLogin(brokerUser, brokerPassword, Map.of(brokerUser, brokerPassword)));
        config.put("authorizer.class.name", STANDARD_AUTHORIZER);
        config.put("allow.everyone.if.no.acl.found", "false");
        config.put("super.users", security.superUsers().stream().map(u -> "User:" + u).collect(Collectors.joining(";")));
    }

    /** A PLAIN JAAS line: this side's login, and (on a broker listener) the users it accepts. */
    private static String plainLogin(String user, String password, Map<String, String> accepted) {
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + quoted(password) + '"');
        accepted.forEach((name, secret) -> jaas.append(" user_").append(name).append("=\"").append(quoted(secret)).append('"'));
        return jaas.append(';').toString();
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** One node of a cluster of several: its id, the cluster's id and the static voters every node is given. */
    private record ClusterNode(int nodeId, String clusterId, String quorumVoters) {
    }

    /** Secured mode's logins: the broker's own user, every user's password, and the users no ACL limits. */
    private record Security(String brokerUser, Map<String, String> users, Set<String> superUsers) {
    }

    /** Options of an {@link EmbeddedKafkaBroker}; every one has a default that suits tests. */
    public static final class Builder {

        private Path dataDirectory;
        private int brokerPort;
        private int controllerPort;
        private int numPartitions = 1;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private Security security;
        private ClusterNode clusterNode;

        private Builder() {
        }

        /** Where data is kept; formatted on first use and reused afterwards. Default: a temporary directory deleted on close. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** The client port on 127.0.0.1 (PLAINTEXT, or SASL_PLAINTEXT in secured mode); 0 (the default) picks a free port at start. */
        public Builder brokerPort(int brokerPort) {
            this.brokerPort = FreePorts.checkPort("brokerPort", brokerPort);
            return this;
        }

        /** The KRaft controller port on 127.0.0.1; 0 (the default) picks a free port at start. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = FreePorts.checkPort("controllerPort", controllerPort);
            return this;
        }

        /** {@code num.partitions}, used for topics created without a partition count. Default 1. */
        public Builder numPartitions(int numPartitions) {
            if (numPartitions < 1) {
                throw new IllegalArgumentException("numPartitions must be at least 1, was " + numPartitions);
            }
            this.numPartitions = numPartitions;
            return this;
        }

        /**
         * Adds a SASL_PLAINTEXT listener (mechanism PLAIN) accepting these users and passwords, at
         * {@link EmbeddedKafkaBroker#saslBootstrapServers()}.
         */
        public Builder saslPlainUsers(Map<String, String> users) {
            checkUsers(users);
            saslUsers.putAll(users);
            return this;
        }

        /**
         * Secured mode: every listener requires SASL PLAIN and ACLs decide what each user may do (none at first).
         *
         * @param brokerUser the broker's own user, one of {@code users}: it logs in between broker and controller and
         *     is a super user
         * @param users every user and its password; the broker accepts no one else
         * @param superUsers users (besides {@code brokerUser}) that no ACL limits, such as an operator's
         */
        public Builder secured(String brokerUser, Map<String, String> users, Set<String> superUsers) {
            checkUsers(users);
            if (!users.containsKey(brokerUser)) {
                throw new IllegalArgumentException("The broker's user " + brokerUser + " needs a password among the users");
            }
            superUsers.stream().filter(u -> !users.containsKey(u)).findFirst().ifPresent(u -> {
                throw new IllegalArgumentException("Super user " + u + " is not among the users");
            });
            Set<String> supers = new java.util.TreeSet<>(superUsers);
            supers.add(brokerUser);
            this.security = new Security(brokerUser, Map.copyOf(users), Set.copyOf(supers));
            return this;
        }

        private static void checkUsers(Map<String, String> users) {
            users.forEach((user, password) -> {
                if (!user.matches("[A-Za-z0-9_.-]+")) {
                    throw new IllegalArgumentException("A SASL user name is letters, digits, '_', '.' or '-': " + user);
                }
                Objects.requireNonNull(password, "password");
            });
        }

        /**
         * Makes this node one of a multi-node KRaft cluster (each node combined broker and controller, as here): its
         * {@code node.id}, the cluster id every node is formatted with (a base64 UUID, {@code Uuid.randomUuid()}), and
         * the static {@code controller.quorum.voters} ({@code 1@127.0.0.1:P1,2@127.0.0.1:P2,...}), which must name this
         * node's {@link #controllerPort(int)}. Replication settings for several brokers are the caller's, through
         * {@link #brokerProperty}. Default: a cluster of this one node.
         */
        public Builder clusterNode(int nodeId, String clusterId, String quorumVoters) {
            if (nodeId < 0) {
                throw new IllegalArgumentException("nodeId must not be negative, was " + nodeId);
            }
            this.clusterNode = new ClusterNode(nodeId, Objects.requireNonNull(clusterId, "clusterId"),
                Objects.requireNonNull(quorumVoters, "quorumVoters"));
            return this;
        }

        /** Sets any broker configuration key, overriding this class's defaults (listeners and roles included: take care). */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public EmbeddedKafkaBroker build() {
            if (security != null && !saslUsers.isEmpty()) {
                throw new IllegalStateException("saslPlainUsers adds a SASL listener next to PLAINTEXT; secured mode has only SASL "
                    + "listeners: give its users to secured(...) instead");
            }
            return new EmbeddedKafkaBroker(this);
        }
    }
}
