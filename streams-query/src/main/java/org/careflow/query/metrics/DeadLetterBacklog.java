package org.careflow.query.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauge {@value #WAITING} per dead-letter topic: the records retained there that {@code ./careflow dlq replay} has
 * not put back yet (the replay ledger {@code dead-letter-replays} holds {@code topic:partition:offset} of each replayed
 * one). Records are counted by reading them (committed only), not from offsets, since transaction markers take offsets
 * too; what retention removed stops counting. Sampled in the background; reads only keys, never decodes a value.
 */
public final class DeadLetterBacklog implements AutoCloseable {

    /** {@code careflow_dead_letters_waiting{topic}}. */
    public static final String WAITING = "careflow.dead.letters.waiting";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterBacklog.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> topics;
    private final TopicPartition ledger = new TopicPartition(Topics.DEAD_LETTER_REPLAYS.name(), 0);
    /** Per dead-letter partition, the offsets of the records read there, ascending. */
    private final Map<TopicPartition, ArrayDeque<Long>> seen = new HashMap<>();
    private final Set<String> replayed = new HashSet<>();
    private final Map<String, Long> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler;

    private DeadLetterBacklog(Map<String, Object> clientConfig, Collection<String> topics) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = Set.copyOf(topics);
        this.sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("careflow-dead-letter-backlog").daemon().factory());
    }

    /**
     * Registers the gauges of {@code topics} in {@code registry} and samples them every {@code interval}.
     *
     * @param clientConfig Kafka client settings (bootstrap servers, security); the consumer has no group
     */
    public static DeadLetterBacklog start(Map<String, Object> clientConfig, Collection<String> topics, MeterRegistry registry,
                                          Duration interval) {
        DeadLetterBacklog backlog = new DeadLetterBacklog(clientConfig, topics);
        for (String topic : backlog.topics) {
            Gauge.builder(WAITING, backlog, b -> b.waiting.getOrDefault(topic, 0L))
                .description("Dead letters retained and not replayed yet, by dead-letter topic").tag("topic", topic).register(registry);
        }
        backlog.sampler.scheduleWithFixedDelay(backlog::sampleQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return backlog;
    }

    /** The consumer settings (address, login) among a Kafka Streams configuration's. */
    public static Map<String, Object> clientConfig(Properties streamsProperties) {
        Map<String, Object> config = new HashMap<>();
        Set<String> consumerKeys = ConsumerConfig.configNames();
        // Values as they are: a login may be a Password, not a string.
        streamsProperties.forEach((name, value) -> {
            if (consumerKeys.contains(name.toString())) {
                config.put(name.toString(), value);
            }
        });
        return config;
    }

    /** The last sampled count of {@code topic}. */
    public long waiting(String topic) {
        return waiting.getOrDefault(topic, 0L);
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (KafkaException e) {
            LOG.warn("Could not count the waiting dead letters now: {}", e.getMessage());
        }
    }

    synchronized void sample() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos != null) {
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
        }
        List<TopicPartition> assigned = new ArrayList<>(partitions);
        assigned.add(ledger);
        if (!new HashSet<>(assigned).equals(consumer.assignment())) {
            consumer.assign(assigned);
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && behind(ends)) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.topic().equals(ledger.topic())) {
                    if (record.key() != null) {
                        replayed.add(new String(record.key(), StandardCharsets.UTF_8));
                    }
                } else {
                    seen.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), p -> new ArrayDeque<>()).add(record.offset());
                }
            }
        }
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
        Map<String, Long> counts = new HashMap<>();
        topics.forEach(topic -> counts.put(topic, 0L));
        for (TopicPartition partition : partitions) {
            ArrayDeque<Long> offsets = seen.getOrDefault(partition, new ArrayDeque<>());
            long start = starts.getOrDefault(partition, 0L);
            while (!offsets.isEmpty() && offsets.peekFirst() < start) {
                offsets.pollFirst();
            }
            long notReplayed = offsets.stream()
                .filter(offset -> !replayed.contains(partition.topic() + ":" + partition.partition() + ":" + offset)).count();
            counts.merge(partition.topic(), notReplayed, Long::sum);
        }
        waiting.putAll(counts);
    }

    private boolean behind(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            consumer.close();
        }
    }
}
