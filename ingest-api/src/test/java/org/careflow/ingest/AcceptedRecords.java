package org.careflow.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topic;

/** Reads back, through the registry, the records 202 answers said were written. */
final class AcceptedRecords {

    private AcceptedRecords() {
    }

    static <V extends SpecificRecord> ConsumerRecord<String, V> read(EmbeddedKafkaBroker broker, EmbeddedRegistry registry,
                                                                     Topic<String, V> topic, JsonNode accepted, Duration deadline) {
        int partition = accepted.get("partition").asInt();
        long offset = accepted.get("offset").asLong();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(consumerConfig(broker, registry))) {
            TopicPartition tp = new TopicPartition(topic.name(), partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            return Await.value("the record at " + topic.name() + "-" + partition + "@" + offset, deadline, () -> {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
                return null;
            });
        }
    }

    /**
     * The records at the partitions and offsets of {@code accepted} (each with {@code partition} and {@code offset}), in
     * the same order, read with one consumer.
     */
    static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(EmbeddedKafkaBroker broker, EmbeddedRegistry registry,
                                                                              Topic<String, V> topic, List<JsonNode> accepted,
                                                                              Duration deadline) {
        Map<TopicPartition, Long> from = new HashMap<>();
        for (JsonNode a : accepted) {
            from.merge(new TopicPartition(topic.name(), a.get("partition").asInt()), a.get("offset").asLong(), Math::min);
        }
        Map<String, ConsumerRecord<String, V>> found = new HashMap<>();
        Set<String> wanted = accepted.stream().map(AcceptedRecords::position).collect(Collectors.toSet());
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(consumerConfig(broker, registry))) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Await.until(wanted.size() + " records of " + topic.name(), deadline, () -> {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    String position = r.partition() + "@" + r.offset();
                    if (wanted.contains(position)) {
                        found.put(position, r);
                    }
                }
                return found.size() == wanted.size();
            });
        }
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        accepted.forEach(a -> records.add(found.get(position(a))));
        return records;
    }

    private static String position(JsonNode accepted) {
        return accepted.get("partition").asInt() + "@" + accepted.get("offset").asLong();
    }

    private static Map<String, Object> consumerConfig(EmbeddedKafkaBroker broker, EmbeddedRegistry registry) {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(registry.url(), false).clientConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        return props;
    }
}
