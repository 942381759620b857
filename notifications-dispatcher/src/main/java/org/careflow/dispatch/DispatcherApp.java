package org.careflow.dispatch;

import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careflow.config.CommonConfig;
import org.careflow.config.ConfigSources;
import org.careflow.config.HttpTlsSettings;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.Readiness;
import org.careflow.http.health.DependencyHealth;
import org.careflow.http.metrics.AppMetrics;
import org.careflow.query.metrics.BusinessMeters;
import org.careflow.query.metrics.DeadLetterBacklog;
import org.careflow.security.AuthSettings;
import org.careflow.security.SecurityGate;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.RegistryProbe;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifications dispatcher as its own process: it delivers outbound-notifications (WhatsApp, webhooks, email)
 * under a {@link DispatcherSupervisor}, and serves {@code /health/live}, {@code /health/ready} and {@code /metrics} like
 * every careflow app. It runs apart from streams-notifications so that sending (slow, rate-limited I/O holding the
 * WhatsApp and SMTP credentials) scales, restarts and is granted Kafka access on its own.
 */
public final class DispatcherApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherApp.class);
    /** The dispatcher serves no request bodies: health and metrics only. */
    private static final long MAX_REQUEST_BYTES = 1024;

    private final DispatcherSupervisor supervisor;
    private final Javalin server;
    private final AppMetrics metrics;
    private final Duration shutdownTimeout;

    private DispatcherApp(DispatcherSupervisor supervisor, Javalin server, AppMetrics metrics, Duration shutdownTimeout) {
        this.supervisor = supervisor;
        this.server = server;
        this.metrics = metrics;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Starts the dispatcher and its HTTP server; a failure stops what had started and is rethrown. */
    public static DispatcherApp start(DispatcherConfig config) {
        SecurityGate gate = gate(AuthSettings.from(config));
        HttpTlsSettings tls = HttpTlsSettings.from(config);
        String registryUrl = config.getString(CommonConfig.REGISTRY_URL_CONFIG);
        String clientId = config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG);
        String secret = CommonConfig.registryClientSecret(config);
        RegistryEventSerdes serdes = new RegistryEventSerdes(registryUrl, config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG),
            RegistryLogin.of(clientId, secret));
        // The registry the serdes read from, as the dispatcher logs in: a record unreadable while it does not serve is
        // read again later, never skipped.
        RegistryProbe registry = RegistryProbe.create(registryUrl, clientId, secret);
        AppMetrics metrics = AppMetrics.create("notifications-dispatcher");
        DependencyHealth dependencies = new DependencyHealth();
        DispatcherSupervisor supervisor = null;
        try {
            // What the dispatcher gave up on or could not read, waiting for ops.
            metrics.closeWith(DeadLetterBacklog.start(config.kafkaClientConfig(),
                List.of(Topics.OUTBOUND_DEAD_LETTERS.name(), Topics.NOTIFICATIONS_DEAD_LETTERS.name()), metrics.registry(),
                DeadLetterBacklog.DEFAULT_INTERVAL));
            supervisor = DispatcherSupervisor.start(() -> NotificationDispatcher.start(config.kafkaClientConfig(), config.groupId(), serdes,
                config.dispatcherSettings(), config.smtpSettings(), Clock.systemUTC(), new BusinessMeters(metrics.registry()), registry),
                dependencies::down, config.restartBackoffMax());
            Javalin server = HttpServerFactory.builder(config.getString(CommonConfig.HTTP_HOST_CONFIG), config.getInt(CommonConfig.HTTP_PORT_CONFIG))
                .maxRequestBytes(MAX_REQUEST_BYTES).readiness(readiness(supervisor, dependencies)).gate(gate).tls(tls).metrics(metrics)
                .build().start();
            LOG.info("Notifications dispatcher running (group {}); health and metrics on port {}", config.groupId(), server.port());
            return new DispatcherApp(supervisor, server, metrics, CommonConfig.shutdownTimeout(config));
        } catch (RuntimeException e) {
            if (supervisor != null) {
                supervisor.close();
            }
            metrics.close();
            throw e;
        }
    }

    /** Ready while a dispatcher runs and reads: not while it waits for the registry or for a restart after a failure. */
    static Readiness.Check readiness(DispatcherSupervisor supervisor, DependencyHealth dependencies) {
        return () -> {
            Map<String, String> down = dependencies.current();
            boolean running = supervisor.healthy();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put(DispatcherSupervisor.DISPATCHER, running ? "UP" : "DOWN");
            if (!down.isEmpty()) {
                details.put("dependenciesDown", down);
            }
            return new Readiness(running && down.isEmpty(), details);
        };
    }

    private static SecurityGate gate(AuthSettings auth) {
        if (auth.enabled()) {
            return SecurityGate.create(auth);
        }
        LOG.warn("{}=false: /metrics answers without a token. Use this for tests and benchmarks only.", AuthSettings.AUTH_ENABLED_CONFIG);
        return SecurityGate.disabled();
    }

    public int port() {
        return server.port();
    }

    /** The supervisor of the running dispatcher (which one runs, how often it was replaced). */
    public DispatcherSupervisor supervisor() {
        return supervisor;
    }

    /** Stops serving, then stops the dispatcher (it commits what it finished), then the metrics. */
    @Override
    public void close() {
        HttpServerFactory.stopGracefully(server, shutdownTimeout);
        supervisor.close();
        metrics.close();
        LOG.info("Notifications dispatcher stopped");
    }

    /** Runs until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        DispatcherApp app = start(new DispatcherConfig(ConfigSources.fromCommandLine(args, DispatcherConfig.CONFIG.names())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, "dispatcher-shutdown"));
    }
}
