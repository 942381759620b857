package org.careflow.masterdata;

import org.careflow.config.CommonConfig;
import org.careflow.config.ConfigSources;
import org.careflow.masterdata.cdc.RegistryCdcSerdes;
import org.careflow.masterdata.query.MasterDataFhirRoutes;
import org.careflow.masterdata.query.MasterDataQueryRoutes;
import org.careflow.masterdata.topology.MasterDataTopology;
import org.careflow.query.StreamsAppSpec;
import org.careflow.query.StreamsHttpApp;
import org.careflow.topics.RegistryLogin;

/**
 * The streams-masterdata process: master data captured by Debezium turned into careflow's schedule and contact
 * events, on Kafka Streams; health and the published schedules over HTTP.
 */
public final class MasterDataApp {

    public static final String NAME = "streams-masterdata";

    private MasterDataApp() {
    }

    /** What streams-masterdata is; {@link StreamsHttpApp#run} does the rest. */
    public static StreamsAppSpec<MasterDataConfig> spec(MasterDataConfig config) {
        return StreamsAppSpec.builder(NAME, config)
            // Debezium's change events are read with their own schemas, from the same registry and login.
            .topology((c, serdes, metrics) -> MasterDataTopology.build(c, serdes, new RegistryCdcSerdes(
                c.getString(CommonConfig.REGISTRY_URL_CONFIG), RegistryLogin.of(c.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG),
                    CommonConfig.registryClientSecret(c)))))
            .streamsProperties(config::streamsProperties)
            .routes((routes, queries) -> {
                new MasterDataQueryRoutes(queries).register(routes);
                new MasterDataFhirRoutes(queries, java.time.Instant::now).register(routes);
            })
            .build();
    }

    public static StreamsHttpApp start(MasterDataConfig config) {
        return StreamsHttpApp.run(spec(config));
    }

    /** Runs until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        StreamsHttpApp.runUntilStopped(spec(new MasterDataConfig(ConfigSources.fromCommandLine(args, MasterDataConfig.CONFIG.names()))));
    }
}
