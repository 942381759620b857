package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.careflow.config.CommonConfig;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.security.AuthSettings;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.TopicProvisioner;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher as its own process ({@link DispatcherApp#main}'s start): from its own config it delivers a reminder
 * and serves /health/live, /health/ready and /metrics. Real broker and registry, the Cloud API stand-in.
 */
@Tag("integration")
class DispatcherAppIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldDeliverAndServeHealthAndMetricsWhenStartedFromItsOwnConfig(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dir.resolve("kafka")).build().start();
             EmbeddedRegistry registry = EmbeddedRegistry.builder().workDirectory(dir.resolve("registry")).build().start();
             CloudApiStandIn api = CloudApiStandIn.start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                TopicProvisioner.createMissing(admin, Topics.all(), (short) 1);
            }
            new SchemaRegistrar(registry.url()).registerAll(Topics.all());
            Map<String, Object> props = new HashMap<>();
            props.put(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(CommonConfig.REGISTRY_URL_CONFIG, registry.url());
            props.put(CommonConfig.HTTP_HOST_CONFIG, "127.0.0.1");
            props.put(CommonConfig.HTTP_PORT_CONFIG, 0);
            props.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
            props.put(DispatcherConfig.GROUP_ID_CONFIG, "dispatcher-app-it");
            props.put(DispatcherConfig.WHATSAPP_BASE_URL_CONFIG, api.baseUri().toString());
            props.put(DispatcherConfig.WHATSAPP_PHONE_NUMBER_ID_CONFIG, TestNotifications.PHONE_NUMBER_ID);
            props.put(DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG, TestNotifications.TOKEN);
            RegistryEventSerdes serdes = new RegistryEventSerdes(registry.url(), false);

            // Given the dispatcher started as its own app
            try (DispatcherApp app = DispatcherApp.start(new DispatcherConfig(props))) {
                URI base = URI.create("http://127.0.0.1:" + app.port());
                assertThat(get(base.resolve("/health/live")).statusCode()).isEqualTo(200);
                Await.until("the dispatcher ready", DEADLINE, () -> get(base.resolve("/health/ready")).statusCode() == 200);
                assertThat(get(base.resolve("/health/ready")).body()).contains("\"dispatcher\":\"UP\"");

                // When a reminder arrives
                String id = "n-own-process";
                try (KafkaProducer<String, OutboundNotification> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    serdes.keySerde(Topics.OUTBOUND_NOTIFICATIONS).serializer(), serdes.valueSerde(Topics.OUTBOUND_NOTIFICATIONS).serializer())) {
                    producer.send(new ProducerRecord<>(Topics.OUTBOUND_NOTIFICATIONS.name(), id, TestNotifications.reminder(id).build())).get();
                }

                // Then it is sent, and the metrics count it and watch the dispatcher's dead-letter topics
                NotificationStatus status = Await.value("the reminder's status", DEADLINE, () -> status(broker, serdes, id));
                assertThat(status.getStatus()).isEqualTo(DeliveryStatus.SENT);
                HttpResponse<String> metrics = get(base.resolve("/metrics"));
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("careflow_dead_letters_waiting").contains(Topics.OUTBOUND_DEAD_LETTERS.name());
            }
        }
    }

    private HttpResponse<String> get(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static NotificationStatus status(EmbeddedKafkaBroker broker, RegistryEventSerdes serdes, String id) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
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
