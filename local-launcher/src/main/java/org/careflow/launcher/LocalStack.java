package org.careflow.launcher;

import org.careflow.query.StreamsHttpApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.CommonConfig;
import org.careflow.config.ConfigSources;
import org.careflow.config.StreamsAppConfig;
import org.careflow.config.StreamsSettings;
import org.careflow.connectors.BiMigration;
import org.careflow.connectors.ConnectorConfigs;
import org.careflow.connectors.ConnectorsApply;
import org.careflow.ingest.IngestApp;
import org.careflow.ingest.IngestConfig;
import org.careflow.masterdata.MasterDataApp;
import org.careflow.masterdata.MasterDataConfig;
import org.careflow.masterdata.topology.MasterDataTopology;
import org.careflow.dispatch.DispatcherApp;
import org.careflow.dispatch.DispatcherConfig;
import org.careflow.notifications.NotificationsApp;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.notifications.topology.NotificationsTopology;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.Directories;
import org.careflow.platform.embedded.EmbeddedConnect;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedMongo;
import org.careflow.platform.embedded.EmbeddedOidcIssuer;
import org.careflow.platform.embedded.EmbeddedPostgres;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.scheduling.SchedulingApp;
import org.careflow.security.SecretFile;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.Topic;
import org.careflow.topics.TopicLayout;
import org.careflow.topics.TopicProvisioner;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.topology.TriageTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole careflow system in one JVM plus the registry's process: a KRaft broker, the Apicurio Registry
 * (H2 file storage, so schema ids survive restarts), the catalogue's topics and schemas, the ingest API,
 * streams-triage, streams-scheduling, streams-notifications, streams-masterdata and, when it has WhatsApp credentials, the
 * notifications dispatcher, each app in-process as its own app with its own Kafka user. Everything lives under one data directory; closing stops it
 * all, newest first. Each app's other settings come from {@code CAREFLOW_*} environment variables, then from
 * {@link StackOptions#settings()}; the launcher's connection settings (Kafka, registry, ports, state directory) win.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /** App names for {@link StackOptions#withSettings}. */
    public static final String INGEST = "ingest-api";
    public static final String TRIAGE = "streams-triage";
    public static final String SCHEDULING = "streams-scheduling";
    public static final String NOTIFICATIONS = "streams-notifications";
    public static final String MASTERDATA = "streams-masterdata";
    public static final String DISPATCHER = "notifications-dispatcher";

    /** Where the connectors' configurations and SQL live; the careflow script and the build set it. */
    public static final String CONNECTORS_HOME_PROPERTY = "careflow.connectors.home";
    static final String SINK_DATABASE = "careflow";
    static final String MASTERDATA_DATABASE = "masterdata";
    static final String MONGO_DATABASE = "careflow";
    /** The folder of the data directory holding the Connect worker's REST users and its connectors' secrets. */
    public static final String CONNECT_DIRECTORY = "connect";
    /** The Kafka super user for operators and tests; its client settings are {@link #kafkaClientProperties()}. */
    public static final String KAFKA_OPS_USER = KafkaLogins.OPS;
    /** The Connect worker's group; it names the worker's internal topics too. */
    private static final String CONNECT_GROUP = "careflow-connect";
    /** The Connect REST API's user; its password is made once per data directory ({@code connect/rest-password}). */
    public static final String CONNECT_REST_USER = "careflow-connect-admin";
    /** The folder of the data directory recording the pids of the launcher's child processes. */
    static final String PIDS_DIRECTORY = "pids";
    /**
     * How long a streams app may take from start to RUNNING before the stack gives up on it. After a crash an app waits
     * for its killed predecessor's group membership to expire (the 45 s session timeout) and rebuilds the stores that
     * exactly-once cannot trust without a checkpoint, which on a busy laptop takes minutes; an app that stops instead
     * fails the start at once (see {@link #requireRunning}).
     */
    private static final Duration STREAMS_START_DEADLINE = Duration.ofSeconds(300);
    /** How many views connectors/sql/bi creates once every sink table exists. */
    private static final int BI_VIEWS = 4;

    /** Topologies built only to read their topics for ACLs: no registry, nothing started. */
    private static final EventSerdes TOPOLOGY_SERDES = new PlainAvroEventSerdes();
    private static final org.careflow.masterdata.cdc.CdcSerdes TOPOLOGY_CDC_SERDES = new UnusedCdcSerdes();

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private EmbeddedKafkaBroker broker;
    private EmbeddedRegistry registry;
    private IngestApp ingest;
    private StreamsHttpApp triage;
    private StreamsHttpApp scheduling;
    private StreamsHttpApp notifications;
    private DispatcherApp dispatcher;
    private Map<String, Object> lastDispatcherProps;
    /** The host the apps serve on, for their URLs. */
    private String host;
    private Map<String, Object> lastNotificationsProps;
    private StreamsHttpApp masterdata;
    private EmbeddedPostgres postgres;
    private EmbeddedMongo mongo;
    private EmbeddedConnect connect;
    private Map<String, String> connectorVariables;
    private LocalAuth auth;
    private LocalRegistryAuth registryAuth;
    private String connectRestPassword;
    private SinkDatabaseRoles.Logins sinkLogins;
    private KafkaLogins kafkaLogins;

    /** Guarded by {@link #started}: once true, nothing more starts. */
    private boolean closed;

    private LocalStack() {
    }

    /** Starts everything; on failure stops what had started and rethrows. */
    public static LocalStack start(StackOptions options) {
        LocalStack stack = create();
        stack.startAll(options);
        return stack;
    }

    /**
     * A stack with nothing started yet, for a caller that must be able to {@link #close()} it from another thread (a
     * shutdown hook) while {@link #startAll(StackOptions)} runs.
     */
    static LocalStack create() {
        return new LocalStack();
    }

    /**
     * Starts everything; on failure stops what had started and rethrows, so a part that cannot start never leaves a
     * half-started stack. A {@link #close()} from another thread meanwhile stops what runs and makes this fail.
     */
    void startAll(StackOptions options) {
        try {
            run(options);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void run(StackOptions options) {
        // A misspelt setting fails before anything starts, not after a minute of start-up (or never, left at its default).
        StackSettings.requireKnown(options);
        Path data = options.dataDir().toAbsolutePath();
        host = options.host();
        if (options.fresh()) {
            Directories.delete(data);
        }
        auth = LocalAuth.loadOrCreate(data);
        registryAuth = LocalRegistryAuth.loadOrCreate(data);
        // No anonymous client: every app, the Connect worker and the operator log in (SASL PLAIN) as their own user, and
        // ACLs (KafkaAcls) decide what each may touch.
        kafkaLogins = KafkaLogins.loadOrCreate(data.resolve(SinkDatabaseRoles.DIRECTORY));
        broker = started(EmbeddedKafkaBroker.builder()
            .dataDirectory(data.resolve("kafka"))
            .brokerPort(options.kafkaPort())
            .controllerPort(options.kafkaControllerPort())
            .numPartitions(Topics.DEFAULT_PARTITIONS)
            .secured(KafkaLogins.BROKER, kafkaLogins.passwords(), Set.of(KafkaLogins.OPS))
            .build().start());
        Path opsProperties = kafkaLogins.writeOpsProperties();
        // One partition layout (topic.partitions) for topic creation and every streams app, which size repartition topics from it.
        TopicLayout layout = topicLayout(settings(options, auth, TRIAGE, TriageConfig.CONFIG.names(), Map.of()));
        String layoutSetting = String.join(",", layout.toEntries());
        try (Admin admin = Admin.create(kafkaClientProperties())) {
            // A killed run's producers died mid-transaction; nothing of it is alive, so what they left open is aborted.
            LeftoverTransactions.abortAll(admin);
            TopicProvisioner.createMissing(admin, layout.apply(Topics.all()), (short) 1);
            TopicProvisioner.createMissing(admin, Topics.masterDataOwned(), (short) 1);
            // The change topics exist before streams-masterdata starts; the Debezium source then finds them.
            TopicProvisioner.createMissing(admin, Topics.masterDataChanges(), (short) 1);
        }
        EmbeddedOidcIssuer registryIssuer = started(registryAuth.startIssuer());
        registry = started(EmbeddedRegistry.builder().authentication(registryIssuer)
            .httpPort(options.registryPort())
            .managementPort(options.registryManagementPort())
            .workDirectory(data.resolve("registry"))
            // A launcher killed alone leaves its registry child running: the next start ends it by this record.
            .pidFile(data.resolve(PIDS_DIRECTORY).resolve("registry.pid"))
            .h2Storage(data.resolve("registry/db/registry"))
            .build().start());
        new SchemaRegistrar(registry.url(), registryAuth.login(LocalRegistryAuth.REGISTRAR_CLIENT)).registerAll(Topics.all());

        // What every streams app is given over its user settings: where others reach it, its state, the partition layout.
        Map<String, Object> streamsApp = StreamsSettings.builder().advertisedHost(options.host()).stateDir(data.resolve("streams"))
            .override(StreamsAppConfig.TOPIC_PARTITIONS_CONFIG, layoutSetting).appConfig();
        Map<String, Object> triageProps = settings(options, auth, TRIAGE, TriageConfig.CONFIG.names(),
            appConnection(TRIAGE, options.host(), options.triagePort()));
        triageProps.putAll(streamsApp);
        TriageConfig triageConfig = new TriageConfig(triageProps);
        grant(TRIAGE, KafkaAcls.streamsApp(TRIAGE, triageConfig.streamsProperties(0), TriageTopology.build(triageConfig, TOPOLOGY_SERDES), List.of()));
        triage = started(TriageApp.start(triageConfig));

        Map<String, Object> schedulingProps = settings(options, auth, SCHEDULING, SchedulingConfig.CONFIG.names(),
            appConnection(SCHEDULING, options.host(), options.schedulingPort()));
        schedulingProps.putAll(streamsApp);
        SchedulingConfig schedulingConfig = new SchedulingConfig(schedulingProps);
        grant(SCHEDULING, KafkaAcls.streamsApp(SCHEDULING, schedulingConfig.streamsProperties(0),
            SchedulingTopology.build(schedulingConfig, TOPOLOGY_SERDES), List.of()));
        scheduling = started(SchedulingApp.start(schedulingConfig));

        // After streams-scheduling, whose address FHIR $book reads decisions from.
        Map<String, Object> ingestProps = settings(options, auth, INGEST, IngestConfig.CONFIG.names(),
            appConnection(INGEST, options.host(), options.ingestPort()));
        ingestProps.putIfAbsent(IngestConfig.FHIR_SCHEDULING_URL_CONFIG, "http://" + options.host() + ":" + scheduling.port());
        grant(INGEST, KafkaAcls.ingest(INGEST));
        ingest = started(IngestApp.start(new IngestConfig(ingestProps)));

        Map<String, Object> notificationsProps = settings(options, auth, NOTIFICATIONS, NotificationsConfig.CONFIG.names(),
            appConnection(NOTIFICATIONS, options.host(), options.notificationsPort()));
        notificationsProps.putAll(streamsApp);
        lastNotificationsProps = notificationsProps;
        NotificationsConfig notificationsConfig = new NotificationsConfig(notificationsProps);
        grant(NOTIFICATIONS, KafkaAcls.streamsApp(NOTIFICATIONS, notificationsConfig.streamsProperties(0),
            NotificationsTopology.build(notificationsConfig, TOPOLOGY_SERDES), List.of()));
        notifications = started(NotificationsApp.start(notificationsConfig));
        startDispatcher(options);

        Map<String, Object> masterdataProps = settings(options, auth, MASTERDATA, MasterDataConfig.CONFIG.names(),
            appConnection(MASTERDATA, options.host(), options.masterdataPort()));
        masterdataProps.putAll(streamsApp);
        MasterDataConfig masterdataConfig = new MasterDataConfig(masterdataProps);
        grant(MASTERDATA, KafkaAcls.streamsApp(MASTERDATA, masterdataConfig.streamsProperties(0),
            MasterDataTopology.build(masterdataConfig, TOPOLOGY_SERDES, TOPOLOGY_CDC_SERDES), List.of()));
        masterdata = started(MasterDataApp.start(masterdataConfig));
        requireRunning(Map.of(TRIAGE, triage.streams(), SCHEDULING, scheduling.streams(), NOTIFICATIONS, notifications.streams(),
            MASTERDATA, masterdata.streams()));

        startConnectors(options, data);

        urls.put("ingest API", "http://" + options.host() + ":" + ingest.port());
        urls.put("streams-triage", "http://" + options.host() + ":" + triage.port());
        urls.put("streams-scheduling", "http://" + options.host() + ":" + scheduling.port());
        urls.put("streams-notifications", "http://" + options.host() + ":" + notifications.port());
        urls.put("notifications dispatcher", dispatcher == null
            ? "not started (no " + ConfigSources.envName(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG) + "): reminders are planned, not sent"
            : "http://" + options.host() + ":" + dispatcher.port() + " (health and metrics)");
        urls.put("streams-masterdata", "http://" + options.host() + ":" + masterdata.port());
        urls.put("Kafka Connect", connect.url() + " user " + CONNECT_REST_USER + " (password in "
            + data.resolve(CONNECT_DIRECTORY).resolve("rest-password") + ")");
        urls.put("PostgreSQL (sinks)", postgres.jdbcUrl(SINK_DATABASE) + " superuser " + postgres.user() + ", sink login "
            + SinkDatabaseRoles.SINK_ROLE + ", BI owner " + SinkDatabaseRoles.BI_OWNER_ROLE + " (passwords in "
            + data.resolve(SinkDatabaseRoles.DIRECTORY) + ")");
        urls.put("PostgreSQL (master data)", postgres.jdbcUrl(MASTERDATA_DATABASE) + " user " + postgres.user());
        urls.put("MongoDB (in the JVM)", mongo.connectionString() + "/" + MONGO_DATABASE);
        urls.put("schema registry", registry.url());
        urls.put("schema registry's token issuer (OIDC)", registryIssuer.issuer() + " clients " + String.join(", ",
            LocalRegistryAuth.CLIENTS.keySet()) + " (secrets in " + registryAuth.directory() + ")");
        // No anonymous address: the one listener wants a login (ops' client settings are in opsProperties).
        urls.put("Kafka (SASL PLAIN only)", broker.bootstrapServers() + " users " + String.join(", ", KafkaLogins.users())
            + " (passwords in " + kafkaLogins.directory() + ", kafka-<user>-password; ops client settings in " + opsProperties + ")");
        urls.put("data", data.toString());
        LOG.info("careflow is up");
    }

    /**
     * The notifications dispatcher, as its own app with its own Kafka user, when it has WhatsApp credentials; without
     * them there is nothing to send through, and reminders are planned and shown, not sent.
     */
    private void startDispatcher(StackOptions options) {
        Map<String, Object> props = settings(options, auth, DISPATCHER, DispatcherConfig.CONFIG.names(),
            appConnection(DISPATCHER, options.host(), options.dispatcherPort()));
        Object token = props.get(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG);
        if (token == null || token.toString().isBlank()) {
            LOG.info("No {}: the notifications dispatcher does not start; reminders are planned and shown, not sent",
                ConfigSources.envName(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG));
            return;
        }
        DispatcherConfig config = new DispatcherConfig(props);
        grant(DISPATCHER, KafkaAcls.dispatcher(DISPATCHER, config.groupId()));
        lastDispatcherProps = props;
        dispatcher = started(DispatcherApp.start(config));
    }

    /** The notifications dispatcher, or null when it did not start (no WhatsApp credentials). */
    public DispatcherApp dispatcher() {
        return dispatcher;
    }

    /** The notifications dispatcher's base URL (health and metrics), or null when it did not start. */
    public String dispatcherUrl() {
        return dispatcher == null ? null : "http://" + host + ":" + dispatcher.port();
    }

    /**
     * PostgreSQL (a sink database and a master-data database with its tables and sample rows), MongoDB's wire
     * protocol in the JVM, a Connect worker with every plugin, then every connector of connectors/config applied as
     * {@code ./careflow connectors apply} would, and the BI views.
     */
    private void startConnectors(StackOptions options, Path data) {
        Path home = Path.of(System.getProperty(CONNECTORS_HOME_PROPERTY, "connectors")).toAbsolutePath();
        postgres = started(EmbeddedPostgres.builder().port(options.postgresPort()).dataDirectory(data.resolve("postgres"))
            .database(SINK_DATABASE).user("careflow").password(SinkDatabaseRoles.superuserPassword(data, data.resolve("postgres")))
            .build().start());
        // The sinks write as careflow_sink; the BI views and their pseudonymisation key belong to careflow_bi_owner.
        sinkLogins = SinkDatabaseRoles.ensure(postgres, SINK_DATABASE, data, home.resolve("sql").resolve("roles"));
        postgres.createDatabase(MASTERDATA_DATABASE);
        MasterDataSql.ensure(postgres, MASTERDATA_DATABASE, home.resolve("sql").resolve("masterdata"));
        mongo = started(EmbeddedMongo.builder().port(options.mongoPort()).build().start());
        // The worker's REST API needs a user (Basic); connectors name their secrets, which the worker reads from a file.
        Path connectDir = data.resolve(CONNECT_DIRECTORY);
        connectRestPassword = SecretFile.loadOrCreate(connectDir.resolve("rest-password"));
        Path users = SecretFile.writeProperties(restUsersFile(connectDir, connectRestPassword), Map.of(CONNECT_REST_USER, connectRestPassword));
        Path secrets = SecretFile.writeProperties(connectDir.resolve("secrets.properties"), Map.of(
            "SINK_JDBC_PASSWORD", sinkLogins.sinkPassword(),
            "MASTERDATA_PASSWORD", postgres.password(),
            "MONGO_URI", mongo.connectionString(),
            // The converters log in to the registry as LocalRegistryAuth.CONNECT_CLIENT.
            "REGISTRY_CLIENT_SECRET", registryAuth.login(LocalRegistryAuth.CONNECT_CLIENT).clientSecret()));
        connectorVariables = new HashMap<>();
        connectorVariables.put(ConnectorConfigs.SECRETS_VARIABLE, "file:" + secrets);
        connectorVariables.put(ConnectorsApply.REST_USER, CONNECT_REST_USER);
        connectorVariables.put(ConnectorsApply.REST_PASSWORD, connectRestPassword);
        // The Connect converter speaks the registry's v2 API (see connectors/README.md).
        connectorVariables.put("REGISTRY_V2_URL", registry.url().replace("/apis/registry/v3", "/apis/registry/v2"));
        connectorVariables.put("REGISTRY_CLIENT_ID", LocalRegistryAuth.CONNECT_CLIENT);
        connectorVariables.put("REPLICATION_FACTOR", "1");
        connectorVariables.put("SINK_JDBC_URL", postgres.jdbcUrl(SINK_DATABASE));
        connectorVariables.put("SINK_JDBC_USER", SinkDatabaseRoles.SINK_ROLE);
        connectorVariables.put("MONGO_DATABASE", MONGO_DATABASE);
        connectorVariables.put("MASTERDATA_HOST", postgres.host());
        connectorVariables.put("MASTERDATA_PORT", Integer.toString(postgres.port()));
        connectorVariables.put("MASTERDATA_DATABASE", MASTERDATA_DATABASE);
        connectorVariables.put("MASTERDATA_USER", postgres.user());
        connectorVariables.put("BI_PSEUDONYM_KEY", MasterDataSql.pseudonymKey(data.resolve("bi-pseudonym.key")));
        // The worker's ACLs come from the connector configurations it is about to run.
        grant(KafkaLogins.CONNECT, KafkaAcls.connect(KafkaLogins.CONNECT, CONNECT_GROUP,
            ConnectorConfigs.load(home.resolve("config"), connectorVariables)));
        EmbeddedConnect.Builder worker = EmbeddedConnect.builder().bootstrapServers(broker.bootstrapServers());
        // The worker's own clients and its connectors' producers, consumers and admin clients log in as the connect user.
        for (String prefix : List.of("", "producer.", "consumer.", "admin.")) {
            kafkaLogins.clientSecurity(KafkaLogins.CONNECT).forEach((key, value) -> worker.workerProperty(prefix + key, value));
        }
        connect = started(worker.restPort(options.connectPort())
            .groupId(CONNECT_GROUP).basicAuth(users, CONNECT_REST_USER, connectRestPassword)
            .workerProperty("config.providers", "file")
            .workerProperty("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
            .workerProperty("config.providers.file.param.allowed.paths", connectDir.toString())
            .build().start());
        int applied = ConnectorsApply.run(new ConnectorsApply.Options(connect.url(), home.resolve("config"), connectorVariables,
            Duration.ofSeconds(120), null));
        if (applied != 0) {
            throw new IllegalStateException("Not every connector runs; see the states printed above");
        }
        // A BI view needs its sink table, which the first record creates: keep trying until every view exists.
        ScheduledExecutorService views = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "careflow-bi-views");
            t.setDaemon(true);
            return t;
        });
        started((AutoCloseable) views::shutdownNow);
        views.scheduleWithFixedDelay(() -> {
            try {
                if (applyBiViews().size() >= BI_VIEWS) {
                    LOG.info("The BI views are in place");
                    views.shutdown();
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("BI views not applied yet: {}", e.getMessage());
            }
        }, 5, 10, TimeUnit.SECONDS);
    }

    /**
     * Creates or refreshes the BI views over the sink tables; a view whose table no record has created yet is left for
     * a later call. Returns the views that exist.
     */
    public List<String> applyBiViews() throws IOException {
        Path home = Path.of(System.getProperty(CONNECTORS_HOME_PROPERTY, "connectors")).toAbsolutePath();
        return BiMigration.apply(new BiMigration.Target(postgres.jdbcUrl(SINK_DATABASE), SinkDatabaseRoles.BI_OWNER_ROLE,
            sinkLogins.biOwnerPassword(),
            home.resolve("sql").resolve("bi")), connectorVariables);
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    public EmbeddedMongo mongo() {
        return mongo;
    }

    /** The password of the sink connectors' database login, {@code careflow_sink}. */
    public String sinkPassword() {
        return sinkLogins.sinkPassword();
    }

    /** The password of {@link #CONNECT_REST_USER} on the Connect REST API. */
    public String connectRestPassword() {
        return connectRestPassword;
    }

    public String connectUrl() {
        return connect.url();
    }

    /** Where an app finds Kafka and the registry, and how it logs in to Kafka: as its own user, named like the app. */
    private Map<String, Object> appConnection(String app, String host, int httpPort) {
        Map<String, Object> connection = CommonConfig.connection(broker.bootstrapServers(), registry.url(), host, httpPort);
        connection.put(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        connection.put(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "PLAIN");
        connection.put(CommonConfig.KAFKA_SASL_JAAS_CONFIG, kafkaLogins.jaas(app));
        return connection;
    }

    /**
     * Waits until every streams app runs, and fails the start naming the app that stopped instead: an app stops on a
     * refusal no retry heals (a Kafka ACL it lacks, a wrong password), and a stack that only seems up is worse.
     */
    private static void requireRunning(Map<String, KafkaStreams> apps) {
        apps.forEach((app, streams) -> {
            KafkaStreams.State state;
            try {
                state = Await.value(app + " to run", STREAMS_START_DEADLINE, () -> {
                    KafkaStreams.State now = streams.state();
                    return now == KafkaStreams.State.RUNNING || !now.isRunningOrRebalancing() && now != KafkaStreams.State.CREATED
                        ? now : null;
                });
            } catch (AssertionError timedOut) {
                throw new IllegalStateException(app + " did not reach RUNNING within " + STREAMS_START_DEADLINE.toSeconds()
                    + " s (state " + streams.state() + "); see its log", timedOut);
            }
            if (state != KafkaStreams.State.RUNNING) {
                throw new IllegalStateException(app + " stopped (state " + state + "); its log says why: a Kafka ACL it lacks "
                    + "(KafkaAcls) or a refused login");
            }
        });
    }

    /** Gives {@code user} exactly {@code acls}, through the ops user; see {@link KafkaAclsApply}. */
    private void grant(String user, List<org.apache.kafka.common.acl.AclBinding> acls) {
        try (Admin admin = Admin.create(kafkaClientProperties())) {
            KafkaAclsApply.replace(admin, KafkaAcls.principal(user), acls);
        }
    }

    /**
     * Client settings of the Kafka super user {@value #KAFKA_OPS_USER}: {@code bootstrap.servers} and its SASL login
     * (the password is in {@code sasl.jaas.config}: never log these). For tools and tests; the stack has no anonymous
     * Kafka address.
     */
    public Map<String, Object> kafkaClientProperties() {
        return kafkaClientProperties(KAFKA_OPS_USER);
    }

    /** Client settings of one of the stack's Kafka users (an app's user is named like the app): for tests of the ACLs. */
    public Map<String, Object> kafkaClientProperties(String user) {
        Map<String, Object> props = new HashMap<>(kafkaLogins.clientSecurity(user));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return props;
    }

    /**
     * The worker's users file, named after a hash of the password: Kafka's login module keeps a file's users for the JVM's
     * life by path, so a new password (a fresh data directory, in the same JVM) must come in a file of another name.
     */
    private static Path restUsersFile(Path connectDir, String password) {
        try {
            String tag = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(password.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 12);
            java.nio.file.Files.createDirectories(connectDir);
            try (var old = java.nio.file.Files.newDirectoryStream(connectDir, "rest-users*.properties")) {
                for (Path file : old) {
                    java.nio.file.Files.deleteIfExists(file);
                }
            }
            return connectDir.resolve("rest-users-" + tag + ".properties");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot prepare " + connectDir, e);
        }
    }

    /**
     * The app's settings: the stack's authentication, then the environment, then the options' extras, then the
     * launcher's own registry login and {@code connection}.
     */
    private Map<String, Object> settings(StackOptions options, LocalAuth auth, String app, Set<String> keys,
                                                Map<String, Object> connection) {
        // The cluster secret goes only to the apps whose instances forward queries to each other (the streams apps).
        Map<String, Object> props = new HashMap<>(keys.contains(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG)
            ? auth.streamsAppSettings() : auth.appSettings());
        System.getenv().forEach((name, value) -> keys.stream().filter(k -> ConfigSources.envName(k).equals(name)).findFirst()
            .ifPresent(k -> props.put(k, value)));
        props.putAll(options.settingsOf(app));
        props.putAll(registryAuth.appSettings(app));
        props.putAll(connection);
        return props;
    }

    private static TopicLayout topicLayout(Map<String, Object> settings) {
        Object value = settings.get(StreamsAppConfig.TOPIC_PARTITIONS_CONFIG);
        if (value == null) {
            return TopicLayout.defaults();
        }
        List<String> entries = value instanceof List<?> list ? list.stream().map(Object::toString).toList()
            : List.of(value.toString().split(","));
        return TopicLayout.parse(entries);
    }

    private <T extends AutoCloseable> T started(T component) {
        synchronized (started) {
            if (!closed) {
                started.push(component);
                return component;
            }
        }
        // Stopped while this part was starting (Ctrl-C during start): it must not outlive the stack.
        closeQuietly(component);
        throw new IllegalStateException("careflow is stopping; not starting the rest");
    }

    /** Who may use the schema registry: its clients' logins. */
    public LocalRegistryAuth registryAuth() {
        return registryAuth;
    }

    /** The stack's token issuer: tokens it mints are accepted by every app of the stack. */
    public LocalAuth auth() {
        return auth;
    }

    /** Service name to URL (or address), in start order. */
    public Map<String, String> urls() {
        return Map.copyOf(urls);
    }

    public String ingestUrl() {
        return urls.get("ingest API");
    }

    public String triageUrl() {
        return urls.get("streams-triage");
    }

    public String schedulingUrl() {
        return urls.get("streams-scheduling");
    }

    public String masterdataUrl() {
        return urls.get("streams-masterdata");
    }

    public String notificationsUrl() {
        return urls.get("streams-notifications");
    }

    public StreamsHttpApp notifications() {
        return notifications;
    }

    /**
     * Stops streams-notifications and the notifications dispatcher (when it runs) and starts them again on the same state,
     * settings and ports, as after a crash or a deploy of both.
     */
    public void restartNotifications() {
        int port = notifications.port();
        if (dispatcher != null) {
            int dispatcherPort = dispatcher.port();
            synchronized (started) {
                started.remove(dispatcher);
            }
            dispatcher.close();
            lastDispatcherProps.put(CommonConfig.HTTP_PORT_CONFIG, dispatcherPort);
        }
        synchronized (started) {
            started.remove(notifications);
        }
        notifications.close();
        Map<String, Object> props = new HashMap<>(lastNotificationsProps);
        props.put(CommonConfig.HTTP_PORT_CONFIG, port);
        notifications = started(NotificationsApp.start(new NotificationsConfig(props)));
        if (dispatcher != null) {
            dispatcher = started(DispatcherApp.start(new DispatcherConfig(lastDispatcherProps)));
        }
    }

    public StreamsHttpApp triage() {
        return triage;
    }

    /** Stops every part, newest first. Safe from any thread, also while the stack is starting, and more than once. */
    @Override
    public void close() {
        while (true) {
            AutoCloseable component;
            synchronized (started) {
                closed = true;
                component = started.poll();
            }
            if (component == null) {
                return;
            }
            closeQuietly(component);
        }
    }

    private static void closeQuietly(AutoCloseable component) {
        try {
            component.close();
        } catch (Exception e) {
            LOG.warn("Stopping {} failed: {}", component.getClass().getSimpleName(), e.toString());
        }
    }
}
