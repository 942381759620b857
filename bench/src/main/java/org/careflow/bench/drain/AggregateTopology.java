package org.careflow.bench.drain;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The count aggregate, the limit of Kafka Streams itself: {@code groupByKey().aggregate()}, a count per key in a RocksDB
 * store with its changelog. It decodes nothing and produces nothing; it reports each record it counted to
 * {@code counted}, which is how the bench sees its progress.
 */
public final class AggregateTopology {

    public static final String SOURCE = "bench-aggregate-source";
    public static final String GROUP = "bench-aggregate-group";
    public static final String PROCESSOR = "bench-aggregate-count";
    public static final String STORE = "bench-aggregate-store";

    private AggregateTopology() {
    }

    /** The graph over {@code inputTopic} (String keys, any values); {@code counted} gets the running total of records. */
    public static Topology build(String inputTopic, LongConsumer counted) {
        AtomicLong total = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SOURCE))
            .groupByKey(Grouped.with(GROUP, Serdes.String(), Serdes.ByteArray()))
            .aggregate(() -> 0L, (key, value, count) -> {
                    counted.accept(total.incrementAndGet());
                    return count + 1;
                }, Named.as(PROCESSOR),
                Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STORE)
                    .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        return builder.build();
    }
}
