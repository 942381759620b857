package org.careflow.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.careflow.platform.embedded.Await;

/** Reads what the stack's apps wrote to a topic, as a downstream consumer would (read_committed, from the start), logged in as the ops user. */
final class StackRecords {

    private StackRecords() {
    }

    /** Kafka client settings for a test's own clients of the stack's broker. */
    static Map<String, Object> kafkaProps(LocalStack stack) {
        // The stack's broker has no anonymous listener: tests log in as ops.
        return new HashMap<>(stack.kafkaClientProperties());
    }

    /** An admin client of the stack's broker; the caller closes it. */
    static Admin admin(LocalStack stack) {
        return Admin.create(kafkaProps(stack));
    }

    /** Every record {@code topic} holds now, keys as strings, values as bytes, partition by partition in offset order. */
    static List<ConsumerRecord<String, byte[]>> readAll(LocalStack stack, String topic, Duration deadline) {
        Map<String, Object> props = kafkaProps(stack);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Await.until("reading " + topic + " to its end", deadline, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return all;
    }

    /** The value of the first record of {@code topic} that {@code wanted} accepts, polling until {@code deadline}. */
    static <V> V await(LocalStack stack, String topic, String description, Duration deadline, Predicate<ConsumerRecord<String, V>> wanted) {
        Map<String, Object> props = new HashMap<>(StackRegistry.serdes(stack).clientConfig());
        props.putAll(kafkaProps(stack));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            return Await.value(description, deadline, () -> {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(r)) {
                        return r.value();
                    }
                }
                return null;
            });
        }
    }
}
