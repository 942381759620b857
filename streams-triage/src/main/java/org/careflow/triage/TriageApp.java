package org.careflow.triage;

import io.javalin.Javalin;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.config.CommonConfig;
import org.careflow.config.ConfigSources;
import org.careflow.query.HttpServerFactory;
import org.careflow.query.InteractiveQueryService;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.triage.query.TriageQueryRoutes;
import org.careflow.triage.topology.TriageTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The streams-triage process: the triage topology on Kafka Streams, and its query API over HTTP. */
public final class TriageApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TriageApp.class);

    private final Javalin server;
    private final KafkaStreams streams;

    private TriageApp(Javalin server, KafkaStreams streams) {
        this.server = server;
        this.streams = streams;
    }

    /**
     * Starts the HTTP server first (so {@code application.server} carries the port it really bound), then
     * the stream processor.
     */
    public static TriageApp start(TriageConfig config) {
        AtomicReference<KafkaStreams> streamsRef = new AtomicReference<>();
        AtomicReference<InteractiveQueryService> queries = new AtomicReference<>();
        Javalin server = HttpServerFactory.create(config.getString(CommonConfig.HTTP_HOST_CONFIG), config.getInt(CommonConfig.HTTP_PORT_CONFIG),
            64 * 1024, () -> streamsRef.get() != null && streamsRef.get().state() == KafkaStreams.State.RUNNING,
            new TriageQueryRoutes(queries::get)::register).start();
        try {
            RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
                config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG));
            Topology topology = TriageTopology.build(config, serdes);
            KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties(server.port()));
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("Stream thread failed; replacing it", e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            HostInfo self = new HostInfo(config.getString(TriageConfig.HTTP_ADVERTISED_HOST_CONFIG), server.port());
            queries.set(new InteractiveQueryService(streams, self,
                InteractiveQueryService.newHttpClient(Duration.ofSeconds(2)), config.queryForwardTimeout()));
            streamsRef.set(streams);
            streams.start();
            LOG.info("streams-triage started; queries on port {}", server.port());
            return new TriageApp(server, streams);
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        server.stop();
        // Leave the group, so a restarted or replacement instance gets the partitions at once instead of
        // after the old member's session timeout.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    }

    /** Runs until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        TriageConfig config = new TriageConfig(ConfigSources.fromCommandLine(args, TriageConfig.CONFIG.names()));
        TriageApp app = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, "triage-shutdown"));
    }
}
