package org.careflow.bench.infra;

import org.careflow.bench.BenchTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.config.CommonConfig;
import org.careflow.events.facilities.Facility;
import org.careflow.ingest.IngestConfig;
import org.careflow.platform.embedded.Directories;
import org.careflow.platform.embedded.ChildKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.security.AuthSettings;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.Topic;
import org.careflow.topics.TopicProvisioner;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The light stack the scenarios share: a single-node KRaft broker in a JVM of its own (so that its CPU and garbage
 * collection are not the bench's), the Apicurio Registry as a child process, every catalogue topic and schema, and the
 * bench's raw topics. Apps (ingest API, streams-triage) are started by the
 * scenarios that measure them. Everything lives in one temporary directory, deleted on close.
 */
public final class BenchStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BenchStack.class);

    /** The broker's JVM: Kafka's own scripts default to a 1 GiB heap. */
    static final List<String> BROKER_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g");
    static final String BROKER_LOG = "broker.log";
    private static final String CHILD_LOG_CONFIGURATION = "log4j2-bench-app.xml";
    private static final Duration BROKER_START_DEADLINE = Duration.ofSeconds(120);

    private final Path workDir;
    private ChildKafkaBroker broker;
    private EmbeddedRegistry registry;
    private String bootstrapServers;
    private String registryUrl;
    private Admin admin;
    private volatile boolean closed;

    private short replicationFactor = 1;

    private BenchStack(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts a stack of its own; see {@link #start(Path, int, BenchTarget)}. */
    public static BenchStack start(Path parent, int rawTopicPartitions) {
        return start(parent, rawTopicPartitions, BenchTarget.EMBEDDED);
    }

    /**
     * Starts broker and registry side by side in a new directory under {@code parent} (not the OS temp directory, which
     * Kafka Streams warns about for state stores), or uses the existing ones {@code target} names (left running on
     * close), then creates the missing topics and registers the schemas.
     */
    public static BenchStack start(Path parent, int rawTopicPartitions, BenchTarget target) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory(Files.createDirectories(parent), "work-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the benchmark's work directory in " + parent.toAbsolutePath(), e);
        }
        BenchStack stack = new BenchStack(workDir);
        try {
            if (target.existing()) {
                stack.bootstrapServers = target.bootstrapServers();
                stack.registryUrl = target.registryUrl();
            } else {
                // The registry (a JVM of its own, about 6 s) starts while the broker does.
                CompletableFuture<EmbeddedRegistry> registry = CompletableFuture.supplyAsync(
                    () -> EmbeddedRegistry.builder().workDirectory(workDir.resolve("registry")).build().start());
                try {
                    // Its log lies beside report.json, which outlives the work directory.
                    stack.broker = ChildKafkaBroker.start(workDir.resolve("kafka"),
                        Map.of("num.partitions", String.valueOf(Topics.DEFAULT_PARTITIONS)), BROKER_JVM_OPTIONS,
                        parent.resolve(BROKER_LOG), CHILD_LOG_CONFIGURATION, BROKER_START_DEADLINE);
                } finally {
                    stack.registry = join(registry);
                }
                stack.bootstrapServers = stack.broker.bootstrapServers();
                stack.registryUrl = stack.registry.url();
            }
            stack.replicationFactor = target.replicationFactor();
            stack.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers));
            TopicProvisioner.createMissing(stack.admin, Topics.all(), target.replicationFactor());
            List<Topic<?, ?>> raw = Topics.benchmark().stream().<Topic<?, ?>>map(t -> t.withPartitions(rawTopicPartitions)).toList();
            TopicProvisioner.createMissing(stack.admin, raw, target.replicationFactor());
            new SchemaRegistrar(stack.registryUrl).registerAll(Topics.all());
            stack.awaitLeaders(raw.stream().map(Topic::name).toList(), Duration.ofSeconds(60));
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static EmbeddedRegistry join(CompletableFuture<EmbeddedRegistry> registry) {
        try {
            return registry.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's process when the bench started it (empty on an existing cluster), e.g. for its CPU time. */
    public java.util.Optional<ProcessHandle> brokerProcess() {
        return broker == null ? java.util.Optional.empty() : java.util.Optional.of(broker.process());
    }

    public String registryUrl() {
        return registryUrl;
    }

    public Admin admin() {
        return admin;
    }

    /**
     * The ingest API's configuration on this stack, on an ephemeral port. The bench measures without authentication:
     * no token is minted, sent or verified.
     */
    public IngestConfig ingestConfig() {
        Map<String, Object> settings = CommonConfig.connection(bootstrapServers, registryUrl, "127.0.0.1", 0);
        settings.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
        return new IngestConfig(settings);
    }

    /**
     * Registers {@code facilityIds} (active, accepting self-triage) on the {@code facilities} topic as ops would, so that
     * an ingest API started afterwards serves writes naming them; writes naming an unregistered facility are 422.
     */
    public void registerFacilities(Collection<String> facilityIds) {
        RegistryEventSerdes serdes = serdes();
        Map<String, Object> props = new java.util.HashMap<>(serdes.clientConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Facility> producer = new KafkaProducer<>(props, new StringSerializer(),
            serdes.valueSerde(Topics.FACILITIES).serializer())) {
            for (String id : facilityIds) {
                producer.send(new ProducerRecord<>(Topics.FACILITIES.name(), id, Facility.newBuilder().setEventId("facility-" + id)
                    .setOccurredAt(java.time.Instant.now()).setFacilityId(id).setName(id).setActive(true).setAcceptsSelfTriage(true)
                    .build())).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not register the bench's facilities", e.getCause());
        }
    }

    /** Serdes through the registry, with registration off as in production. */
    public RegistryEventSerdes serdes() {
        return new RegistryEventSerdes(registryUrl, false);
    }

    /** A fresh directory under the work directory, e.g. for one round's state stores. */
    public Path newDirectory(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + workDir.resolve(name), e);
        }
    }

    /** Deletes a directory {@link #newDirectory(String)} made, e.g. a finished round's state stores. */
    public void deleteDirectory(String name) {
        Directories.deleteQuietly(workDir.resolve(name));
    }

    /** The sum of the end offsets of {@code topic}'s partitions: how many records it holds when nothing was deleted. */
    public long endOffsetSum(String topic) {
        return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The end offset of every partition of {@code topic}. */
    public Map<TopicPartition, Long> endOffsets(String topic) {
        return endOffsets(topic, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * Waits until no transaction is open on {@code topic} (its last stable offsets equal its end offsets), so that a
     * {@code read_committed} reader sees everything written from now on without waiting for an earlier writer's
     * transaction to end or time out. Returns how long that took.
     */
    public Duration awaitNoOpenTransactions(String topic, Duration deadline) {
        long begin = System.nanoTime();
        while (!endOffsets(topic, IsolationLevel.READ_COMMITTED).equals(endOffsets(topic, IsolationLevel.READ_UNCOMMITTED))) {
            if (System.nanoTime() - begin > deadline.toNanos()) {
                throw new IllegalStateException("A transaction on " + topic + " was still open after " + deadline.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /**
     * Creates a topic of a round's own (e.g. a raw app's output), with the stack's replication factor; the round deletes
     * it with {@link #deleteTopicsStartingWith}.
     */
    public void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(name, partitions, replicationFactor)))
                .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + name, e);
        }
        awaitLeaders(List.of(name), Duration.ofSeconds(60));
    }

    /** How many partitions {@code topic} has. */
    public int partitions(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot describe " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing " + topic, e);
        }
    }

    private Map<TopicPartition, Long> endOffsets(String topic, IsolationLevel isolation) {
        try {
            int partitions = partitions(topic);
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> out = new java.util.HashMap<>();
            admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the end offsets of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the end offsets of " + topic, e);
        }
    }

    /**
     * Waits until the leader of every partition of {@code topics} answers for it. A producer that writes to a partition
     * whose leadership is still settling can be told NOT_LEADER and then have its idempotent sequence rejected for
     * good, which on a loaded machine failed a whole run.
     */
    void awaitLeaders(List<String> topics, Duration deadline) {
        long begin = System.nanoTime();
        for (String topic : topics) {
            while (true) {
                try {
                    endOffsets(topic);
                    break;
                } catch (IllegalStateException e) {
                    if (System.nanoTime() - begin > deadline.toNanos()) {
                        throw new IllegalStateException("The partitions of " + topic + " had no leader after " + deadline.toSeconds() + " s", e);
                    }
                    LOG.debug("Partitions of {} not ready yet: {}", topic, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
        }
    }

    /** Deletes the topics whose names start with {@code prefix} (a finished round's changelog and repartition topics). */
    public void deleteTopicsStartingWith(String prefix) {
        try {
            Collection<String> doomed = new ArrayList<>(admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(name -> name.startsWith(prefix)).toList());
            if (!doomed.isEmpty()) {
                admin.deleteTopics(doomed).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not delete the topics of {}: {}", prefix, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops what runs and deletes the work directory. Safe to call twice, and from a shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // The registry first: it is a process of its own, which must not outlive this JVM even if what follows hangs.
            if (registry != null) {
                registry.close();
            }
        } finally {
            try {
                if (admin != null) {
                    admin.close(Duration.ofSeconds(10));
                }
                if (broker != null) {
                    broker.close();
                }
            } finally {
                Directories.deleteQuietly(workDir);
            }
        }
    }
}
