package org.careflow.masterdata;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.CommonConfig;
import org.careflow.config.HttpTlsSettings;
import org.careflow.config.ConfigSources;
import org.careflow.config.StreamsAppConfig;
import org.careflow.masterdata.cdc.RegistryCdcSerdes;
import org.careflow.masterdata.query.MasterDataQueryRoutes;
import org.careflow.masterdata.topology.MasterDataTopology;
import org.careflow.query.QuerySecurity;
import org.careflow.query.StreamsHttpApp;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;

/**
 * The streams-masterdata process: master data captured by Debezium turned into careflow's schedule and contact
 * events, on Kafka Streams; health and the published schedules over HTTP.
 */
public final class MasterDataApp implements AutoCloseable {

    private final StreamsHttpApp app;
    private final Duration shutdownTimeout;

    private MasterDataApp(StreamsHttpApp app, Duration shutdownTimeout) {
        this.app = app;
        this.shutdownTimeout = shutdownTimeout;
    }

    public static MasterDataApp start(MasterDataConfig config) {
        String registryUrl = config.getString(CommonConfig.REGISTRY_URL_CONFIG);
        RegistryLogin login = RegistryLogin.of(config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config));
        RegistryEventSerdes serdes = new RegistryEventSerdes(registryUrl, config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), login);
        return new MasterDataApp(StreamsHttpApp.start("streams-masterdata", config.getString(CommonConfig.HTTP_HOST_CONFIG),
            config.getInt(CommonConfig.HTTP_PORT_CONFIG), config.getString(StreamsAppConfig.HTTP_ADVERTISED_HOST_CONFIG),
            config.queryForwardTimeout(), MasterDataTopology.build(config, serdes, new RegistryCdcSerdes(registryUrl, login)),
            config::streamsProperties, QuerySecurity.from(config, serdes),
            HttpTlsSettings.from(config), (routes, queries) -> new MasterDataQueryRoutes(queries).register(routes)), CommonConfig.shutdownTimeout(config));
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
        MasterDataApp app = start(new MasterDataConfig(ConfigSources.fromCommandLine(args, MasterDataConfig.CONFIG.names())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, "masterdata-shutdown"));
    }
}
