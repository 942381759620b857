package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node built with {@code clusterNode}: formatted with the given node id and cluster id, voting as the voters say. */
@Tag("integration")
class EmbeddedKafkaClusterNodeIT {

    @Test
    void shouldRunWithTheGivenNodeIdAndClusterIdWhenBuiltAsAClusterNode(@TempDir Path dir) throws Exception {
        // Given a node 7 of a cluster whose id the caller chose, the only voter
        String clusterId = Uuid.randomUuid().toString();
        int[] ports = FreePorts.reserve(2);
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().dataDirectory(dir).brokerPort(ports[0]).controllerPort(ports[1])
            .clusterNode(7, clusterId, "7@127.0.0.1:" + ports[1]);

        // When it starts
        try (EmbeddedKafkaBroker broker = builder.build().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            // Then the cluster has that id, and that node leads the metadata quorum
            assertThat(broker.clusterId()).isEqualTo(clusterId);
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id).containsExactly(7);
            assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId()).isEqualTo(7);
        }
    }
}
