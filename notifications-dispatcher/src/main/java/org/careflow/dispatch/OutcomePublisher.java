package org.careflow.dispatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an {@link Outcome} to Kafka (the status to {@code notification-statuses}, the dead letter to
 * {@code outbound-dead-letters}) and waits until Kafka acknowledged both. One idempotent producer serves both
 * topics; values are serialized here with each topic's own serde.
 */
final class OutcomePublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomePublisher.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<String> keySerializer;
    private final Serializer<NotificationStatus> statusSerializer;
    private final Serializer<OutboundNotification> deadLetterSerializer;
    private final Sleeper sleeper;

    OutcomePublisher(Map<String, Object> kafkaConfig, String clientId, EventSerdes serdes, Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.keySerializer = serdes.keySerde(Topics.NOTIFICATION_STATUSES).serializer();
        this.statusSerializer = serdes.valueSerde(Topics.NOTIFICATION_STATUSES).serializer();
        this.deadLetterSerializer = serdes.valueSerde(Topics.OUTBOUND_DEAD_LETTERS).serializer();
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Publishes and waits for the acknowledgements, trying again while Kafka is only temporarily unavailable.
     *
     * @return false if the dispatcher closed before Kafka acknowledged
     * @throws KafkaException when Kafka refuses the records for good
     */
    boolean publish(OutboundNotification notification, Outcome outcome) {
        String id = notification.getNotificationId();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        if (outcome.deadLetter() != null) {
            records.add(record(Topics.OUTBOUND_DEAD_LETTERS, id, notification, deadLetterSerializer, outcome.deadLetter().toHeaders()));
        }
        records.add(record(Topics.NOTIFICATION_STATUSES, id, outcome.status(), statusSerializer, new RecordHeaders()));
        return sendAndWait(records, "the outcome of notification " + id);
    }

    /**
     * Writes a record the dispatcher cannot read, unchanged (key, value, headers), to {@code notifications-dead-letters}
     * with why and where it came from in headers, and waits for the acknowledgement as {@link #publish} does.
     *
     * @return false if the dispatcher closed before Kafka acknowledged
     */
    boolean deadLetterUnreadable(RecordDeserializationException unreadable) {
        Headers headers = new RecordHeaders(unreadable.headers() == null ? new RecordHeaders().toArray() : unreadable.headers().toArray());
        headers.add(DeadLetter.REASON_HEADER, ("unreadable: " + unreadable.getMessage()).getBytes(StandardCharsets.UTF_8));
        // Where it came from, under Kafka Streams' dead-letter header names, so ./careflow dlq reads every dead letter alike.
        headers.add("__streams.errors.topic", unreadable.topicPartition().topic().getBytes(StandardCharsets.UTF_8));
        headers.add("__streams.errors.partition", Integer.toString(unreadable.topicPartition().partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("__streams.errors.offset", Long.toString(unreadable.offset()).getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.NOTIFICATIONS_DEAD_LETTERS.name(), null,
            bytes(unreadable.keyBuffer()), bytes(unreadable.valueBuffer()), headers);
        return sendAndWait(List.of(record), "the dead letter of the unreadable record of " + unreadable.topicPartition());
    }

    /**
     * Sends {@code records} and waits for every acknowledgement, sending them all again after a pause while Kafka is
     * only temporarily unavailable. False if the dispatcher closed first; a KafkaException when Kafka refuses for good.
     */
    private boolean sendAndWait(List<ProducerRecord<byte[], byte[]>> records, String what) {
        while (true) {
            try {
                List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
                for (ProducerRecord<byte[], byte[]> record : records) {
                    acks.add(producer.send(record));
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get();
                }
                return true;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new KafkaException("Could not publish " + what, e.getCause());
                }
                LOG.warn("Could not publish {}; trying again in {} ms", what, RETRY_PAUSE.toMillis(), e.getCause());
                try {
                    sleeper.sleep(RETRY_PAUSE);
                } catch (InterruptedException closing) {
                    return false;
                }
            } catch (InterruptedException e) {
                return false;
            }
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private <V> ProducerRecord<byte[], byte[]> record(Topic<String, V> topic, String key, V value, Serializer<V> serializer,
                                                      Headers headers) {
        byte[] keyBytes = keySerializer.serialize(topic.name(), headers, key);
        byte[] valueBytes = serializer.serialize(topic.name(), headers, value);
        return new ProducerRecord<>(topic.name(), null, keyBytes, valueBytes, headers);
    }

    @Override
    public void close() {
        producer.close();
        keySerializer.close();
        statusSerializer.close();
        deadLetterSerializer.close();
    }
}
