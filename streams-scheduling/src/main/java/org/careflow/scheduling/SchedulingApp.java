package org.careflow.scheduling;

import java.time.Instant;
import org.careflow.config.ConfigSources;
import org.careflow.query.StreamsAppSpec;
import org.careflow.query.StreamsHttpApp;
import org.careflow.scheduling.query.SchedulingFhirRoutes;
import org.careflow.scheduling.query.SchedulingQueryRoutes;
import org.careflow.scheduling.topology.SchedulingTopology;

/** The streams-scheduling process: the booking saga on Kafka Streams, and its query API over HTTP. */
public final class SchedulingApp {

    public static final String NAME = "streams-scheduling";

    private SchedulingApp() {
    }

    /** What streams-scheduling is; {@link StreamsHttpApp#run} does the rest. */
    public static StreamsAppSpec<SchedulingConfig> spec(SchedulingConfig config) {
        return StreamsAppSpec.builder(NAME, config)
            .topology(SchedulingTopology::build)
            .streamsProperties(config::streamsProperties)
            .routes((routes, queries) -> {
                new SchedulingQueryRoutes(queries, config.horizon(), Instant::now).register(routes);
                new SchedulingFhirRoutes(queries, config.horizon(), Instant::now).register(routes);
            })
            .build();
    }

    public static StreamsHttpApp start(SchedulingConfig config) {
        return StreamsHttpApp.run(spec(config));
    }

    /** Runs until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        StreamsHttpApp.runUntilStopped(spec(new SchedulingConfig(ConfigSources.fromCommandLine(args, SchedulingConfig.CONFIG.names()))));
    }
}
