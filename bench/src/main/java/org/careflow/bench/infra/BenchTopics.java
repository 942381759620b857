package org.careflow.bench.infra;

import java.util.List;
import org.careflow.topics.Topic;

/**
 * The raw topics of the ceiling scenario, which no careflow app reads; careflow's own topics come from
 * {@link org.careflow.topics.Topics}.
 */
public final class BenchTopics {

    /** What the raw producer writes and the raw consumer reads back. */
    public static final String PRODUCE = "bench-ceiling-produce";
    /** Pre-filled once; every round of the raw Kafka Streams aggregate drains it. */
    public static final String AGGREGATE_INPUT = "bench-ceiling-aggregate-input";

    private BenchTopics() {
    }

    static List<Topic<?, ?>> all(int partitions) {
        return List.of(
            new Topic<>(PRODUCE, String.class, byte[].class, partitions, Topic.Cleanup.DELETE),
            new Topic<>(AGGREGATE_INPUT, String.class, byte[].class, partitions, Topic.Cleanup.DELETE));
    }
}
