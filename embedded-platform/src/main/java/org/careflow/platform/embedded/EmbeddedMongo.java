package org.careflow.platform.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB wire-protocol server inside this JVM ({@code de.bwaldvogel:mongo-java-server}, in-memory backend) on
 * 127.0.0.1, for development and tests: the local launcher's document store and the target of the MongoDB sink
 * connector in integration tests. Production uses a real MongoDB; no {@code mongod} can be installed from the
 * package registries our machines reach.
 *
 * <p>It answers the MongoDB drivers and {@code mongo-kafka-connect}'s inserts, queries and {@code replaceOne} upserts,
 * but it is not MongoDB: no {@code hello} command (drivers fall back to {@code isMaster}), no sessions or
 * transactions, no pipeline updates, and change streams only with {@link Builder#oplog(boolean)}. Data live in
 * memory and are lost on {@link #close()}.
 *
 * <pre>{@code
 * try (EmbeddedMongo mongo = EmbeddedMongo.builder().build().start()) {
 *     MongoClient client = MongoClients.create(mongo.connectionString());
 * }
 * }</pre>
 */
public final class EmbeddedMongo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);

    private static final String HOST = "127.0.0.1";

    private final int requestedPort;
    private final boolean oplog;

    private final Lifecycle lifecycle = new Lifecycle("The Mongo server", "build a new one to restart");
    private MongoServer server;
    private int port;

    private EmbeddedMongo(Builder builder) {
        this.requestedPort = builder.port;
        this.oplog = builder.oplog;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the server; it accepts connections when this returns. Can be called once per instance. */
    public synchronized EmbeddedMongo start() {
        lifecycle.start(this::bind, e -> new IllegalStateException("Could not start the Mongo wire-protocol server on "
                + HOST + ":" + requestedPort, e), this::close);
        LOG.info("Mongo wire-protocol server (mongo-java-server, in memory) started in {} ms at {}",
                lifecycle.millisSinceStart(), connectionString());
        return this;
    }

    private void bind() {
        server = new MongoServer(new MemoryBackend());
        if (oplog) {
            server.enableOplog();
        }
        // Port 0 lets the OS choose, without the reserve-then-bind window of FreePorts.
        server.bind(HOST, requestedPort);
        port = server.getLocalAddress().getPort();
    }

    /** The connection string for drivers and for the sink's {@code connection.uri}, e.g. {@code mongodb://127.0.0.1:27017}. */
    public synchronized String connectionString() {
        requireStarted();
        return "mongodb://" + HOST + ":" + port;
    }

    /** The host to connect to: always {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    public synchronized int port() {
        requireStarted();
        return port;
    }

    /** Stops listening, closes the client connections and drops all data. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        lifecycle.close(server, MongoServer::shutdownNow,
                millis -> LOG.info("Mongo wire-protocol server at {}:{} stopped", HOST, port), () -> server = null);
    }

    private void requireStarted() {
        lifecycle.requireStarted();
    }

    /** Options of an {@link EmbeddedMongo}; every one has a default that suits tests. */
    public static final class Builder {

        private int port;
        private boolean oplog;

        private Builder() {
        }

        /** The TCP port on 127.0.0.1; 0 (the default) lets the OS pick a free one at start. */
        public Builder port(int port) {
            this.port = FreePorts.checkPort("port", port);
            return this;
        }

        /** Keeps an oplog so that change streams (e.g. a MongoDB source connector) work. Default {@code false}. */
        public Builder oplog(boolean oplog) {
            this.oplog = oplog;
            return this;
        }

        public EmbeddedMongo build() {
            return new EmbeddedMongo(this);
        }
    }
}
