package org.careflow.ingest;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.careflow.topics.Topics;

/**
 * The cluster a {@link org.apache.kafka.clients.producer.MockProducer} reports: every topic of the catalogue with its
 * partitions, so a write placed by partition (a provider's schedule, see {@code ProviderScheduleKeys}) finds them.
 */
final class TestCluster {

    private static final Node NODE = new Node(0, "127.0.0.1", 9092);

    private TestCluster() {
    }

    /** Every catalogue topic, at its catalogued partition count. */
    static Cluster catalogue() {
        List<PartitionInfo> partitions = Topics.all().stream()
            .flatMap(t -> IntStream.range(0, t.partitions()).mapToObj(p -> new PartitionInfo(t.name(), p, NODE, null, null)))
            .toList();
        return new Cluster("careflow-test", List.of(NODE), partitions, Set.of(), Set.of());
    }
}
