package org.careflow.triage;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.CommonConfig;
import org.careflow.config.HttpTlsSettings;
import org.careflow.config.ConfigSources;
import org.careflow.query.QuerySecurity;
import org.careflow.query.StreamsHttpApp;
import org.careflow.http.metrics.AppMetrics;
import org.careflow.query.metrics.BusinessMeters;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;
import org.careflow.triage.query.TriageQueryRoutes;
import org.careflow.triage.topology.TriageTopology;

/** The streams-triage process: the triage topology on Kafka Streams, and its query API over HTTP. */
public final class TriageApp implements AutoCloseable {

    private final StreamsHttpApp app;
    private final Duration shutdownTimeout;

    private TriageApp(StreamsHttpApp app, Duration shutdownTimeout) {
        this.app = app;
        this.shutdownTimeout = shutdownTimeout;
    }

    public static TriageApp start(TriageConfig config) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), RegistryLogin.of(
                config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config)));
        AppMetrics metrics = AppMetrics.create("streams-triage");
        try {
            return new TriageApp(StreamsHttpApp.start("streams-triage", config.getString(CommonConfig.HTTP_HOST_CONFIG),
                config.getInt(CommonConfig.HTTP_PORT_CONFIG), config.getString(TriageConfig.HTTP_ADVERTISED_HOST_CONFIG),
                config.queryForwardTimeout(), TriageTopology.build(config, serdes, new BusinessMeters(metrics.registry())), config::streamsProperties,
                QuerySecurity.from(config, serdes), HttpTlsSettings.from(config), metrics,
                (routes, queries) -> new TriageQueryRoutes(queries).register(routes)),
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
        TriageApp app = start(new TriageConfig(ConfigSources.fromCommandLine(args, TriageConfig.CONFIG.names())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, "triage-shutdown"));
    }
}
