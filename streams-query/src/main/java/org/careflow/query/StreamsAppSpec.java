package org.careflow.query;

import io.javalin.config.JavalinConfig;
import java.util.Objects;
import java.util.Properties;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.streams.Topology;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.EventSerdes;

/**
 * What a careflow streams app is, by name: its name, its validated configuration, how its topology is built, its
 * Kafka Streams settings for the port its server bound, and its query routes. {@link StreamsHttpApp#run} turns a spec
 * into a running app; everything the apps share (serdes, metrics, security, TLS, health, shutdown) is done there once.
 * The stores an app serves are those of its topology: readiness and the query layer read them from it.
 *
 * @param <C> the app's configuration, which carries the shared keys ({@code CommonConfig}, {@code StreamsAppConfig})
 */
public final class StreamsAppSpec<C extends AbstractConfig> {

    /** Builds an app's topology from its configuration, the serdes of its events and the counters of its business events. */
    @FunctionalInterface
    public interface TopologyFactory<C> {
        Topology build(C config, EventSerdes serdes, BusinessMetrics metrics);
    }

    /** Registers an app's query routes; the supplier yields null until the stream processor exists. */
    @FunctionalInterface
    public interface Routes {
        void register(JavalinConfig config, Supplier<InteractiveQueryService> queries);
    }

    private final String name;
    private final C config;
    private final TopologyFactory<C> topology;
    private final IntFunction<Properties> streamsProperties;
    private final Routes routes;

    private StreamsAppSpec(Builder<C> builder) {
        this.name = Objects.requireNonNull(builder.name, "name");
        this.config = Objects.requireNonNull(builder.config, "config");
        this.topology = Objects.requireNonNull(builder.topology, "topology");
        this.streamsProperties = Objects.requireNonNull(builder.streamsProperties, "streamsProperties");
        this.routes = Objects.requireNonNull(builder.routes, "routes");
    }

    /** Starts the spec of the app called {@code name} (its metrics tag and log name, e.g. {@code streams-triage}). */
    public static <C extends AbstractConfig> Builder<C> builder(String name, C config) {
        return new Builder<>(name, config);
    }

    public String name() {
        return name;
    }

    public C config() {
        return config;
    }

    public Topology topology(EventSerdes serdes, BusinessMetrics metrics) {
        return topology.build(config, serdes, metrics);
    }

    /** The Kafka Streams settings with this instance reachable for queries at {@code httpPort}. */
    public Properties streamsProperties(int httpPort) {
        return streamsProperties.apply(httpPort);
    }

    public Routes routes() {
        return routes;
    }

    /** The parts of a spec, each set by name. */
    public static final class Builder<C extends AbstractConfig> {

        private final String name;
        private final C config;
        private TopologyFactory<C> topology;
        private IntFunction<Properties> streamsProperties;
        private Routes routes;

        private Builder(String name, C config) {
            this.name = name;
            this.config = config;
        }

        public Builder<C> topology(TopologyFactory<C> topology) {
            this.topology = topology;
            return this;
        }

        public Builder<C> streamsProperties(IntFunction<Properties> streamsProperties) {
            this.streamsProperties = streamsProperties;
            return this;
        }

        public Builder<C> routes(Routes routes) {
            this.routes = routes;
            return this;
        }

        public StreamsAppSpec<C> build() {
            return new StreamsAppSpec<>(this);
        }
    }
}
