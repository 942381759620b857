package org.careflow.platform.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class EmbeddedPlatformIT {

    private static final String TOPIC = "careflow.it.admissions";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void shouldKeepTopicAndRecordWhenBrokerRestartsOnSameDataDirectory(@TempDir Path dataDirectory) throws Exception {
        // Given: a broker with a 3-partition topic holding one record
        EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).numPartitions(3).build().start();
        String clusterId = first.clusterId();
        try (Admin admin = admin(first)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        RecordMetadata written = produce(first, "patient-key-1", "admitted");
        assertThat(consumeAll(first, 1)).extracting(ConsumerRecord::value).containsExactly("admitted");

        // When: it is closed (twice) and a new broker starts on the same data directory
        assertThatCode(() -> {
            first.close();
            first.close();
        }).doesNotThrowAnyException();
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build().start()) {

            // Then: the cluster, the topic and the record are still there
            assertThat(second.clusterId()).isEqualTo(clusterId);
            try (Admin admin = admin(second)) {
                TopicDescription topic = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
                assertThat(topic.partitions()).hasSize(3);
            }
            List<ConsumerRecord<String, String>> records = consumeAll(second, 1);
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("patient-key-1");
                assertThat(record.value()).isEqualTo("admitted");
                assertThat(record.partition()).isEqualTo(written.partition());
                assertThat(record.offset()).isEqualTo(written.offset());
            });
        }
    }

    @Test
    void shouldServeRegistryApiAndStopProcessWhenClosedTwice(@TempDir Path workDirectory) throws Exception {
        // Given
        EmbeddedRegistry registry = EmbeddedRegistry.builder().workDirectory(workDirectory).build().start();
        long pid = registry.pid();

        // When
        HttpResponse<String> info = get(registry.url() + "/system/info");
        HttpResponse<String> search = get(registry.url() + "/search/artifacts");

        // Then
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body()).contains("\"version\"");
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(registry.logFile()).startsWith(workDirectory).isNotEmptyFile();

        assertThatCode(() -> {
            registry.close();
            registry.close();
        }).doesNotThrowAnyException();
        assertThat(registry.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static RecordMetadata produce(EmbeddedKafkaBroker broker, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(TOPIC, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads the topic from the beginning with a fresh group until {@code expected} records arrived or the deadline passed. */
    private static List<ConsumerRecord<String, String>> consumeAll(EmbeddedKafkaBroker broker, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (records.size() < expected && System.nanoTime() - deadline < 0) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
