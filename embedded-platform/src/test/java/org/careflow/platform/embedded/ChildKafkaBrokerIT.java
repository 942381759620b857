package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildKafkaBrokerIT {

    @Test
    void shouldServeClientsFromAProcessOfItsOwnAndStopWhenClosed(@TempDir Path dir) throws Exception {
        // Given a broker started in a child JVM with a broker property of the caller's
        ChildKafkaBroker broker = ChildKafkaBroker.start(dir.resolve("kafka"), Map.of("num.partitions", "3"), List.of("-Xmx256m"),
            dir.resolve("kafka.log"), null, Duration.ofSeconds(90));
        ProcessHandle process;
        try (broker) {
            process = broker.process();

            // When a client creates a topic without a partition count
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("child-broker-topic", java.util.Optional.empty(), java.util.Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);

                // Then it is served by another process, with the property given
                assertThat(process.pid()).isNotEqualTo(ProcessHandle.current().pid());
                assertThat(admin.describeTopics(List.of("child-broker-topic")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("child-broker-topic").partitions()).hasSize(3);
            }
        }
        // And closing it ends that process
        Await.until("the broker's process to end", Duration.ofSeconds(30), () -> !process.isAlive());
    }
}
