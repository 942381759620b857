package org.careflow.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.config.CommonConfig;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.Topic;
import org.careflow.topics.TopicPlacement;

/**
 * Writes events with acks=all and an idempotent producer, completing only when the broker acknowledged
 * the write. Every wait (metadata, retries, delivery) is bounded by one timeout, so a request never hangs
 * and never reports an event as accepted that was not written.
 *
 * <p>{@link #publish}'s futures complete on a small pool of answer threads, not on the producer's single I/O thread:
 * what callers chain on them (rendering and writing the HTTP answer) would otherwise run on the one thread that also
 * sends every record, and every answer would wait its turn there. {@link #send} acknowledges on the I/O thread without a
 * future, for callers that send many records and answer once ({@link #answerExecutor()}).
 */
public final class EventPublisher implements AutoCloseable {

    /** Threads that complete {@link #publish}'s futures: as many as cores (at least 2), each only renders and writes answers. */
    static final int ANSWER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** How one record of {@link #send} ended: exactly one of {@code metadata} and {@code failure} is set. */
    @FunctionalInterface
    public interface Acknowledgement {
        void acknowledged(RecordMetadata metadata, WriteFailure failure);
    }

    private final Producer<String, SpecificRecord> producer;
    private final Duration timeout;
    private final AtomicLong lastFailureNanos = new AtomicLong();
    private final ExecutorService answers;

    EventPublisher(Producer<String, SpecificRecord> producer, Duration timeout) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        AtomicInteger n = new AtomicInteger();
        this.answers = Executors.newFixedThreadPool(ANSWER_THREADS, r -> {
            Thread thread = new Thread(r, "ingest-answer-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A publisher writing through the schema registry as {@code config} says. */
    public static EventPublisher create(IngestConfig config) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), RegistryLogin.of(
                config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config)));
        Duration timeout = config.kafkaAckTimeout();
        return new EventPublisher(new KafkaProducer<>(producerConfig(config, serdes.clientConfig())), timeout);
    }

    /**
     * The producer settings of {@link #create}: {@code serdesConfig}, the app's Kafka security settings and delivery
     * settings. Public so that the bench's bare ingest floor writes with exactly these settings.
     */
    public static Map<String, Object> producerConfig(IngestConfig config, Map<String, ?> serdesConfig) {
        int timeoutMs = (int) config.kafkaAckTimeout().toMillis();
        int lingerMs = (int) config.kafkaLinger().toMillis();
        Map<String, Object> props = new HashMap<>(serdesConfig);
        props.putAll(CommonConfig.kafkaClientSecurity(config));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "careflow-ingest-api");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs - lingerMs);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaSerializer.class);
        return props;
    }

    /** The producer, for its metrics. */
    Producer<String, SpecificRecord> producer() {
        return producer;
    }

    /** The longest a {@link #publish} can take before it fails. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Sends {@code value} keyed by {@code key} (to the partition {@link TopicPlacement} names, if it names one). The
     * future completes with the partition and offset once the broker acknowledged it, or exceptionally with a
     * {@link WriteFailure} saying whether the record was not written or may have been (timeout, broker or registry
     * unreachable). It completes on an answer thread, or on the caller's when the record was refused at once.
     */
    public <V extends SpecificRecord> CompletableFuture<RecordMetadata> publish(Topic<String, V> topic, String key, V value) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        Thread caller = Thread.currentThread();
        send(topic, key, value, (metadata, failure) -> {
            Runnable completion = failure != null ? () -> result.completeExceptionally(failure) : () -> result.complete(metadata);
            if (Thread.currentThread() == caller) {
                completion.run();
            } else {
                handOff(completion);
            }
        });
        return result;
    }

    /**
     * Sends {@code value} as {@link #publish} does, telling {@code ack} how it ended: on the producer's I/O thread (so
     * {@code ack} must be quick: count, store, no I/O), or on the caller's when the record was refused at once.
     */
    public <V extends SpecificRecord> void send(Topic<String, V> topic, String key, V value, Acknowledgement ack) {
        Thread caller = Thread.currentThread();
        try {
            producer.send(new ProducerRecord<>(topic.name(), partition(topic, key), key, value), (metadata, error) -> {
                if (error != null) {
                    lastFailureNanos.set(System.nanoTime());
                    // The producer calls back on the caller's thread, inside send, only for a record it never queued
                    // (metadata did not come in time); later failures come from its I/O thread, after it held the record.
                    ack.acknowledged(null, Thread.currentThread() == caller ? WriteFailure.beforeSend(error) : WriteFailure.afterSend(error));
                } else {
                    ack.acknowledged(metadata, null);
                }
            });
        } catch (RuntimeException e) {
            // Metadata wait timed out, or the serializer could not reach the registry.
            lastFailureNanos.set(System.nanoTime());
            ack.acknowledged(null, WriteFailure.beforeSend(e));
        }
    }

    /** Where answers are rendered and written once Kafka acknowledged: not the producer's I/O thread. */
    public Executor answerExecutor() {
        return this::handOff;
    }

    /** Runs {@code task} on an answer thread; on the calling thread once the pool has shut down (the publisher closing). */
    private void handOff(Runnable task) {
        try {
            answers.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * The partition {@link TopicPlacement} gives the record, or null for Kafka's built-in partitioner. The partition
     * count comes from the producer's metadata (fetched once, then cached), within max.block.ms like a send.
     */
    private Integer partition(Topic<String, ?> topic, String key) {
        if (TopicPlacement.partition(topic.name(), key, 1).isEmpty()) {
            return null;
        }
        return TopicPlacement.partition(topic.name(), key, producer.partitionsFor(topic.name()).size()).getAsInt();
    }

    /** False while the last write failed less than one timeout ago: Kafka or the registry is unreachable. */
    public boolean healthy() {
        long failedAt = lastFailureNanos.get();
        return failedAt == 0 || System.nanoTime() - failedAt > timeout.toNanos();
    }

    @Override
    public void close() {
        close(timeout);
    }

    /**
     * Sends what the producer still holds (waiting up to {@code closeTimeout}), then closes it; then lets the answer
     * threads finish the answers those last acknowledgements started (up to {@code closeTimeout} again).
     */
    public void close(Duration closeTimeout) {
        try {
            producer.close(closeTimeout);
        } finally {
            answers.shutdown();
            try {
                answers.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
