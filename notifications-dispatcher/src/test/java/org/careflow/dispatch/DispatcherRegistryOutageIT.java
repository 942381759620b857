package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryProbe;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transient is not poison, for the dispatcher: a reminder it cannot read while the schema registry is down is neither
 * skipped nor dead-lettered, and is sent once the registry is back; a record unreadable on its own is dead-lettered
 * unchanged once the registry can vouch that it is. Real broker, real registry (stopped, then started again on the same
 * port and database), the Cloud API stand-in.
 */
@Tag("integration")
class DispatcherRegistryOutageIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void shouldSendAReminderReadDuringARegistryOutageOnceItIsBackAndDeadLetterOnlyTheUnreadableRecord(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.builder(dir).restartableRegistry().topics(Topics.all()).registerSchemas().start();
             CloudApiStandIn api = CloudApiStandIn.start()) {
            String registryUrl = platform.registryUrl();
            RegistryEventSerdes serdes = new RegistryEventSerdes(registryUrl, false);
            // Given a reminder written while the registry was up, and a record that is no notification at all
            String id = "n-outage";
            try (KafkaProducer<String, OutboundNotification> producer = new KafkaProducer<>(
                     Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
                     serdes.keySerde(Topics.OUTBOUND_NOTIFICATIONS).serializer(), serdes.valueSerde(Topics.OUTBOUND_NOTIFICATIONS).serializer());
                 KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.OUTBOUND_NOTIFICATIONS.name(), id, TestNotifications.reminder(id).build())).get();
                raw.send(new ProducerRecord<>(Topics.OUTBOUND_NOTIFICATIONS.name(), "poison".getBytes(StandardCharsets.UTF_8),
                    "not an avro record".getBytes(StandardCharsets.UTF_8))).get();
            }

            // When the registry goes down before a dispatcher (knowing no schema yet) reads them
            platform.stopRegistry();
            DispatcherSettings settings = new DispatcherSettings(api.baseUri(), "v21.0", TestNotifications.PHONE_NUMBER_ID,
                TestNotifications.TOKEN, 80, 3, Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofSeconds(2));
            try (NotificationDispatcher dispatcher = NotificationDispatcher.start(
                     Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()), "dispatcher-outage-it", serdes, settings,
                     null, Clock.systemUTC(), BusinessMetrics.NONE, RegistryProbe.create(registryUrl, "", "", Duration.ZERO))) {
                // Then it waits for the registry: nothing sent, nothing dead-lettered or skipped
                Await.until("the dispatcher to wait for the registry", DEADLINE, dispatcher::waitingForRegistry);
                assertThat(api.requestsFor(id)).isEmpty();
                assertThat(endOffset(platform, Topics.NOTIFICATIONS_DEAD_LETTERS.name())).as("an outage is not poison").isZero();

                // When the registry is back, on the same port and database
                try (EmbeddedRegistry again = platform.startRegistry()) {
                    // Then the reminder is sent, once, and only the record that is no notification is a dead letter
                    Await.until("the reminder to be sent", DEADLINE, () -> api.requestsFor(id).size() == 1);
                    Await.until("the unreadable record to be dead-lettered", DEADLINE,
                        () -> endOffset(platform, Topics.NOTIFICATIONS_DEAD_LETTERS.name()) == 1);
                    assertThat(api.requestsFor(id)).hasSize(1);
                    assertThat(dispatcher.waitingForRegistry()).isFalse();
                    assertThat(dispatcher.isRunning()).isTrue();
                }
            }
        }
    }

    private static long endOffset(PlatformFixture platform, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()))) {
            long total = 0;
            for (int p = 0; p < admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic).partitions().size(); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                total += admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
