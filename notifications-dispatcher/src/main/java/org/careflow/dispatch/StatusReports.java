package org.careflow.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.Topics;

/**
 * Finds whether a notification is known to have gone out, by reading its reports on {@code notification-statuses}:
 * the SENT a dispatcher published, and the SENT, DELIVERED or READ the Cloud API's status webhook reported (ingest
 * writes those with the notification id the API echoes). Statuses are keyed by notification id, so only the one
 * partition the producers' partitioner puts that key in is read, from a little before the attempt to its end.
 *
 * <p>Used only when a notification's fate is unknown, which is rare; one consumer without a group, used by the
 * dispatcher's thread alone, reads committed records only.
 */
final class StatusReports implements AutoCloseable {

    /** Reports are found by their record time, which another host stamps: read from this long before the attempt. */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);
    private static final Set<DeliveryStatus> WENT_OUT = EnumSet.of(DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_LIMIT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Serializer<String> keySerializer;
    private final Deserializer<NotificationStatus> statusDeserializer;
    private final String topic = Topics.NOTIFICATION_STATUSES.name();

    StatusReports(Map<String, Object> kafkaConfig, String clientId, EventSerdes serdes) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.keySerializer = serdes.keySerde(Topics.NOTIFICATION_STATUSES).serializer();
        this.statusDeserializer = serdes.valueSerde(Topics.NOTIFICATION_STATUSES).deserializer();
    }

    /**
     * The latest report that {@code notificationId} went out, among those written since {@code since} (less
     * {@link #CLOCK_MARGIN}); empty when there is none.
     *
     * @throws Unreadable when the partition cannot be read to its end now
     */
    Optional<NotificationStatus> reportedSent(String notificationId, Instant since) {
        try {
            byte[] key = keySerializer.serialize(topic, notificationId);
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                throw new Unreadable("no partitions of " + topic + " are known", null);
            }
            TopicPartition partition = new TopicPartition(topic, BuiltInPartitioner.partitionForKey(key, partitions.size()));
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, since.minus(CLOCK_MARGIN).toEpochMilli())).get(partition);
            if (start == null || start.offset() >= end) {
                return Optional.empty();
            }
            consumer.seek(partition, start.offset());
            NotificationStatus found = null;
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new Unreadable("could not read " + partition + " to its end within " + READ_LIMIT, null);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < end && record.value() != null && Arrays.equals(record.key(), key)) {
                        NotificationStatus status = read(record);
                        if (status != null && WENT_OUT.contains(status.getStatus())) {
                            found = status;
                        }
                    }
                }
            }
            return Optional.ofNullable(found);
        } catch (KafkaException e) {
            throw new Unreadable("could not read " + topic + ": " + e.getMessage(), e);
        }
    }

    private NotificationStatus read(ConsumerRecord<byte[], byte[]> record) {
        try {
            return statusDeserializer.deserialize(topic, record.headers(), record.value());
        } catch (RuntimeException e) {
            // Most often the registry is unavailable; a report that cannot be read is not known to be absent.
            throw new Unreadable("could not read a status at offset " + record.offset() + " of " + topic + "-" + record.partition(), e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** The reports cannot be read now; what is known about the notification is unknown, so it must not be sent again yet. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
