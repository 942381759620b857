package org.careflow.query;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.config.HttpTlsSettings;
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
    /** The default of {@code shutdown.timeout.ms}. */
    private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(8);

    /** This instance's status (OPS): state, tasks, store sizes and lags, restore progress; see {@link InstanceStatus}. */
    public static final String ADMIN_STATUS_PATH = "/admin/status";

    private final String name;
    private final Javalin server;
    private final KafkaStreams streams;
    private final AuditPublisher audit;
    private final AppMetrics metrics;
    private final java.util.concurrent.ScheduledExecutorService lagSampler;
    private final DependencyHealth dependencies;

    private StreamsHttpApp(String name, Javalin server, KafkaStreams streams, AuditPublisher audit, AppMetrics metrics,
                           java.util.concurrent.ScheduledExecutorService lagSampler, DependencyHealth dependencies) {
        this.lagSampler = lagSampler;
        this.dependencies = dependencies;
        this.name = name;
        this.server = server;
        this.streams = streams;
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * @param streamsProperties the Kafka Streams settings for the port the server bound
     * @param security the gate every route passes (each route needs one EndpointClass) and the audit of reads
     * @param routes adds the app's routes; the supplier yields null until the stream processor exists
     */
    public static StreamsHttpApp start(String name, String host, int port, String advertisedHost, Duration forwardTimeout,
                                       Topology topology, IntFunction<Properties> streamsProperties, QuerySecurity security,
                                       BiConsumer<JavalinConfig, Supplier<InteractiveQueryService>> routes) {
        return start(name, host, port, advertisedHost, forwardTimeout, topology, streamsProperties, security, HttpTlsSettings.none(), routes);
    }

    /**
     * As {@link #start(String, String, int, String, Duration, Topology, IntFunction, QuerySecurity, BiConsumer)}, serving
     * HTTPS when {@code tls} has a key store; queries are then forwarded to other instances over HTTPS, trusting
     * {@code tls}'s trust store.
     */
    public static StreamsHttpApp start(String name, String host, int port, String advertisedHost, Duration forwardTimeout,
                                       Topology topology, IntFunction<Properties> streamsProperties, QuerySecurity security,
                                       HttpTlsSettings tls, BiConsumer<JavalinConfig, Supplier<InteractiveQueryService>> routes) {
        return start(name, host, port, advertisedHost, forwardTimeout, topology, streamsProperties, security, tls,
            AppMetrics.create(name), routes);
    }

    /**
     * As {@link #start(String, String, int, String, Duration, Topology, IntFunction, QuerySecurity, HttpTlsSettings, BiConsumer)},
     * serving {@code metrics} at {@code GET /metrics} with the Kafka Streams metrics and the dead-letter counts added; the
     * app closes them when it closes. Pass the same {@code metrics} to the topology to count its business events.
     */
    public static StreamsHttpApp start(String name, String host, int port, String advertisedHost, Duration forwardTimeout,
                                       Topology topology, IntFunction<Properties> streamsProperties, QuerySecurity security,
                                       HttpTlsSettings tls, AppMetrics metrics,
                                       BiConsumer<JavalinConfig, Supplier<InteractiveQueryService>> routes) {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(tls, "tls");
        HttpClient forwarding = tls.enabled()
            ? InteractiveQueryService.newHttpClient(Duration.ofSeconds(2), tls.clientSslContext())
            : InteractiveQueryService.newHttpClient(Duration.ofSeconds(2));
        Objects.requireNonNull(security, "security");
        AtomicReference<KafkaStreams> streamsRef = new AtomicReference<>();
        AtomicReference<InteractiveQueryService> queries = new AtomicReference<>();
        AtomicReference<InstanceStatus> status = new AtomicReference<>();
        DependencyHealth dependencies = new DependencyHealth();
        Javalin server = HttpServerFactory.create(host, port, 64 * 1024,
            new StreamsReadiness(streamsRef::get, topology, dependencies), security.gate(), tls, metrics,
            config -> {
                routes.accept(config, queries::get);
                // This instance's tasks, store sizes and restoration, for ./careflow ops status.
                config.routes.get(ADMIN_STATUS_PATH, ctx -> {
                    InstanceStatus current = status.get();
                    if (current == null) {
                        throw new ProblemException(Problem.of(503, "Starting", "The stream processor is not created yet"), java.util.Map.of("Retry-After", "1"));
                    }
                    ctx.json(current.snapshot(streamsRef.get()));
                }, org.careflow.security.EndpointClass.OPS);
            }).start();
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
            InteractiveQueryService service = new InteractiveQueryService(streams, new HostInfo(advertisedHost, server.port()),
                forwarding, forwardTimeout, name, security.audit(), tls.scheme(), transactional, security.instances());
            queries.set(service);
            streamsRef.set(streams);
            streams.start();
            // The time bounds of stale answers (maxLagMs) come from these samples of where each changelog ended.
            java.util.concurrent.ScheduledExecutorService lagSampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name + "-lag-sampler").daemon().factory());
            lagSampler.scheduleWithFixedDelay(service::sampleLags, LAG_SAMPLE_INTERVAL.toMillis(), LAG_SAMPLE_INTERVAL.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
            LOG.info("{} started; queries on port {}", name, server.port());
            return new StreamsHttpApp(name, server, streams, security.audit(), metrics, lagSampler, dependencies);
        } catch (RuntimeException e) {
            server.stop();
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

    @Override
    public void close() {
        close(DEFAULT_SHUTDOWN_TIMEOUT);
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
