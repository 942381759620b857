package org.careflow.bench.scenarios;

import org.careflow.bench.report.Progress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Fills a topic before a drain scenario measures how fast something empties it; not itself measured. */
public final class Prefill {

    private Prefill() {
    }

    /** Writes records {@code first} .. {@code first + count - 1} as {@code record} makes them, and waits until all are acknowledged. */
    static <V> void write(BenchContext context, String label, long first, long count, Serializer<V> valueSerializer,
                          LongFunction<ProducerRecord<String, V>> record) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-prefill");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (Progress.Task task = context.progress().start(label, count, "records");
             KafkaProducer<String, V> producer = new KafkaProducer<>(props, new StringSerializer(), valueSerializer)) {
            for (long i = first; i < first + count && failure.get() == null; i++) {
                producer.send(record.apply(i), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        task.set(acknowledged.incrementAndGet());
                    }
                });
            }
            producer.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("Could not pre-fill for " + label, failure.get());
            }
            task.finish(String.format(java.util.Locale.ROOT, "%,d records written", count));
        }
    }
}
