package org.careflow.notifications;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.CommonConfig;
import org.careflow.config.HttpTlsSettings;
import org.careflow.config.ConfigSources;
import org.careflow.config.StreamsAppConfig;
import org.careflow.notifications.query.NotificationsQueryRoutes;
import org.careflow.notifications.topology.NotificationsTopology;
import org.careflow.query.QuerySecurity;
import org.careflow.query.StreamsHttpApp;
import org.careflow.query.metrics.AppMetrics;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.Topics;

/**
 * The streams-notifications process: reminders, replies and delivery tracking on Kafka Streams, and their query API over
 * HTTP. It plans what to send on outbound-notifications; the notifications dispatcher, its own process
 * ({@code org.careflow.dispatch.DispatcherApp}), sends it.
 */
public final class NotificationsApp implements AutoCloseable {

    private final StreamsHttpApp app;
    private final Duration shutdownTimeout;

    private NotificationsApp(StreamsHttpApp app, Duration shutdownTimeout) {
        this.app = app;
        this.shutdownTimeout = shutdownTimeout;
    }

    public static NotificationsApp start(NotificationsConfig config) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), RegistryLogin.of(
                config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config)));
        AppMetrics metrics = AppMetrics.create("streams-notifications");
        StreamsHttpApp app;
        try {
            app = StreamsHttpApp.start("streams-notifications", config.getString(CommonConfig.HTTP_HOST_CONFIG),
                config.getInt(CommonConfig.HTTP_PORT_CONFIG), config.getString(StreamsAppConfig.HTTP_ADVERTISED_HOST_CONFIG),
                config.queryForwardTimeout(), NotificationsTopology.build(config, serdes, metrics), config::streamsProperties,
                QuerySecurity.from(config, serdes), HttpTlsSettings.from(config), metrics,
                (routes, queries) -> new NotificationsQueryRoutes(queries).register(routes));
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        // What this app gave up on or could not read, waiting for ops (the dispatcher, its own app, counts its own).
        metrics.watchDeadLetters(kafkaClientConfig(config), List.of(Topics.NOTIFICATIONS_DEAD_LETTERS.name()));
        return new NotificationsApp(app, CommonConfig.shutdownTimeout(config));
    }

    /** Settings of the dead-letter watch's consumer: the brokers and the app's Kafka security settings. */
    static Map<String, Object> kafkaClientConfig(NotificationsConfig config) {
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
        app.close(shutdownTimeout);
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
