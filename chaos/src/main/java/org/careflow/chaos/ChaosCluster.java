package org.careflow.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.config.StreamsSettings;
import org.careflow.config.CommonConfig;
import org.careflow.config.StreamsAppConfig;
import org.careflow.dispatch.CloudApiStandIn;
import org.careflow.dispatch.DispatcherApp;
import org.careflow.dispatch.DispatcherConfig;
import org.careflow.events.facilities.Facility;
import org.careflow.ingest.IngestApp;
import org.careflow.ingest.IngestConfig;
import org.careflow.notifications.NotificationsApp;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.platform.embedded.FreePorts;
import org.careflow.platform.embedded.KafkaNodeMain;
import org.careflow.scheduling.SchedulingApp;
import org.careflow.security.AuthSettings;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.TopicProvisioner;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system under test: three KRaft nodes, the Apicurio Registry, the ingest API and two instances each of
 * streams-triage, streams-scheduling, streams-notifications and the notifications dispatcher (which sends to a
 * {@link CloudApiStandIn}),
 * every one a process of its own, and the {@link Sinks} (a Connect worker of its own, PostgreSQL, MongoDB). Runs without Kafka SASL, ACLs or registry and API authentication: the suite is about
 * failures, and security has its own integration tests. It knows how to hurt each part and how to bring it back on
 * the same data and ports.
 */
