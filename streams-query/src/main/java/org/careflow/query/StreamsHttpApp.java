package org.careflow.query;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.common.config.AbstractConfig;
import org.careflow.config.CommonConfig;
import org.careflow.config.HttpTlsSettings;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;
import org.careflow.http.metrics.AppMetrics;
import org.careflow.config.StreamsAppConfig;
import org.careflow.http.health.DependencyHealth;
import org.careflow.topics.RegistryProbe;
import org.careflow.query.metrics.BusinessMeters;
import org.careflow.query.metrics.DeadLetterBacklog;
import org.careflow.query.metrics.DeadLetterCounting;
import org.careflow.topics.BusinessMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Kafka Streams topology behind its query API: the HTTP server starts first, so
 * {@code application.server} carries the port it really bound, then the stream processor. Closing leaves the
 * consumer group, so a restarted or replacement instance gets the partitions at once.
 */
public final class StreamsHttpApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsHttpApp.class);
    /** How often the changelog positions of local store copies are sampled, for {@code maxLagMs}. */
    static final Duration LAG_SAMPLE_INTERVAL = Duration.ofSeconds(1);

    /** This instance's status (OPS): state, tasks, store sizes and lags, restore progress; see {@link InstanceStatus}. */
    public static final String ADMIN_STATUS_PATH = "/admin/status";

    private final String name;
    private final Javalin server;
    private final KafkaStreams streams;
    private final AuditPublisher audit;
    private final AppMetrics metrics;
    private final java.util.concurrent.ScheduledExecutorService lagSampler;
    private final DependencyHealth dependencies;
    private final Duration shutdownTimeout;
    private final InstanceHttpClient forwarding;

    private StreamsHttpApp(String name, Javalin server, KafkaStreams streams, AuditPublisher audit, AppMetrics metrics,
                           java.util.concurrent.ScheduledExecutorService lagSampler, DependencyHealth dependencies,
                           Duration shutdownTimeout, InstanceHttpClient forwarding) {
        this.shutdownTimeout = shutdownTimeout;
        this.forwarding = forwarding;
        this.lagSampler = lagSampler;
        this.dependencies = dependencies;
        this.name = name;
        this.server = server;
        this.streams = streams;
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * Starts the app {@code spec} describes and returns it running: the serdes of its registry, its metrics (Kafka
     * Streams, dead letters, business counters), the security gate and read audit, TLS when configured, health and
     * {@code /admin/status}, all from the spec's configuration. Closing it stops everything it started, each step bounded
     * by the configured shutdown timeout.
     */
    public static StreamsHttpApp run(StreamsAppSpec<?> spec) {
        AbstractConfig config = spec.config();
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), RegistryLogin.of(
                config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config)));
        AppMetrics metrics = AppMetrics.create(spec.name());
        try {
            return start(spec, spec.topology(serdes, new BusinessMeters(metrics.registry())), QuerySecurity.from(config, serdes), metrics);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    /**
     * Runs the app {@code spec} describes until the JVM is told to stop: what an app's {@code main} does. The shutdown
     * hook closes the app, then the serdes' shared registry clients.
     */
    public static StreamsHttpApp runUntilStopped(StreamsAppSpec<?> spec) {
        StreamsHttpApp app = run(spec);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, spec.name() + "-shutdown"));
        return app;
    }

    private static StreamsHttpApp start(StreamsAppSpec<?> spec, Topology topology, QuerySecurity security, AppMetrics metrics) {
        AbstractConfig config = spec.config();
        String name = spec.name();
        String host = config.getString(CommonConfig.HTTP_HOST_CONFIG);
        int port = config.getInt(CommonConfig.HTTP_PORT_CONFIG);
        String advertisedHost = config.getString(StreamsAppConfig.HTTP_ADVERTISED_HOST_CONFIG);
        Duration forwardTimeout = StreamsAppConfig.queryForwardTimeout(config);
        HttpTlsSettings tls = HttpTlsSettings.from(config);
        StreamsAppSpec.Routes routes = spec.routes();
        IntFunction<Properties> streamsProperties = spec::streamsProperties;
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(tls, "tls");
        InstanceHttpClient forwarding = tls.enabled()
            ? InteractiveQueryService.newHttpClient(Duration.ofSeconds(2), tls.clientSslContext())
            : InteractiveQueryService.newHttpClient(Duration.ofSeconds(2));
        Objects.requireNonNull(security, "security");
        AtomicReference<KafkaStreams> streamsRef = new AtomicReference<>();
        AtomicReference<InteractiveQueryService> queries = new AtomicReference<>();
        AtomicReference<InstanceStatus> status = new AtomicReference<>();
        DependencyHealth dependencies = new DependencyHealth();
        Javalin server = HttpServerFactory.builder(host, port).maxRequestBytes(64 * 1024)
            .readiness(new StreamsReadiness(streamsRef::get, topology, dependencies))
            .gate(security.gate()).tls(tls).metrics(metrics)
            .routes(routesConfig -> {
                routes.register(routesConfig, queries::get);
                // This instance's tasks, store sizes and restoration, for ./careflow ops status.
                routesConfig.routes.get(ADMIN_STATUS_PATH, ctx -> {
                    InstanceStatus current = status.get();
                    if (current == null) {
                        throw new ProblemException(Problem.of(503, "Starting", "The stream processor is not created yet"), java.util.Map.of("Retry-After", "1"));
                    }
                    ctx.json(current.snapshot(streamsRef.get()));
                }, org.careflow.security.EndpointClass.OPS);
            }).build().start();
        try {
            Properties props = installHandlers(streamsProperties.apply(server.port()), new BusinessMeters(metrics.registry()), dependencies);
            KafkaStreams streams = new KafkaStreams(topology, props);
            metrics.bind((scheduler, refresh) -> new KafkaStreamsMetrics(streams, Tags.empty(), scheduler, refresh));
            String deadLetters = props.getProperty(org.apache.kafka.streams.StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
            if (deadLetters != null) {
                metrics.closeWith(DeadLetterBacklog.start(DeadLetterBacklog.clientConfig(props), java.util.List.of(deadLetters),
                    metrics.registry(), DeadLetterBacklog.DEFAULT_INTERVAL));
            }
            RestoreProgress restores = new RestoreProgress();
            streams.setGlobalStateRestoreListener(restores);
            status.set(new InstanceStatus(name, props.getProperty(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG),
                advertisedHost + ":" + server.port(), restores));
            streams.setUncaughtExceptionHandler(e -> {
                // A missing ACL does not heal by retrying: a replaced thread would fail the same way, forever. Stop this
                // client (state ERROR, readiness 503) and say what to grant.
                if (accessFailure(e) != null) {
                    LOG.error("{}: Kafka refused this app's login or an operation ({}); stopping instead of retrying: check "
                        + "its Kafka user's password and grant it the ACL it lacks", name, accessFailure(e).getMessage(), e);
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
                LOG.error("{}: stream thread failed; replacing it", name, e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            boolean transactional = org.apache.kafka.streams.StreamsConfig.EXACTLY_ONCE_V2.equals(
                props.getProperty(org.apache.kafka.streams.StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
            InteractiveQueryService service = InteractiveQueryService.builder(streams, new HostInfo(advertisedHost, server.port()))
                .client(forwarding).forwardTimeout(forwardTimeout).audit(name, security.audit()).scheme(tls.scheme())
                .transactionalChangelogs(transactional).credentials(security.instances()).build();
            queries.set(service);
            streamsRef.set(streams);
            streams.start();
            // The time bounds of stale answers (maxLagMs) come from these samples of where each changelog ended.
            java.util.concurrent.ScheduledExecutorService lagSampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name + "-lag-sampler").daemon().factory());
            lagSampler.scheduleWithFixedDelay(service::sampleLags, LAG_SAMPLE_INTERVAL.toMillis(), LAG_SAMPLE_INTERVAL.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
            LOG.info("{} started; queries on port {}", name, server.port());
            return new StreamsHttpApp(name, server, streams, security.audit(), metrics, lagSampler, dependencies,
                CommonConfig.shutdownTimeout(config), forwarding);
        } catch (RuntimeException e) {
            server.stop();
            forwarding.close();
            security.audit().close();
            metrics.close();
            throw e;
        }
    }

    /**
     * The counting exception handlers; when the properties name the registry the serdes use, the deserialization
     * handler also tells its outage (reported in {@code dependencies}, the record read again) from an unreadable record.
     */
    private static Properties installHandlers(Properties props, BusinessMetrics metrics, DependencyHealth dependencies) {
        String registryUrl = props.getProperty(StreamsAppConfig.REGISTRY_URL_PROPERTY);
        if (registryUrl == null) {
            return DeadLetterCounting.install(props, metrics);
        }
        RegistryProbe registry = RegistryProbe.create(registryUrl, props.getProperty(StreamsAppConfig.REGISTRY_CLIENT_ID_PROPERTY, ""),
            props.getProperty(StreamsAppConfig.REGISTRY_CLIENT_SECRET_PROPERTY, ""));
        return DeadLetterCounting.install(props, metrics, registry, dependencies);
    }

    /**
     * The refusal among {@code e}'s causes that no retry heals, or null: a failed login, or a missing topic, group,
     * transactional id or cluster ACL.
     */
    static org.apache.kafka.common.KafkaException accessFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof org.apache.kafka.common.errors.AuthorizationException
                || cause instanceof org.apache.kafka.common.errors.AuthenticationException) {
                return (org.apache.kafka.common.KafkaException) cause;
            }
        }
        return null;
    }

    public int port() {
        return server.port();
    }

    /** What this app's readiness reports down besides Kafka Streams (the registry, a part the app runs beside it). */
    public DependencyHealth dependencies() {
        return dependencies;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** What {@code GET /metrics} serves. */
    public AppMetrics metrics() {
        return metrics;
    }

    /** Stops as {@link #close(Duration)} does, each step bounded by the configured {@code shutdown.timeout.ms}. */
    @Override
    public void close() {
        close(shutdownTimeout);
    }

    /**
     * Stops in order, each step bounded by {@code timeout}: the HTTP server stops accepting and finishes the requests in
     * flight (their audit events are still written), then Kafka Streams commits, closes and leaves its group (so the
     * partitions move at once, not after the session timeout), then the audit producer flushes and closes.
     */
    public void close(Duration timeout) {
        LOG.info("{} stopping (each step at most {} ms)", name, timeout.toMillis());
        lagSampler.shutdownNow();
        HttpServerFactory.stopGracefully(server, timeout);
        forwarding.close();
        LOG.info("{}: HTTP server stopped", name);
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(timeout));
        if (closed) {
            LOG.info("{}: Kafka Streams closed and left its group", name);
        } else {
            LOG.warn("{}: Kafka Streams did not close within {} ms; its partitions move after the session timeout", name, timeout.toMillis());
        }
        audit.close();
        LOG.info("{}: audit producer flushed and closed", name);
        metrics.close();
        LOG.info("{} stopped", name);
    }
}
