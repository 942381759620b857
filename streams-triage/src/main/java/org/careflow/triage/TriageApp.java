package org.careflow.triage;

import org.careflow.config.ConfigSources;
import org.careflow.query.StreamsAppSpec;
import org.careflow.query.StreamsHttpApp;
import org.careflow.triage.query.TriageFhirRoutes;
import org.careflow.triage.query.TriageQueryRoutes;
import org.careflow.triage.topology.TriageTopology;

/** The streams-triage process: the triage topology on Kafka Streams, and its query API over HTTP. */
public final class TriageApp {

    public static final String NAME = "streams-triage";

    private TriageApp() {
    }

    /** What streams-triage is; {@link StreamsHttpApp#run} does the rest. */
    public static StreamsAppSpec<TriageConfig> spec(TriageConfig config) {
        return StreamsAppSpec.builder(NAME, config)
            .topology(TriageTopology::build)
            .streamsProperties(config::streamsProperties)
            .routes((routes, queries) -> {
                new TriageQueryRoutes(queries).register(routes);
                new TriageFhirRoutes(queries).register(routes);
            })
            .build();
    }

    public static StreamsHttpApp start(TriageConfig config) {
        return StreamsHttpApp.run(spec(config));
    }

    /** Runs until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        StreamsHttpApp.runUntilStopped(spec(new TriageConfig(ConfigSources.fromCommandLine(args, TriageConfig.CONFIG.names()))));
    }
}