final class ChaosCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosCluster.class);

    static final String HOST = "127.0.0.1";
    static final int NODES = 3;
    /** The facility every chaos booking and contact belongs to; its reminders fall due {@link #REMINDER_OFFSET} before the slot. */
    static final String CLINIC = "chaos-clinic";
    /** Longer than any fault and its recovery: a reminder delayed by a fault is late, not too late to send. */
    static final Duration REMINDER_OFFSET = Duration.ofSeconds(300);
    static final String APP_SECRET = "chaos-app-secret";
    /** The notifications dispatcher's app name; instance i runs beside streams-notifications-i. */
    static final String DISPATCHER = "notifications-dispatcher";
    static final String PHONE_NUMBER_ID = "100200300";
    static final Duration START_DEADLINE = Duration.ofSeconds(240);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String APP_HEAP = "-Xmx320m";
    private static final String NODE_HEAP = "-Xmx384m";

    /** Replication of the cluster's topics: three replicas, a write needs two in sync, as in production (docker-compose.yml). */
    static final int REPLICAS = 3;
    static final int MIN_IN_SYNC = 2;

    /** What makes three brokers a cluster that survives one: every internal topic replicated, writes acknowledged by two. */
    static final Map<String, String> REPLICATION = Map.of(
        "default.replication.factor", String.valueOf(REPLICAS),
        "min.insync.replicas", String.valueOf(MIN_IN_SYNC),
        "offsets.topic.replication.factor", String.valueOf(REPLICAS),
        "transaction.state.log.replication.factor", String.valueOf(REPLICAS),
        "transaction.state.log.min.isr", String.valueOf(MIN_IN_SYNC),
        "share.coordinator.state.topic.replication.factor", String.valueOf(REPLICAS),
        "share.coordinator.state.topic.min.isr", String.valueOf(MIN_IN_SYNC),
        "unclean.leader.election.enable", "false",
        // A killed node is noticed in seconds, not the 9 s default: recovery times then measure careflow, not the timeout.
        "broker.session.timeout.ms", "6000",
        "broker.heartbeat.interval.ms", "1000");

    /** An app instance: its process and the HTTP port it serves on. */
    record Instance(String app, int index, ChaosProcess process, int port) {
        String name() {
            return app + "-" + index;
        }

        String url() {
            return "http://" + HOST + ":" + port;
        }
    }

    private final Path dir;
    /** The node whose data the disk-full scenario fills, and the size of its filesystem. */
    static final int DISK_FULL_NODE = 3;
    private static final int SMALL_DISK_MEGABYTES = 768;
    private SmallDisk smallDisk;
    private final ChaosOptions options;
    private final List<ChaosProcess> nodes = new ArrayList<>();
    private final int[] clientPorts = new int[NODES];
    private final int[] controllerPorts = new int[NODES];
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int registryPort;
    private int registryManagementPort;
    private EmbeddedRegistry registry;
    private CloudApiStandIn cloudApi;
    private Sinks sinks;
    private Admin admin;
    private String bootstrap;

    private ChaosCluster(Path dir, ChaosOptions options) {
        this.dir = dir;
        this.options = options;
    }

    /** Starts everything and waits until every app is ready; on failure stops what had started. */
    static ChaosCluster start(Path dir, ChaosOptions options) {
        ChaosCluster cluster = new ChaosCluster(dir, options);
        try {
            cluster.run();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void run() {
        int[] ports = FreePorts.reserve(2 * NODES + 2 + 1 + 2 * 4 + 1);
        int next = 0;
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            clientPorts[i] = ports[next++];
            controllerPorts[i] = ports[next++];
            voters.add((i + 1) + "@" + HOST + ":" + controllerPorts[i]);
        }
        registryPort = ports[next++];
        registryManagementPort = ports[next++];
        bootstrap = java.util.Arrays.stream(clientPorts).mapToObj(p -> HOST + ":" + p).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        if (Faults.runsDiskFull(options)) {
            // The disk-full scenario's node keeps its data on a small filesystem of its own, which the scenario fills.
            smallDisk = SmallDisk.mount(dir.resolve("kafka-" + DISK_FULL_NODE), SMALL_DISK_MEGABYTES);
        }
        Map<String, String> nodeProperties = new LinkedHashMap<>(REPLICATION);
        nodeProperties.put("num.partitions", String.valueOf(Topics.DEFAULT_PARTITIONS));
        for (int i = 0; i < NODES; i++) {
            // Every node is broker and controller, with the same static voters and cluster id.
            KafkaNodeMain.Node node = new KafkaNodeMain.Node(i + 1, clusterId, String.join(",", voters), dir.resolve("kafka-" + (i + 1)),
                clientPorts[i], controllerPorts[i], nodeProperties);
            nodes.add(ChaosProcess.of("kafka-" + (i + 1), KafkaNodeMain.class.getName(), List.of(NODE_HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                node.arguments(), dir.resolve("logs/kafka-" + (i + 1) + ".log")).start());
        }
        registry = startRegistry();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
        awaitBrokers(START_DEADLINE);
        TopicProvisioner.createMissing(admin, Topics.all(), (short) REPLICAS);
        new SchemaRegistrar(registry.url()).registerAll(Topics.all());
        registerFacility();
        cloudApi = CloudApiStandIn.start();

        addInstance("ingest-api", 1, IngestApp.class.getName(), ports[next++], ingestSettings());
        for (int i = 1; i <= 2; i++) {
            addInstance("streams-triage", i, TriageApp.class.getName(), ports[next++], streamsSettings("careflow-triage", Map.of()));
            addInstance("streams-scheduling", i, SchedulingApp.class.getName(), ports[next++], streamsSettings("careflow-scheduling", Map.of()));
            addInstance("streams-notifications", i, NotificationsApp.class.getName(), ports[next++],
                streamsSettings("careflow-notifications", notificationSettings()));
            addInstance(DISPATCHER, i, DispatcherApp.class.getName(), ports[next++], dispatcherSettings());
        }
        instances.values().forEach(instance -> instance.process().start());
        instances.values().forEach(instance -> awaitReady(instance, START_DEADLINE));
        sinks = Sinks.start(dir, bootstrap, registry.url(), ports[next++], START_DEADLINE);
        LOG.info("The chaos cluster is up: {} Kafka nodes, the registry, {} app instances, a Connect worker and its sinks", NODES,
            instances.size());
    }

    private EmbeddedRegistry startRegistry() {
        return startRegistry(EmbeddedRegistry.builder());
    }

    /** Starts the registry on its ports and storage; a harness stopped by a signal takes it down too (it is a process of its own). */
    private EmbeddedRegistry startRegistry(EmbeddedRegistry.Builder builder) {
        EmbeddedRegistry started = builder.httpPort(registryPort).managementPort(registryManagementPort)
            .workDirectory(dir.resolve("registry")).h2Storage(dir.resolve("registry/db/registry")).build().start();
        long pid = started.pid();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly),
            "chaos-kill-registry"));
        return started;
    }

    private Map<String, Object> common(int port) {
        Map<String, Object> settings = new LinkedHashMap<>(CommonConfig.connection(bootstrap, registry.url(), HOST, port));
        settings.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
        return settings;
    }

    private Map<String, Object> ingestSettings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(IngestConfig.WHATSAPP_APP_SECRET_CONFIG, APP_SECRET);
        settings.put(IngestConfig.WHATSAPP_VERIFY_TOKEN_CONFIG, "chaos-verify");
        return settings;
    }

    /** The dispatcher's instances share its default group, as the ones inside streams-notifications did. */
    private Map<String, Object> dispatcherSettings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(DispatcherConfig.WHATSAPP_BASE_URL_CONFIG, cloudApi.baseUrl());
        settings.put(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG, "chaos-token");
        settings.put(DispatcherConfig.WHATSAPP_PHONE_NUMBER_ID_CONFIG, PHONE_NUMBER_ID);
        return settings;
    }

    private Map<String, Object> notificationSettings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(NotificationsConfig.REMINDER_OFFSET_OVERRIDES_CONFIG, CLINIC + "=" + REMINDER_OFFSET.toSeconds() + "s");
        settings.put(NotificationsConfig.QUIET_HOURS_CONFIG, "");
        settings.put(NotificationsConfig.PUNCTUATE_INTERVAL_MS_CONFIG, 500L);
        return settings;
    }

    private Map<String, Object> streamsSettings(String applicationId, Map<String, Object> own) {
        return StreamsSettings.builder().applicationId(applicationId).advertisedHost(HOST)
            .replicationFactor(REPLICAS).standbyReplicas(1).overrides(own).appConfig();
    }

    private void addInstance(String app, int index, String mainClass, int port, Map<String, Object> own) {
        String name = app + "-" + index;
        Map<String, Object> settings = common(port);
        settings.putAll(own);
        if (settings.containsKey(StreamsAppConfig.APPLICATION_ID_CONFIG)) {
            settings.put(StreamsAppConfig.STATE_DIR_CONFIG, dir.resolve("state").resolve(name).toString());
        }
        Path config = dir.resolve("config").resolve(name + ".properties");
        Properties file = new Properties();
        settings.forEach((k, v) -> file.setProperty(k, String.valueOf(v)));
        try {
            Files.createDirectories(config.getParent());
            try (OutputStream out = Files.newOutputStream(config)) {
                file.store(out, "written by the chaos suite");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + config, e);
        }
        ChaosProcess process = ChaosProcess.of(name, mainClass, List.of(APP_HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            List.of("--config", config.toString()), dir.resolve("logs").resolve(name + ".log"));
        instances.put(name, new Instance(app, index, process, port));
    }

    /** The facility of every chaos booking, registered as ops would before the ingest API starts. */
    private void registerFacility() {
        RegistryEventSerdes serdes = serdes();
        Map<String, Object> props = new HashMap<>(serdes.clientConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Facility> producer = new KafkaProducer<>(props, new StringSerializer(),
            serdes.valueSerde(Topics.FACILITIES).serializer())) {
            producer.send(new ProducerRecord<>(Topics.FACILITIES.name(), CLINIC, Facility.newBuilder().setEventId("facility-" + CLINIC)
                .setOccurredAt(Instant.now()).setFacilityId(CLINIC).setName("Chaos clinic").setActive(true).setAcceptsSelfTriage(true)
                .build())).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not register the chaos facility", e);
        }
    }

    RegistryEventSerdes serdes() {
        return new RegistryEventSerdes(registry.url(), false);
    }

    String bootstrapServers() {
        return bootstrap;
    }

    Admin admin() {
        return admin;
    }

    Sinks sinks() {
        return sinks;
    }

    CloudApiStandIn cloudApi() {
        return cloudApi;
    }

    Instance instance(String name) {
        Instance instance = instances.get(name);
        if (instance == null) {
            throw new IllegalArgumentException("No instance " + name + "; there are " + instances.keySet());
        }
        return instance;
    }

    Collection<Instance> instances() {
        return instances.values();
    }

    String ingestUrl() {
        return instance("ingest-api-1").url();
    }

    /** Waits until the instance's {@code /health/ready} answers 200, failing early if its process ended. */
    void awaitReady(Instance instance, Duration deadline) {
        Await.until(instance.name() + " to be ready", deadline, () -> {
            instance.process().requireAlive();
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(instance.url() + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Waits until all three brokers are registered and unfenced. */
    void awaitBrokers(Duration deadline) {
        Await.until("all " + NODES + " Kafka nodes to serve", deadline, () -> {
            nodes.forEach(ChaosProcess::requireAlive);
            try {
                Collection<Node> live = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return live.size() == NODES;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Waits until every partition of the catalogue's topics has all its replicas in sync again. */
    void awaitFullIsr(Duration deadline) {
        List<String> names = Topics.all().stream().map(t -> t.name()).toList();
        Await.until("every replica to be in sync", deadline, () -> {
            try {
                return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                    .flatMap(d -> d.partitions().stream()).allMatch(p -> p.isr().size() == NODES && p.leader() != null);
            } catch (ExecutionException | TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** The node id (1-based) leading partition 0 of {@code topic}. */
    int leaderOf(String topic) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topic);
            return d.partitions().get(0).leader().id();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot find the leader of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The node id of the active KRaft controller (the quorum's leader). */
    int activeController() {
        try {
            return admin.describeMetadataQuorum().quorumInfo().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).leaderId();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot describe the metadata quorum", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    ChaosProcess node(int nodeId) {
        return nodes.get(nodeId - 1);
    }

    /** Stops the registry's process (an outage: connections refused) and starts it again later on the same storage and port. */
    void stopRegistry() {
        LOG.info("Registry outage begins");
        registry.close();
    }

    void startRegistry(Duration deadline) {
        registry = startRegistry(EmbeddedRegistry.builder().startupTimeout(deadline));
        LOG.info("Registry back");
    }

    ChaosOptions options() {
        return options;
    }

    Path directory() {
        return dir;
    }

    @Override
    public void close() {
        List<ChaosProcess> apps = instances.values().stream().map(Instance::process).toList();
        // SIGTERM to every app at once, then wait: they close in parallel.
        apps.forEach(ChaosProcess::signalStop);
        apps.forEach(ChaosProcess::close);
        if (sinks != null) {
            sinks.close();
        }
        if (cloudApi != null) {
            cloudApi.close();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        nodes.forEach(ChaosProcess::signalStop);
        nodes.forEach(ChaosProcess::close);
        if (smallDisk != null) {
            smallDisk.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** The small filesystem under node {@value #DISK_FULL_NODE}'s data, when the disk-full scenario runs. */
    SmallDisk smallDisk() {
        if (smallDisk == null) {
            throw new IllegalStateException("No small disk is mounted: the disk-full scenario was not selected at start");
        }
        return smallDisk;
    }
}
