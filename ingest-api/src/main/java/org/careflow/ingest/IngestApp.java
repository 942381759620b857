package org.careflow.ingest;

import io.javalin.Javalin;
import java.time.Clock;
import org.careflow.config.CommonConfig;
import org.careflow.config.ConfigSources;
import org.careflow.ingest.triage.TriageSubmissionParser;
import org.careflow.query.HttpServerFactory;
import org.careflow.topics.RegistryEventSerdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest API process: an HTTP server in front of an idempotent Kafka producer. */
public final class IngestApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);

    private final EventPublisher publisher;
    private final Javalin server;

    private IngestApp(EventPublisher publisher, Javalin server) {
        this.publisher = publisher;
        this.server = server;
    }

    /** Builds and starts the API as {@code config} says. */
    public static IngestApp start(IngestConfig config) {
        EventPublisher publisher = EventPublisher.create(config);
        try {
            IngestRoutes routes = new IngestRoutes(publisher, new TriageSubmissionParser(Clock.systemUTC(), config.maxClockSkew()));
            Javalin server = HttpServerFactory.create(config.getString(CommonConfig.HTTP_HOST_CONFIG),
                config.getInt(CommonConfig.HTTP_PORT_CONFIG), config.getLong(IngestConfig.HTTP_MAX_REQUEST_BYTES_CONFIG),
                publisher::healthy, routes::register).start();
            LOG.info("Ingest API listening on port {}", server.port());
            return new IngestApp(publisher, server);
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        publisher.close();
    }

    /** Runs the API until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        IngestConfig config = new IngestConfig(ConfigSources.fromCommandLine(args, IngestConfig.CONFIG.names()));
        IngestApp app = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, "ingest-shutdown"));
    }
}
