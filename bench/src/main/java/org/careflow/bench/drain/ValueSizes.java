package org.careflow.bench.drain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The average size of record values: tombstones (null values) are not state and are left out. {@link #ofTopic} reads a
 * topic's committed records (a sample of at most {@code limit}) to measure what an app wrote there.
 */
public final class ValueSizes {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_DEADLINE = Duration.ofSeconds(60);

    private long values;
    private long bytes;
    private long tombstones;

    /** Counts one record's value; null is a tombstone. */
    public void add(byte[] value) {
        if (value == null) {
            tombstones++;
        } else {
            values++;
            bytes += value.length;
        }
    }

    public long values() {
        return values;
    }

    public long tombstones() {
        return tombstones;
    }

    /** The average value size in bytes, rounded, at least 1; fails when no value was counted. */
    public int averageBytes() {
        if (values == 0) {
            throw new IllegalStateException("No record value to measure (" + tombstones + " tombstones)");
        }
        return (int) Math.max(1, Math.round((double) bytes / values));
    }

    /**
     * Reads {@code topic} from {@code from} (a partition left out starts at its beginning) to its end as it is now, with
     * {@code isolation.level=read_committed}, counting at most {@code limit} records.
     */
    public static ValueSizes ofTopic(String bootstrapServers, String topic, Map<TopicPartition, Long> from, long limit) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-value-sizes");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ValueSizes sizes = new ValueSizes();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.stream().filter(from::containsKey).forEach(tp -> consumer.seek(tp, from.get(tp)));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (sizes.values + sizes.tombstones < limit && !reached(consumer, end) && System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        sizes.add(record.value());
                    }
                }
            }
        }
        return sizes;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
