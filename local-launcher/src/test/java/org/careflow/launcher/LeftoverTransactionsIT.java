package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.platform.embedded.PlatformFixture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a killed exactly-once producer leaves, on a real broker: a transaction open on its output partition and its
 * offsets pending in {@code __consumer_offsets}, so that the group's committed offset cannot be read. The launcher's
 * start aborts it, and the group resumes at once from its last committed transaction.
 */
@Tag("integration")
class LeftoverTransactionsIT {

    private static final String TOPIC = "leftover-output";
    private static final String INPUT = "leftover-input";
    private static final String GROUP = "leftover-app";

    @Test
    void shouldAbortWhatADeadProducerLeftOpenSoThatItsGroupCanResume(@TempDir Path dir) throws Exception {
        try (PlatformFixture platform = PlatformFixture.builder(dir).withoutRegistry().start();
             Admin admin = platform.admin()) {
            platform.createTopics(1, TOPIC, INPUT);
            TopicPartition input = new TopicPartition(INPUT, 0);

            // Given a producer that committed one transaction (output "kept", input offset 1) ...
            KafkaProducer<String, String> dead = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "leftover-app-1", ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 900_000),
                new StringSerializer(), new StringSerializer());
            dead.initTransactions();
            dead.beginTransaction();
            dead.send(new ProducerRecord<>(TOPIC, "k", "kept")).get();
            dead.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(1)), new ConsumerGroupMetadata(GROUP));
            dead.commitTransaction();
            // ... and died in the middle of the next one (output "lost", input offset 2), which a 15-minute timeout keeps open
            dead.beginTransaction();
            dead.send(new ProducerRecord<>(TOPIC, "k", "lost")).get();
            dead.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(2)), new ConsumerGroupMetadata(GROUP));
            dead.flush();
            dead.close(Duration.ZERO);

            try (KafkaConsumer<String, String> app = consumer(platform, Duration.ofSeconds(3))) {
                // Then the group cannot learn where it resumes
                assertThatThrownBy(() -> app.committed(Set.of(input))).isInstanceOf(TimeoutException.class);

                // When the launcher ends what was left open
                int aborted = LeftoverTransactions.abortAll(admin);

                // Then the output partition and the group's offsets partition had one each, the group resumes at its last commit,
                // and only the committed transaction's output is visible
                assertThat(aborted).isEqualTo(2);
                assertThat(app.committed(Set.of(input)).get(input).offset()).isEqualTo(1);
                assertThat(readCommitted(app)).containsExactly("kept");
                assertThat(LeftoverTransactions.abortAll(admin)).as("nothing is left").isZero();
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(PlatformFixture platform, Duration apiTimeout) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) apiTimeout.toMillis()), new StringDeserializer(), new StringDeserializer());
    }

    private static List<String> readCommitted(KafkaConsumer<String, String> consumer) {
        TopicPartition output = new TopicPartition(TOPIC, 0);
        consumer.assign(List.of(output));
        consumer.seekToBeginning(List.of(output));
        long end = consumer.endOffsets(List.of(output)).get(output);
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.position(output) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                values.add(record.value());
            }
        }
        return values;
    }
}
