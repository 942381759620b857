package org.careflow.query;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.config.HttpTlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Kafka Streams topology behind its query API: the HTTP server starts first, so
 * {@code application.server} carries the port it really bound, then the stream processor. Closing leaves the
 * consumer group, so a restarted or replacement instance gets the partitions at once.
 */
public final class StreamsHttpApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsHttpApp.class);
    /** The default of {@code shutdown.timeout.ms}. */
    private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(8);

    private final String name;
    private final Javalin server;
    private final KafkaStreams streams;
    private final AuditPublisher audit;

    private StreamsHttpApp(String name, Javalin server, KafkaStreams streams, AuditPublisher audit) {
        this.name = name;
        this.server = server;
        this.streams = streams;
        this.audit = audit;
    }

    /**
     * @param streamsProperties the Kafka Streams settings for the port the server bound
     * @param security the gate every route passes (each route needs one EndpointClass) and the audit of reads
     * @param routes adds the app's routes; the supplier yields null until the stream processor exists
     */
    public static StreamsHttpApp start(String name, String host, int port, String advertisedHost, Duration forwardTimeout,
                                       Topology topology, IntFunction<Properties> streamsProperties, QuerySecurity security,
                                       BiConsumer<JavalinConfig, Supplier<InteractiveQueryService>> routes) {
        return start(name, host, port, advertisedHost, forwardTimeout, topology, streamsProperties, security, HttpTlsSettings.none(), routes);
    }

    /**
     * As {@link #start(String, String, int, String, Duration, Topology, IntFunction, QuerySecurity, BiConsumer)}, serving
     * HTTPS when {@code tls} has a key store; queries are then forwarded to other instances over HTTPS, trusting
     * {@code tls}'s trust store.
     */
    public static StreamsHttpApp start(String name, String host, int port, String advertisedHost, Duration forwardTimeout,
                                       Topology topology, IntFunction<Properties> streamsProperties, QuerySecurity security,
                                       HttpTlsSettings tls, BiConsumer<JavalinConfig, Supplier<InteractiveQueryService>> routes) {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(tls, "tls");
        HttpClient forwarding = tls.enabled()
            ? InteractiveQueryService.newHttpClient(Duration.ofSeconds(2), tls.clientSslContext())
            : InteractiveQueryService.newHttpClient(Duration.ofSeconds(2));
        Objects.requireNonNull(security, "security");
        AtomicReference<KafkaStreams> streamsRef = new AtomicReference<>();
        AtomicReference<InteractiveQueryService> queries = new AtomicReference<>();
        Javalin server = HttpServerFactory.create(host, port, 64 * 1024,
            new StreamsReadiness(streamsRef::get, topology), security.gate(), tls,
            config -> routes.accept(config, queries::get)).start();
        try {
            KafkaStreams streams = new KafkaStreams(topology, streamsProperties.apply(server.port()));
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("{}: stream thread failed; replacing it", name, e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            queries.set(new InteractiveQueryService(streams, new HostInfo(advertisedHost, server.port()),
                forwarding, forwardTimeout, name, security.audit(), tls.scheme()));
            streamsRef.set(streams);
            streams.start();
            LOG.info("{} started; queries on port {}", name, server.port());
            return new StreamsHttpApp(name, server, streams, security.audit());
        } catch (RuntimeException e) {
            server.stop();
            security.audit().close();
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
        close(DEFAULT_SHUTDOWN_TIMEOUT);
    }

    /**
     * Stops in order, each step bounded by {@code timeout}: the HTTP server stops accepting and finishes the requests in
     * flight (their audit events are still written), then Kafka Streams commits, closes and leaves its group (so the
     * partitions move at once, not after the session timeout), then the audit producer flushes and closes.
     */
    public void close(Duration timeout) {
        LOG.info("{} stopping (each step at most {} ms)", name, timeout.toMillis());
        HttpServerFactory.stopGracefully(server, timeout);
        LOG.info("{}: HTTP server stopped", name);
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(timeout));
        if (closed) {
            LOG.info("{}: Kafka Streams closed and left its group", name);
        } else {
            LOG.warn("{}: Kafka Streams did not close within {} ms; its partitions move after the session timeout", name, timeout.toMillis());
        }
        audit.close();
        LOG.info("{}: audit producer flushed and closed", name);
        LOG.info("{} stopped", name);
    }
}
