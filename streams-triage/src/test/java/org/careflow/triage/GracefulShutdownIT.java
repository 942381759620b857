package org.careflow.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.FreePorts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops streams-triage in order (HTTP, Kafka Streams leaving its group, the audit producer) and the JVM exits
 * with 143 (128 + SIGTERM, the JVM's code once its shutdown hooks have run), leaving no member in the consumer group.
 */
@Tag("integration")
class GracefulShutdownIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void shouldStopInOrderAndLeaveTheGroupWhenSentSigterm(@TempDir Path dir) throws Exception {
        try (TriagePlatform platform = TriagePlatform.start(dir); Admin admin = platform.admin()) {
            // Given streams-triage running in its own JVM, a member of its group
            String applicationId = "shutdown-it-" + UUID.randomUUID();
            int port = FreePorts.reserve(1)[0];
            Path log = dir.resolve("triage.log");
            Process triage = TriagePlatform.startChild(platform.environment(applicationId, dir.resolve("state"), port, 0), log);
            try {
                Await.until("the instance to be ready", DEADLINE, () -> platform.status(port, "/health/ready") == 200);
                assertThat(members(admin, applicationId)).isEqualTo(1);

                // When it is sent SIGTERM
                triage.destroy();

                // Then it exits within the shutdown budget with 143, having stopped in order ...
                assertThat(triage.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                assertThat(triage.exitValue()).as(String.join("\n", lines)).isEqualTo(143);
                assertThat(lines).as("ordered shutdown lines").containsSubsequence(
                    lineContaining(lines, "streams-triage stopping"),
                    lineContaining(lines, "streams-triage: HTTP server stopped"),
                    lineContaining(lines, "streams-triage: Kafka Streams closed and left its group"),
                    lineContaining(lines, "streams-triage: audit producer flushed and closed"),
                    lineContaining(lines, "streams-triage stopped"));

                // ... and has left the group rather than waiting to be timed out of it
                assertThat(members(admin, applicationId)).as("members right after exit").isZero();
            } finally {
                triage.destroyForcibly();
            }
        }
    }

    private static String lineContaining(List<String> lines, String text) {
        return lines.stream().filter(l -> l.contains(text)).findFirst().orElseThrow(() -> new AssertionError("No log line with: " + text
            + "\n" + String.join("\n", lines)));
    }

    private static int members(Admin admin, String groupId) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).all().get(30, TimeUnit.SECONDS).get(groupId);
        return group.members().size();
    }
}
