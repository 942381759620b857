package org.careflow.launcher;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.careflow.platform.embedded.Await;
import org.careflow.topics.RegistryEventSerdes;

/** Reads what the stack's apps wrote to a topic, as a downstream consumer would (read_committed, from the start), logged in as the ops user. */
final class StackRecords {

    private StackRecords() {
    }

    /** The value of the first record of {@code topic} that {@code wanted} accepts, polling until {@code deadline}. */
    static <V> V await(LocalStack stack, String topic, String description, Duration deadline, Predicate<ConsumerRecord<String, V>> wanted) {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(stack.urls().get("schema registry"), false).clientConfig());
        props.putAll(stack.kafkaClientProperties());
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
