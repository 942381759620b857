package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedConnect;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as a user runs it: a foreground process that prints its URLs and leaves nothing behind when stopped. */
@Tag("integration")
class LauncherProcessIT {

    @Test
    void shouldPrintUrlsAndStopEveryProcessWhenTerminated(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        Path console = dir.resolve("console.log");
        // Given the launcher started as its own process, on free ports
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            // The production logging, not the test classpath's log4j2-test.xml.
            "-Dlog4j2.configurationFile=log4j2.xml",
            "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager",
            "-D" + EmbeddedRegistry.HOME_PROPERTY + "=" + System.getProperty(EmbeddedRegistry.HOME_PROPERTY),
            "-D" + EmbeddedConnect.PLUGIN_PATH_PROPERTY + "=" + System.getProperty(EmbeddedConnect.PLUGIN_PATH_PROPERTY),
            "-D" + LocalStack.CONNECTORS_HOME_PROPERTY + "=" + System.getProperty(LocalStack.CONNECTORS_HOME_PROPERTY),
            "-cp", System.getProperty("java.class.path"),
            CareflowLauncher.class.getName(), "up", "--data-dir", dataDir.toString()));
        for (String port : List.of("--kafka-port", "--kafka-controller-port", "--registry-port", "--registry-management-port",
            "--ingest-port", "--triage-port", "--scheduling-port", "--notifications-port", "--masterdata-port", "--postgres-port",
            "--mongo-port", "--connect-port")) {
            command.add(port);
            command.add("0");
        }
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            // When it is up
            Await.until("the launcher to say it is up", Duration.ofSeconds(120),
                () -> lines(console).stream().anyMatch(l -> l.contains("Press Ctrl-C")) || !launcher.isAlive());
            assertThat(launcher.isAlive()).as(String.join("\n", lines(console))).isTrue();
            List<ProcessHandle> descendants = launcher.descendants().toList();

            // Then it has printed where every service is, and runs the registry as its child
            assertThat(lines(console)).anyMatch(l -> l.matches(".*ingest API\\s+http://127\\.0\\.0\\.1:\\d+"))
                .anyMatch(l -> l.matches(".*streams-triage\\s+http://127\\.0\\.0\\.1:\\d+"))
                .anyMatch(l -> l.matches(".*schema registry\\s+http://127\\.0\\.0\\.1:\\d+/apis/registry/v3"))
                .anyMatch(l -> l.matches(".*Kafka \\(SASL PLAIN only\\)\\s+127\\.0\\.0\\.1:\\d+ users .*"))
                .as("no anonymous Kafka address is offered").noneMatch(l -> l.matches(".*Kafka\\s+127\\.0\\.0\\.1:\\d+"));
            assertThat(descendants).isNotEmpty();

            // When it is told to stop (SIGTERM runs the same shutdown as Ctrl-C's SIGINT)
            launcher.destroy();

            // Then it stops cleanly and no process it started survives
            // Each part stops within its own timeout; on a loaded two-core machine all of them together once took over 60 s.
            assertThat(launcher.waitFor(120, TimeUnit.SECONDS))
                .as("launcher exited within 120 s of SIGTERM; what it printed:\n" + String.join("\n", lines(console))).isTrue();
            Await.until("the launcher's children to exit", Duration.ofSeconds(30), () -> descendants.stream().noneMatch(ProcessHandle::isAlive));
            assertThat(lines(console)).anyMatch(l -> l.contains("careflow stopped"));
            assertThat(Files.exists(dataDir.resolve("kafka"))).isTrue();
        } finally {
            launcher.destroyForcibly();
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
