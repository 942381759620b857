package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker careflow starts runs KIP-890's transaction protocol ({@code transaction.version} 2), the one that closes
 * the hanging and zombie transaction anomalies Jepsen reported against Kafka's exactly-once, and keeps it on restart.
 */
@Tag("integration")
class TransactionProtocolIT {

    @Test
    void shouldRunTransactionVersionTwoFromTheFirstStartAndAfterARestart(@TempDir Path dir) throws Exception {
        for (int start = 0; start < 2; start++) {
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dir.resolve("kafka")).build().start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                FeatureMetadata features = admin.describeFeatures().featureMetadata().get();

                assertThat(features.finalizedFeatures()).containsKey(EmbeddedKafkaBroker.TRANSACTION_VERSION_FEATURE);
                assertThat(features.finalizedFeatures().get(EmbeddedKafkaBroker.TRANSACTION_VERSION_FEATURE).maxVersionLevel())
                    .as("start " + (start + 1)).isEqualTo(EmbeddedKafkaBroker.TRANSACTION_VERSION);
            }
        }
    }
}
