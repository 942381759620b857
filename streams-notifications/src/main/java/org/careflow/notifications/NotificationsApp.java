package org.careflow.notifications;

import java.time.Duration;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.CommonConfig;
import org.careflow.config.HttpTlsSettings;
import org.careflow.config.ConfigSources;
import org.careflow.config.StreamsAppConfig;
import org.careflow.dispatch.DispatcherSupervisor;
import org.careflow.dispatch.NotificationDispatcher;
import org.careflow.notifications.query.NotificationsQueryRoutes;
import org.careflow.notifications.topology.NotificationsTopology;
import org.careflow.query.QuerySecurity;
import org.careflow.query.StreamsAppSpec;
import org.careflow.query.StreamsHttpApp;
import org.careflow.http.metrics.AppMetrics;
import org.careflow.query.metrics.BusinessMeters;
import org.careflow.query.metrics.DeadLetterBacklog;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.RegistryProbe;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams-notifications process: reminders, replies and delivery tracking on Kafka Streams, their query API over
 * HTTP, and (unless turned off) the dispatcher that delivers outbound notifications.
 */
public final class NotificationsApp implements AutoCloseable {

    public static final String NAME = "streams-notifications";

    private static final Logger LOG = LoggerFactory.getLogger(NotificationsApp.class);

    private final StreamsHttpApp app;
    private final AutoCloseable dispatcher;

    private NotificationsApp(StreamsHttpApp app, AutoCloseable dispatcher) {
        this.app = app;
        this.dispatcher = dispatcher;
    }

    /** What streams-notifications is, without the dispatcher it may run beside it; {@link StreamsHttpApp#run} does the rest. */
    public static StreamsAppSpec<NotificationsConfig> spec(NotificationsConfig config) {
        return StreamsAppSpec.builder(NAME, config)
            .topology(NotificationsTopology::build)
            .streamsProperties(config::streamsProperties)
            .routes((routes, queries) -> new NotificationsQueryRoutes(queries).register(routes))
            .build();
    }

    public static NotificationsApp start(NotificationsConfig config) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), RegistryLogin.of(
                config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config)));
        StreamsHttpApp app = StreamsHttpApp.run(spec(config));
        AppMetrics metrics = app.metrics();
        // What the dispatcher (here or in another process of this app) gave up on or could not read, waiting for ops.
        metrics.closeWith(DeadLetterBacklog.start(dispatcherClientConfig(config),
            List.of(Topics.OUTBOUND_DEAD_LETTERS.name(), Topics.NOTIFICATIONS_DEAD_LETTERS.name()), metrics.registry(),
            DeadLetterBacklog.DEFAULT_INTERVAL));
        AutoCloseable dispatcher = () -> { };
        if (config.dispatcherEnabled()) {
            try {
                // The registry the serdes read from, as the app logs in: a record unreadable while it does not serve
                // the dispatcher is read again later, never skipped.
                RegistryProbe registry = RegistryProbe.create(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
                    config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config));
                // Supervised: one that stopped on an error is started again (backoff), readiness says so meanwhile.
                dispatcher = DispatcherSupervisor.start(() -> NotificationDispatcher.start(dispatcherClientConfig(config),
                    config.getString(StreamsAppConfig.APPLICATION_ID_CONFIG) + "-dispatcher", serdes, config.dispatcherSettings(),
                    config.smtpSettings(), Clock.systemUTC(), new BusinessMeters(metrics.registry()), registry), app.dependencies()::down, Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                app.close();
                throw e;
            }
        } else {
            LOG.info("Dispatcher off ({}=false): notifications are planned and tracked, not sent from this process",
                NotificationsConfig.DISPATCHER_ENABLED_CONFIG);
        }
        return new NotificationsApp(app, dispatcher);
    }

    /** The dispatcher's consumer and producer settings: the brokers and the app's Kafka security settings. */
    static Map<String, Object> dispatcherClientConfig(NotificationsConfig config) {
        Map<String, Object> props = new HashMap<>(CommonConfig.kafkaClientSecurity(config));
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.getList(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG)));
        return props;
    }

    public int port() {
        return app.port();
    }

    public KafkaStreams streams() {
        return app.streams();
    }

    @Override
    public void close() {
        try {
            dispatcher.close();
        } catch (Exception e) {
            throw new IllegalStateException("The dispatcher did not stop cleanly", e);
        } finally {
            app.close();
        }
    }

    /** Runs until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        NotificationsApp app = start(new NotificationsConfig(ConfigSources.fromCommandLine(args, NotificationsConfig.CONFIG.names())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, "notifications-shutdown"));
    }
}
