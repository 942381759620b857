package org.careflow.platform.embedded;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.Topic;
import org.careflow.topics.TopicProvisioner;
import org.careflow.topics.Topics;

/**
 * A platform with topics and schemas for integration tests: one embedded broker, optionally the registry, the
 * catalogue topics a test class asks for and their value schemas. The one way tests start a platform, so that a
 * change in start-up (a broker setting, a registry option, how schemas are registered) lands in one place.
 *
 * <p>Integration tests share one fixture per test class and give each test its own topics and application ids.
 * Everything lives under the directory given to {@link #builder(Path)}; {@link #close()} stops what is still running.
 */
public final class PlatformFixture implements AutoCloseable {

    private final Path directory;
    private final EmbeddedKafkaBroker broker;
    private final UnaryOperator<EmbeddedRegistry.Builder> registryOptions;
    private final boolean restartableRegistry;
    private EmbeddedRegistry registry;
    private int registryPort;

    private PlatformFixture(Builder builder, EmbeddedKafkaBroker broker) {
        this.directory = builder.directory;
        this.broker = broker;
        this.registryOptions = builder.registryOptions;
        this.restartableRegistry = builder.restartableRegistry;
    }

    /** A fixture whose data lives under {@code directory} (a test's temporary folder). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The usual platform: broker and registry, every catalogue topic created and every value schema registered. */
    public static PlatformFixture catalogue(Path directory) {
        return builder(directory).topics(Topics.all()).registerSchemas().start();
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The running registry; fails when the fixture has none or it is stopped. */
    public synchronized EmbeddedRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("This fixture's registry is not running: build it with a registry, or start it again");
        }
        return registry;
    }

    /** The registry's API URL; it stays the same across {@link #stopRegistry()} and {@link #startRegistry()}. */
    public synchronized String registryUrl() {
        return registry().url();
    }

    /** A new admin client on the plain listener; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    /** Creates the catalogue topics that are missing, for tests that add topics after start-up. */
    public void createTopics(Collection<Topic<?, ?>> topics) {
        try (Admin admin = admin()) {
            TopicProvisioner.createMissing(admin, topics, (short) 1);
        }
    }

    /** Creates per-test topics that are not in the catalogue ({@code partitions} each, one replica). */
    public void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topics " + List.of(names), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + List.of(names), e);
        }
    }

    /** Stops the registry, for tests of a registry outage; {@link #startRegistry()} brings it back. */
    public synchronized void stopRegistry() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }

    /**
     * Starts the registry again on the port it had, with the schemas it had when the fixture was built with
     * {@link Builder#restartableRegistry()}.
     */
    public synchronized EmbeddedRegistry startRegistry() {
        if (registry != null) {
            throw new IllegalStateException("The registry is already running at " + registry.url());
        }
        if (!restartableRegistry) {
            throw new IllegalStateException("Build the fixture with restartableRegistry() to start its registry again");
        }
        registry = startRegistry(registryPort);
        return registry;
    }

    private EmbeddedRegistry startRegistry(int port) {
        EmbeddedRegistry.Builder builder = EmbeddedRegistry.builder().workDirectory(directory.resolve("registry")).httpPort(port);
        if (restartableRegistry) {
            // A file database: schemas written before a stop are there after the restart.
            builder.h2Storage(directory.resolve("registry-db/registry"));
        }
        EmbeddedRegistry started = registryOptions.apply(builder).build().start();
        registryPort = URI.create(started.url()).getPort();
        return started;
    }

    /** Stops the registry and the broker; safe to call when either is already stopped. */
    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (AutoCloseable component : new AutoCloseable[] {registry, broker}) {
            try {
                if (component != null) {
                    component.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Could not stop the test platform", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        registry = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** What the fixture starts: broker options, whether there is a registry and how, topics to create, schemas to register. */
    public static final class Builder {

        private final Path directory;
        private UnaryOperator<EmbeddedKafkaBroker.Builder> brokerOptions = UnaryOperator.identity();
        private UnaryOperator<EmbeddedRegistry.Builder> registryOptions = UnaryOperator.identity();
        private boolean withRegistry = true;
        private boolean restartableRegistry;
        private final List<Topic<?, ?>> topics = new ArrayList<>();
        private boolean registerSchemas;
        private RegistryLogin registrar = RegistryLogin.NONE;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Broker options beyond the defaults, such as SASL users: {@code b -> b.saslPlainUsers(users)}. */
        public Builder broker(UnaryOperator<EmbeddedKafkaBroker.Builder> options) {
            this.brokerOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Registry options beyond the defaults, such as authentication: {@code r -> r.authentication(issuer)}. */
        public Builder registry(UnaryOperator<EmbeddedRegistry.Builder> options) {
            this.registryOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** A broker only, for tests whose records need no schemas. */
        public Builder withoutRegistry() {
            this.withRegistry = false;
            return this;
        }

        /** A registry that keeps its schemas in a file, so that {@link PlatformFixture#stopRegistry()} and
         * {@link PlatformFixture#startRegistry()} model an outage. */
        public Builder restartableRegistry() {
            this.restartableRegistry = true;
            return this;
        }

        /** Catalogue topics to create at start-up, with their partitions and cleanup policy. */
        public Builder topics(Collection<Topic<?, ?>> catalogueTopics) {
            this.topics.addAll(catalogueTopics);
            return this;
        }

        /** Registers the value schemas of the topics to create (the global BACKWARD rule with them), as a deployment does. */
        public Builder registerSchemas() {
            this.registerSchemas = true;
            return this;
        }

        /** As {@link #registerSchemas()}, logged in as {@code login} (a client with role sr-admin) on a registry with authentication. */
        public Builder registerSchemas(RegistryLogin login) {
            this.registrar = Objects.requireNonNull(login, "login");
            return registerSchemas();
        }

        /** Starts the broker, then the registry, creates the topics and registers the schemas; stops what started on a failure. */
        public PlatformFixture start() {
            if (registerSchemas && !withRegistry) {
                throw new IllegalStateException("registerSchemas() needs a registry: remove withoutRegistry()");
            }
            EmbeddedKafkaBroker broker = brokerOptions.apply(EmbeddedKafkaBroker.builder().dataDirectory(directory.resolve("kafka")))
                .build().start();
            PlatformFixture fixture = new PlatformFixture(this, broker);
            try {
                if (withRegistry) {
                    synchronized (fixture) {
                        fixture.registry = fixture.startRegistry(0);
                    }
                }
                if (!topics.isEmpty()) {
                    fixture.createTopics(topics);
                }
                if (registerSchemas) {
                    new SchemaRegistrar(fixture.registryUrl(), registrar).registerAll(topics);
                }
                return fixture;
            } catch (RuntimeException e) {
                try {
                    fixture.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }
}
