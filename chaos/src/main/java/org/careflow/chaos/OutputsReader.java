package org.careflow.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what careflow answered, as a downstream consumer would ({@code read_committed}, from the beginning): every
 * assessment per submission, every booking outcome per booking, every notification to send. A record that cannot be read yet (the registry away)
 * is read again, never skipped.
 */
final class OutputsReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputsReader.class);

    /** What the outcomes topic said about one booking: its decisions (CONFIRMED or REJECTED) and its latest state. */
    static final class BookingHistory {
        final AtomicInteger decisions = new AtomicInteger();
        volatile BookingOutcome latest;
    }

    final Map<String, AtomicInteger> assessments = new ConcurrentHashMap<>();
    final Map<String, BookingHistory> bookings = new ConcurrentHashMap<>();
    /** Every notification careflow decided to send, by notification id: what the stand-in's requests are about. */
    final Map<String, OutboundNotification> notifications = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<TriageAssessment> assessmentReader;
    private final Deserializer<BookingOutcome> outcomeReader;
    private final Deserializer<OutboundNotification> notificationReader;
    private final Thread thread;
    private volatile boolean running = true;

    OutputsReader(String bootstrap, RegistryEventSerdes serdes) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assessmentReader = serdes.valueSerde(Topics.TRIAGE_ASSESSMENTS).deserializer();
        outcomeReader = serdes.valueSerde(Topics.BOOKING_OUTCOMES).deserializer();
        notificationReader = serdes.valueSerde(Topics.OUTBOUND_NOTIFICATIONS).deserializer();
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic<?, ?> topic : List.<Topic<?, ?>>of(Topics.TRIAGE_ASSESSMENTS, Topics.BOOKING_OUTCOMES, Topics.OUTBOUND_NOTIFICATIONS)) {
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::loop, "chaos-outputs");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        take(record);
                    } catch (RuntimeException e) {
                        // Most likely the registry is away: read this partition again from this record.
                        LOG.debug("Cannot read {}-{}@{} yet: {}", record.topic(), record.partition(), record.offset(), e.toString());
                        consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                        break;
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debug("Outputs poll failed: {}", e.toString());
            }
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        if (record.topic().equals(Topics.TRIAGE_ASSESSMENTS.name())) {
            TriageAssessment a = assessmentReader.deserialize(record.topic(), record.headers(), record.value());
            assessments.computeIfAbsent(a.getSubmissionId(), k -> new AtomicInteger()).incrementAndGet();
        } else if (record.topic().equals(Topics.OUTBOUND_NOTIFICATIONS.name())) {
            OutboundNotification n = notificationReader.deserialize(record.topic(), record.headers(), record.value());
            notifications.put(n.getNotificationId(), n);
        } else {
            BookingOutcome o = outcomeReader.deserialize(record.topic(), record.headers(), record.value());
            BookingHistory h = bookings.computeIfAbsent(o.getBookingId(), k -> new BookingHistory());
            if (o.getStatus() == BookingStatus.CONFIRMED || o.getStatus() == BookingStatus.REJECTED) {
                h.decisions.incrementAndGet();
            }
            h.latest = o;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
