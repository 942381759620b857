package org.careflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.query.metrics.DeadLetterBacklog;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./careflow dlq} on a real broker: list says why each dead letter failed and where it came from, without its
 * key or value; replay puts a chosen one back on its original topic with its own headers, once; the dead-letter
 * topics keep their records 30 days.
 */
@Tag("integration")
class DeadLettersIT {

    @Test
    void shouldListReplayOnceAndKeepDeadLettersThirtyDays(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.builder(dir).withoutRegistry().topics(Topics.all()).start()) {
            Map<String, Object> client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                // Then dead-letter topics keep their records 30 days (the broker's default is 7)
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.TRIAGE_DEAD_LETTERS.name());
                ConfigEntry retention = admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.RETENTION_MS_CONFIG);
                assertThat(Long.parseLong(retention.value())).isEqualTo(Topic.DEAD_LETTER_RETENTION.toMillis());
            }
            // Given a submission streams-triage dead-lettered, with Kafka Streams' headers
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", "keep-me".getBytes(StandardCharsets.UTF_8));
            headers.add("__streams.errors.topic", Topics.TRIAGE_SUBMISSIONS.name().getBytes(StandardCharsets.UTF_8));
            headers.add("__streams.errors.partition", "3".getBytes(StandardCharsets.UTF_8));
            headers.add("__streams.errors.offset", "41".getBytes(StandardCharsets.UTF_8));
            headers.add("__streams.errors.exception", "org.apache.kafka.common.errors.SerializationException".getBytes(StandardCharsets.UTF_8));
            headers.add("__streams.errors.message", "Error deserializing".getBytes(StandardCharsets.UTF_8));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.TRIAGE_DEAD_LETTERS.name(), 0, "patient-secret-id".getBytes(StandardCharsets.UTF_8),
                    "the submission".getBytes(StandardCharsets.UTF_8), headers)).get();
            }

            // Then the waiting gauge counts it
            DeadLetterBacklog backlog = DeadLetterBacklog.start(client, List.of(Topics.TRIAGE_DEAD_LETTERS.name()), new SimpleMeterRegistry(),
                Duration.ofMillis(200));
            Await.until("the gauge to count one waiting dead letter", Duration.ofSeconds(30),
                () -> backlog.waiting(Topics.TRIAGE_DEAD_LETTERS.name()) == 1);

            // When ops lists the dead letters
            List<String> listed = new ArrayList<>();
            assertThat(OpsCommand.run(List.of("dlq", "list", "--kafka", platform.bootstrapServers(), "--topic", Topics.TRIAGE_DEAD_LETTERS.name()),
                listed::add, listed::add)).isZero();

            // Then each shows where it came from and why, never its key or value
            String table = String.join("\n", listed);
            assertThat(table).contains("0:0").contains("triage-submissions 3@41").contains("SerializationException: Error deserializing")
                .contains("1 not replayed").doesNotContain("patient-secret-id").doesNotContain("the submission");

            // When it is replayed, twice
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            String[] replay = {"dlq", "replay", "--kafka", platform.bootstrapServers(), "--topic", Topics.TRIAGE_DEAD_LETTERS.name(), "--id", "0:0"};
            assertThat(OpsCommand.run(List.of(replay), first::add, first::add)).isZero();
            assertThat(OpsCommand.run(List.of(replay), second::add, second::add)).isZero();

            // Then it is back on triage-submissions once, with its own headers and where it was replayed from
            List<ConsumerRecord<byte[], byte[]>> submissions = readAll(platform, Topics.TRIAGE_SUBMISSIONS.name());
            assertThat(submissions).singleElement().satisfies(r -> {
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("the submission");
                assertThat(new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8)).isEqualTo("keep-me");
                assertThat(r.headers().lastHeader("__streams.errors.exception")).as("error headers dropped").isNull();
                assertThat(new String(r.headers().lastHeader(DeadLetters.REPLAYED_FROM_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo("triage-dead-letters:0:0");
            });
            assertThat(String.join("\n", first)).contains("Replayed 1 of 1");
            assertThat(String.join("\n", second)).contains("replayed before").contains("Replayed 0 of 1");
            List<String> after = new ArrayList<>();
            OpsCommand.run(List.of("dlq", "list", "--kafka", platform.bootstrapServers(), "--topic", Topics.TRIAGE_DEAD_LETTERS.name()),
                after::add, after::add);
            assertThat(String.join("\n", after)).contains("0 not replayed");
            // and the gauge counts nothing waiting any more
            Await.until("the gauge to count the replayed one out", Duration.ofSeconds(30),
                () -> backlog.waiting(Topics.TRIAGE_DEAD_LETTERS.name()) == 0);

            // When a stream thread dead-letters another record inside its transaction (the commit marker takes an offset too)
            try (KafkaProducer<byte[], byte[]> transactional = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    platform.bootstrapServers(), ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dead-letter-it"), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                transactional.initTransactions();
                transactional.beginTransaction();
                transactional.send(new ProducerRecord<>(Topics.TRIAGE_DEAD_LETTERS.name(), 0, "k".getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8)));
                transactional.commitTransaction();
            }

            // Then the gauge counts the record, not its offsets
            Await.until("the gauge to count the new dead letter", Duration.ofSeconds(30),
                () -> backlog.waiting(Topics.TRIAGE_DEAD_LETTERS.name()) == 1);
            backlog.close();

            // And a replay must name what it replays
            List<String> refused = new ArrayList<>();
            assertThat(OpsCommand.run(List.of("dlq", "replay", "--kafka", platform.bootstrapServers(), "--topic", Topics.TRIAGE_DEAD_LETTERS.name()),
                refused::add, refused::add)).isEqualTo(1);
            assertThat(String.join("\n", refused)).contains("--id P:O (repeatable) or --since TIME");
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(PlatformFixture platform, String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }
}
