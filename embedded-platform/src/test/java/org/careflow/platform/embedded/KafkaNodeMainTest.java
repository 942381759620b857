package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaNodeMainTest {

    @Test
    void shouldReadBackTheNodeItsArgumentsDescribeWhenParsed() {
        // Given a node of a three-node cluster with broker properties, one holding '=' in its value
        KafkaNodeMain.Node node = new KafkaNodeMain.Node(2, "cluster-1", "1@127.0.0.1:9001,2@127.0.0.1:9002", Path.of("data", "kafka-2"),
            9092, 9002, Map.of("min.insync.replicas", "2", "listener.security.protocol.map", "A:PLAINTEXT,B=x"));

        // When its command line is parsed, as the child does
        KafkaNodeMain.Node parsed = KafkaNodeMain.Node.parse(node.arguments());

        // Then it is the same node
        assertThat(parsed).isEqualTo(node);
        assertThat(parsed.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void shouldVoteForItselfOnItsControllerPortWhenSingle() {
        KafkaNodeMain.Node node = KafkaNodeMain.Node.single(Path.of("kafka"), 9092, 9093, Map.of());

        assertThat(node.nodeId()).isEqualTo(1);
        assertThat(node.quorumVoters()).isEqualTo("1@127.0.0.1:9093");
        assertThat(node.clusterId()).isNotBlank();
    }

    @Test
    void shouldRefuseABrokerPropertyWithoutKeyWhenParsed() {
        assertThatThrownBy(() -> KafkaNodeMain.Node.parse(List.of("1", "c", "1@127.0.0.1:1", "d", "2", "1", "=value")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> KafkaNodeMain.Node.parse(List.of("1", "c")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usage");
    }
}
