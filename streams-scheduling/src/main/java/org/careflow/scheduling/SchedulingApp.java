package org.careflow.scheduling;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.CommonConfig;
import org.careflow.config.HttpTlsSettings;
import org.careflow.config.ConfigSources;
import org.careflow.config.StreamsAppConfig;
import org.careflow.query.QuerySecurity;
import org.careflow.query.StreamsHttpApp;
import org.careflow.http.metrics.AppMetrics;
import org.careflow.query.metrics.BusinessMeters;
import org.careflow.scheduling.query.SchedulingQueryRoutes;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;

/** The streams-scheduling process: the booking saga on Kafka Streams, and its query API over HTTP. */
public final class SchedulingApp implements AutoCloseable {

    private final StreamsHttpApp app;
    private final Duration shutdownTimeout;

    private SchedulingApp(StreamsHttpApp app, Duration shutdownTimeout) {
        this.app = app;
        this.shutdownTimeout = shutdownTimeout;
    }

    public static SchedulingApp start(SchedulingConfig config) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), RegistryLogin.of(
                config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config)));
        AppMetrics metrics = AppMetrics.create("streams-scheduling");
        try {
            return new SchedulingApp(StreamsHttpApp.start("streams-scheduling", config.getString(CommonConfig.HTTP_HOST_CONFIG),
                config.getInt(CommonConfig.HTTP_PORT_CONFIG), config.getString(StreamsAppConfig.HTTP_ADVERTISED_HOST_CONFIG),
                config.queryForwardTimeout(), SchedulingTopology.build(config, serdes, new BusinessMeters(metrics.registry())), config::streamsProperties,
                QuerySecurity.from(config, serdes), HttpTlsSettings.from(config), metrics,
                (routes, queries) -> new SchedulingQueryRoutes(queries, config.horizon(), Instant::now).register(routes)),
                CommonConfig.shutdownTimeout(config));
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
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
        SchedulingApp app = start(new SchedulingConfig(ConfigSources.fromCommandLine(args, SchedulingConfig.CONFIG.names())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, "scheduling-shutdown"));
    }
}
