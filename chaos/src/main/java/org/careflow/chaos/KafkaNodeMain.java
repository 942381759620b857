package org.careflow.chaos;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;

/**
 * One node of the chaos suite's three-node KRaft cluster, in a JVM of its own so that SIGKILL takes a whole broker and
 * controller down at once. Every node is broker and controller, with the same static voters and cluster id; topics get
 * three replicas and a write needs two in sync, as in production (docker-compose.yml).
 *
 * <p>Arguments: node id, cluster id, quorum voters, data directory, client port, controller port.
 */
public final class KafkaNodeMain {

    /** Replication of the cluster; ChaosCluster creates the catalogue's topics with it. */
    static final int REPLICAS = 3;
    static final int MIN_IN_SYNC = 2;

    /** What makes three brokers a cluster that survives one: every internal topic replicated, writes acknowledged by two. */
    static final Map<String, String> REPLICATION = Map.of(
        "default.replication.factor", String.valueOf(REPLICAS),
        "min.insync.replicas", String.valueOf(MIN_IN_SYNC),
        "offsets.topic.replication.factor", String.valueOf(REPLICAS),
        "transaction.state.log.replication.factor", String.valueOf(REPLICAS),
        "transaction.state.log.min.isr", String.valueOf(MIN_IN_SYNC),
        "share.coordinator.state.topic.replication.factor", String.valueOf(REPLICAS),
        "share.coordinator.state.topic.min.isr", String.valueOf(MIN_IN_SYNC),
        "unclean.leader.election.enable", "false",
        // A killed node is noticed in seconds, not the 9 s default: recovery times then measure careflow, not the timeout.
        "broker.session.timeout.ms", "6000",
        "broker.heartbeat.interval.ms", "1000");

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: KafkaNodeMain NODE_ID CLUSTER_ID VOTERS DATA_DIR CLIENT_PORT CONTROLLER_PORT");
        }
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
            .clusterNode(Integer.parseInt(args[0]), args[1], args[2])
            .dataDirectory(Path.of(args[3]))
            .brokerPort(Integer.parseInt(args[4]))
            .controllerPort(Integer.parseInt(args[5]))
            .numPartitions(org.careflow.topics.Topics.DEFAULT_PARTITIONS);
        REPLICATION.forEach(builder::brokerProperty);
        EmbeddedKafkaBroker broker = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-node-shutdown"));
        broker.start();
        new CountDownLatch(1).await();
    }
}
