package org.careflow.platform.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.Uuid;

/**
 * One KRaft node (broker and controller) in a JVM of its own, run through {@link ChildJvm}: the one way careflow starts
 * a broker apart from the JVM that uses it. The chaos suite starts three, so that SIGKILL takes a whole broker and
 * controller down at once; the bench starts one, so that the broker's CPU and garbage collection are not the bench's.
 * The node is an {@link EmbeddedKafkaBroker} on fixed ports that the parent chose, with the parent's broker properties.
 *
 * <p>Arguments: {@link Node#arguments()}.
 */
public final class KafkaNodeMain {

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Node node = Node.parse(List.of(args));
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
            .clusterNode(node.nodeId(), node.clusterId(), node.quorumVoters())
            .dataDirectory(node.dataDirectory())
            .brokerPort(node.clientPort())
            .controllerPort(node.controllerPort());
        node.brokerProperties().forEach(builder::brokerProperty);
        EmbeddedKafkaBroker broker = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-node-shutdown"));
        broker.start();
        new CountDownLatch(1).await();
    }

    /**
     * What a node needs to start, as the parent passes it on the command line.
     *
     * @param nodeId           {@code node.id}
     * @param clusterId        the cluster id every node of the cluster is formatted with
     * @param quorumVoters     static {@code controller.quorum.voters}, naming this node's controller port
     * @param dataDirectory    formatted on first use, kept across restarts
     * @param clientPort       PLAINTEXT port on 127.0.0.1
     * @param controllerPort   KRaft controller port on 127.0.0.1
     * @param brokerProperties broker settings over {@link EmbeddedKafkaBroker}'s single-node defaults (replication of a
     *                         bigger cluster, {@code num.partitions}, ...)
     */
    public record Node(int nodeId, String clusterId, String quorumVoters, Path dataDirectory, int clientPort, int controllerPort,
                       Map<String, String> brokerProperties) {

        private static final int FIXED_ARGUMENTS = 6;

        public Node {
            Objects.requireNonNull(clusterId, "clusterId");
            Objects.requireNonNull(quorumVoters, "quorumVoters");
            Objects.requireNonNull(dataDirectory, "dataDirectory");
            brokerProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(brokerProperties));
            brokerProperties.keySet().forEach(key -> {
                if (key.isEmpty() || key.contains("=")) {
                    throw new IllegalArgumentException("A broker property key is neither empty nor contains '=': " + key);
                }
            });
        }

        /** A cluster of this one node (node 1, a new cluster id) on the given ports. */
        public static Node single(Path dataDirectory, int clientPort, int controllerPort, Map<String, String> brokerProperties) {
            return new Node(1, Uuid.randomUuid().toString(), "1@127.0.0.1:" + controllerPort, dataDirectory, clientPort,
                controllerPort, brokerProperties);
        }

        /** {@code 127.0.0.1:clientPort}. */
        public String bootstrapServers() {
            return "127.0.0.1:" + clientPort;
        }

        /** The command line {@link KafkaNodeMain} reads: the six fixed values, then one {@code key=value} per broker property. */
        public List<String> arguments() {
            List<String> args = new ArrayList<>(List.of(String.valueOf(nodeId), clusterId, quorumVoters, dataDirectory.toString(),
                String.valueOf(clientPort), String.valueOf(controllerPort)));
            brokerProperties.forEach((key, value) -> args.add(key + "=" + value));
            return args;
        }

        static Node parse(List<String> args) {
            if (args.size() < FIXED_ARGUMENTS) {
                throw new IllegalArgumentException(
                    "usage: KafkaNodeMain NODE_ID CLUSTER_ID VOTERS DATA_DIR CLIENT_PORT CONTROLLER_PORT [KEY=VALUE]...");
            }
            Map<String, String> properties = new LinkedHashMap<>();
            for (String pair : args.subList(FIXED_ARGUMENTS, args.size())) {
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("A broker property is KEY=VALUE, was " + pair);
                }
                properties.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return new Node(Integer.parseInt(args.get(0)), args.get(1), args.get(2), Path.of(args.get(3)), Integer.parseInt(args.get(4)),
                Integer.parseInt(args.get(5)), properties);
        }
    }
}
