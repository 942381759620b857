package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher is supervised: one that stops on an error (here Kafka refuses its status write for good) is noticed,
 * reported down to readiness with the reason, and replaced after a backoff; the new one resumes from the last commit
 * and delivers the notification. Real broker and registry, the Cloud API stand-in.
 */
@Tag("integration")
class DispatcherSupervisorIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void shouldReplaceADispatcherThatStoppedOnAnErrorReportItDownMeanwhileAndDeliver(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.catalogue(dir);
             CloudApiStandIn api = CloudApiStandIn.start()) {
            RegistryEventSerdes serdes = new RegistryEventSerdes(platform.registryUrl(), false);
            DispatcherSettings settings = new DispatcherSettings(api.baseUri(), "v21.0", TestNotifications.PHONE_NUMBER_ID,
                TestNotifications.TOKEN, 80, 3, Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofSeconds(2));
            // The first dispatcher's producer cannot write a status (its records exceed its max.request.size): it stops
            AtomicInteger started = new AtomicInteger();
            Map<String, BooleanSupplier> down = new ConcurrentHashMap<>();
            Map<String, String> reasons = new ConcurrentHashMap<>();
            try (DispatcherSupervisor supervisor = DispatcherSupervisor.start(() -> {
                Map<String, Object> kafka = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()));
                if (started.getAndIncrement() == 0) {
                    kafka.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16);
                }
                return NotificationDispatcher.start(kafka, "dispatcher-supervisor-it", serdes, settings, null, Clock.systemUTC(),
                    BusinessMetrics.NONE, null);
            }, (dependency, reason, recovered) -> {
                down.put(dependency, recovered);
                reasons.put(dependency, reason);
            }, Duration.ofSeconds(2))) {
                // When a reminder arrives
                String id = "n-supervised";
                try (KafkaProducer<String, OutboundNotification> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
                    serdes.keySerde(Topics.OUTBOUND_NOTIFICATIONS).serializer(), serdes.valueSerde(Topics.OUTBOUND_NOTIFICATIONS).serializer())) {
                    producer.send(new ProducerRecord<>(Topics.OUTBOUND_NOTIFICATIONS.name(), id, TestNotifications.reminder(id).build())).get();
                }

                // Then the first dispatcher stops, readiness hears why, and a new dispatcher replaces it
                Await.until("the supervisor to report the dispatcher down", DEADLINE, () -> down.containsKey(DispatcherSupervisor.DISPATCHER));
                assertThat(reasons.get(DispatcherSupervisor.DISPATCHER)).startsWith("stopped on");
                Await.until("a new dispatcher", DEADLINE, () -> supervisor.restarts() == 1 && supervisor.current().isRunning());

                // And the new one resumes from the last commit: the reminder's SENT status is written
                NotificationStatus status = Await.value("the reminder's status", DEADLINE, () -> status(platform, serdes, id));
                assertThat(status.getStatus()).isEqualTo(DeliveryStatus.SENT);
                assertThat(down.get(DispatcherSupervisor.DISPATCHER).getAsBoolean()).as("readiness recovers").isTrue();
                assertThat(supervisor.healthy()).isTrue();
            }
        }
    }

    private static NotificationStatus status(PlatformFixture platform, RegistryEventSerdes serdes, String id) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, NotificationStatus> consumer = new KafkaConsumer<>(props,
            serdes.keySerde(Topics.NOTIFICATION_STATUSES).deserializer(), serdes.valueSerde(Topics.NOTIFICATION_STATUSES).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.NOTIFICATION_STATUSES.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            for (ConsumerRecord<String, NotificationStatus> r : consumer.poll(Duration.ofSeconds(2))) {
                if (id.equals(r.key())) {
                    return r.value();
                }
            }
            return null;
        }
    }
}
