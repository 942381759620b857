package org.careflow.notifications;

import org.careflow.config.ConfigSources;
import org.careflow.notifications.query.NotificationsQueryRoutes;
import org.careflow.notifications.topology.NotificationsTopology;
import org.careflow.query.StreamsAppSpec;
import org.careflow.query.StreamsHttpApp;

/**
 * The streams-notifications process: reminders, replies and delivery tracking on Kafka Streams, and their query API
 * over HTTP. What it plans is sent by the notifications dispatcher, an app of its own.
 */
public final class NotificationsApp {

    public static final String NAME = "streams-notifications";

    private NotificationsApp() {
    }

    /** What streams-notifications is; {@link StreamsHttpApp#run} does the rest. */
    public static StreamsAppSpec<NotificationsConfig> spec(NotificationsConfig config) {
        return StreamsAppSpec.builder(NAME, config)
            .topology(NotificationsTopology::build)
            .streamsProperties(config::streamsProperties)
            .routes((routes, queries) -> new NotificationsQueryRoutes(queries).register(routes))
            .build();
    }

    public static StreamsHttpApp start(NotificationsConfig config) {
        return StreamsHttpApp.run(spec(config));
    }

    /** Runs until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        StreamsHttpApp.runUntilStopped(spec(new NotificationsConfig(ConfigSources.fromCommandLine(args, NotificationsConfig.CONFIG.names()))));
    }
}
