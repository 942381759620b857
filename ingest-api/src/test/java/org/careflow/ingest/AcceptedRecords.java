package org.careflow.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/** Reads back, through the registry, the record a 202 answer said was written. */
final class AcceptedRecords {

    private AcceptedRecords() {
    }

    static <V extends SpecificRecord> ConsumerRecord<String, V> read(EmbeddedKafkaBroker broker, EmbeddedRegistry registry,
                                                                     Topic<String, V> topic, JsonNode accepted, Duration deadline) {
        int partition = accepted.get("partition").asInt();
        long offset = accepted.get("offset").asLong();
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(registry.url(), false).clientConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props)) {
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
}
