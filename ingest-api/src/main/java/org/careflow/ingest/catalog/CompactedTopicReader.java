package org.careflow.ingest.catalog;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.careflow.config.CommonConfig;
import org.careflow.ingest.IngestConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a small compacted topic from its beginning on a daemon thread and hands every record to a catalog
 * ({@code apply}), with no consumer group and no committed offsets: every ingest instance holds the whole topic. It is
 * caught up once it has reached the end offsets it saw when it started. A record that cannot be read is retried with
 * a backoff of 1 s doubling to 30 s, never skipped: a catalog silently missing an entry would refuse valid writes.
 * The machinery of the form catalog and the facility catalog.
 *
 * @param <V> the topic's value type
 */
public final class CompactedTopicReader<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicReader.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Consumer<String, V> consumer;
    private final String topic;
    private final java.util.function.Consumer<ConsumerRecord<String, V>> apply;
    private final IntSupplier size;
    private final CountDownLatch caughtUpSignal = new CountDownLatch(1);
    private final CountDownLatch closeSignal = new CountDownLatch(1);
    private volatile boolean caughtUp;
    private volatile boolean closed;
    private Thread reader;
    /** The end offsets seen when reading started: reaching them is being caught up. Reader thread only. */
    private Map<TopicPartition, Long> startEndOffsets;
    /** Reader thread only. */
    private int consecutiveFailures;

    /**
     * @param name    what is read, for log lines and the thread name ("form catalog")
     * @param consumer null for a reader of nothing, caught up from the start (fixed catalogs in tests and tools)
     * @param apply   called on the reader thread with each record, in offset order per partition
     * @param size    how many entries the catalog holds, for the caught-up log line
     */
    public CompactedTopicReader(String name, Consumer<String, V> consumer, String topic,
                                java.util.function.Consumer<ConsumerRecord<String, V>> apply, IntSupplier size) {
        this.name = Objects.requireNonNull(name, "name");
        this.consumer = consumer;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.apply = Objects.requireNonNull(apply, "apply");
        this.size = Objects.requireNonNull(size, "size");
        if (consumer == null) {
            markCaughtUp();
        }
    }

    /**
     * The consumer settings of a catalog's reader: {@code serdesConfig}, the app's Kafka security settings, a client id
     * {@code careflow-ingest-api-<clientSuffix>}, and reading from the beginning without a group.
     */
    public static Map<String, Object> consumerConfig(IngestConfig config, Map<String, ?> serdesConfig, String clientSuffix) {
        Map<String, Object> props = new HashMap<>(serdesConfig);
        props.putAll(CommonConfig.kafkaClientSecurity(config));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "careflow-ingest-api-" + clientSuffix);
        // Assigned, not subscribed: every instance reads every partition, and no offsets are committed.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        return props;
    }

    /** Starts reading the topic from its beginning on a daemon thread. */
    public synchronized void start() {
        if (consumer == null || reader != null || closed) {
            return;
        }
        reader = Thread.ofPlatform().daemon().name(name.replace(' ', '-')).start(this::run);
    }

    /** Waits at most {@code timeout} for {@link #caughtUp()}; returns whether it is. */
    public boolean awaitCaughtUp(Duration timeout) {
        try {
            return caughtUpSignal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return caughtUp;
        }
    }

    /** True once the topic was read up to where it ended when reading started. It stays true. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try {
            while (!closed) {
                Duration pause = step();
                if (!pause.isZero()) {
                    awaitClose(pause);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("The {} stopped reading {}", name, topic, e);
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    /** One step of the reader thread, failures included: how long to pause before the next step (zero: none). */
    public Duration step() {
        try {
            if (!pollOnce()) {
                return RETRY_BACKOFF;
            }
            consecutiveFailures = 0;
            return Duration.ZERO;
        } catch (WakeupException e) {
            // close() woke the poll; the loop condition ends it.
            return Duration.ZERO;
        } catch (RecordDeserializationException e) {
            Duration pause = backoff();
            LOG.warn("Cannot read the record of {} at partition {} offset {}; retrying in {} ms: {}", topic,
                e.topicPartition().partition(), e.offset(), pause.toMillis(), rootCause(e));
            return pause;
        } catch (KafkaException e) {
            Duration pause = backoff();
            LOG.warn("Reading {} failed; retrying in {} ms: {}", topic, pause.toMillis(), rootCause(e));
            return pause;
        }
    }

    /** 1 s, 2 s, 4 s ... up to 30 s while failures last, so an outage does not flood the log. */
    private Duration backoff() {
        consecutiveFailures = Math.min(consecutiveFailures + 1, 16);
        long millis = RETRY_BACKOFF.toMillis() << (consecutiveFailures - 1);
        return Duration.ofMillis(Math.min(millis, MAX_RETRY_BACKOFF.toMillis()));
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
    }

    /** Assign all partitions (once), read what is there, and note when caught up. False when the topic does not exist (yet). */
    public boolean pollOnce() {
        if (startEndOffsets == null && !assignAll()) {
            return false;
        }
        for (ConsumerRecord<String, V> record : consumer.poll(POLL_TIMEOUT)) {
            apply.accept(record);
        }
        if (!caughtUp && startEndOffsets.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            markCaughtUp();
            LOG.info("The {} caught up with {}: {} entries", name, topic, size.getAsInt());
        }
        return true;
    }

    private boolean assignAll() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            LOG.warn("Topic {} not found; the {} waits for it to be created", topic, name);
            return false;
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        startEndOffsets = Map.copyOf(consumer.endOffsets(assigned));
        LOG.info("The {} is reading {} from the beginning ({} partition(s))", name, topic, assigned.size());
        return true;
    }

    private void markCaughtUp() {
        caughtUp = true;
        caughtUpSignal.countDown();
    }

    private void awaitClose(Duration timeout) {
        try {
            closeSignal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops reading and closes the consumer. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = reader;
        }
        closeSignal.countDown();
        if (consumer == null) {
            return;
        }
        if (running == null) {
            consumer.close(CLOSE_TIMEOUT);
            return;
        }
        consumer.wakeup();
        try {
            running.join(CLOSE_TIMEOUT.plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
