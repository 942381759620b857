package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedConnect;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.platform.embedded.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./careflow up} survives its own crash: the launcher runs in its own process group, as in a terminal; the whole
 * group is SIGKILLed under load (a laptop crash, an OOM kill, a closed terminal), nothing of it may survive, and the
 * next start on the same data must come up with every acknowledged write. A part that cannot start stops the rest and
 * the launcher exits non-zero with the reason, leaving no process behind.
 */
@Tag("integration")
class LauncherCrashIT {

    private static final Duration START_DEADLINE = Duration.ofSeconds(420);
    private static final Duration GONE_DEADLINE = Duration.ofSeconds(60);
    private static final Duration ASSESSED_DEADLINE = Duration.ofSeconds(120);
    private static final String FACILITY = "f-crash";
    /** Enough acknowledged submissions before the kill that some are surely still in flight through the stack. */
    private static final int ACKNOWLEDGED_BEFORE_KILL = 60;
    private static final List<String> PORT_OPTIONS = List.of("--kafka-port", "--kafka-controller-port", "--registry-port",
        "--registry-management-port", "--ingest-port", "--triage-port", "--scheduling-port", "--notifications-port",
        "--masterdata-port", "--postgres-port", "--mongo-port", "--connect-port");
    private static final Pattern STAT_AFTER_COMMAND = Pattern.compile("\\) \\S+ \\d+ (\\d+) ");

    @TempDir
    Path dir;

    private final List<Process> launchers = new ArrayList<>();

    @BeforeEach
    void letPostgresUserEnterTempDir() throws IOException {
        // JUnit makes temporary folders 0700; as root, PostgreSQL runs as 'postgres' and must enter the data directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterEach
    void killLeftovers() {
        for (Process launcher : launchers) {
            // Whatever a failed assertion left: the whole group, as the test started each launcher as a group leader.
            if (!processGroup(launcher.pid()).isEmpty()) {
                killGroup(launcher.pid());
            }
        }
    }

    @Test
    void shouldStartCleanlyWithEveryAcknowledgedSubmissionWhenRestartedAfterItsProcessGroupWasKilled() throws Exception {
        // Given: the launcher up, in its own process group, on fixed ports (a restart keeps them)
        Path dataDir = dir.resolve("data");
        int[] ports = FreePorts.reserve(PORT_OPTIONS.size());
        Process first = launch(dataDir, ports, dir.resolve("first.log"));
        awaitUp(first, dir.resolve("first.log"));
        String ingest = url(dir.resolve("first.log"), "ingest API");
        HttpCalls.actAs(LocalAuth.load(dataDir));
        HttpCalls.registerFacilities(ingest, FACILITY);
        assertThat(dataDir.resolve(LocalStack.PIDS_DIRECTORY).resolve("registry.pid")).isRegularFile();

        // When: its whole process group is SIGKILLed while submissions stream in
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean posting = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().name("crash-load").start(() -> postUntilStopped(ingest, posting, acknowledged));
        try {
            Await.until(ACKNOWLEDGED_BEFORE_KILL + " acknowledged submissions", START_DEADLINE,
                () -> acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL || !load.isAlive());
            List<ProcessHandle> group = processGroup(first.pid());
            assertThat(group).as("the launcher's children share its group").hasSizeGreaterThan(1);
            List<ProcessHandle> descendants = first.descendants().toList();
            killGroup(first.pid());

            // Then: nothing of the crashed run survives: no process of its group, no child, no port held
            Await.until("the crashed launcher's processes to be gone", GONE_DEADLINE, () -> processGroup(first.pid()).isEmpty()
                && descendants.stream().noneMatch(ProcessHandle::isAlive));
            Await.until("the crashed launcher's ports to be free", GONE_DEADLINE, () -> Arrays.stream(ports).allMatch(LauncherCrashIT::bindable));
        } finally {
            posting.set(false);
            load.join(TimeUnit.SECONDS.toMillis(30));
        }
        List<String> acked = List.copyOf(acknowledged);
        assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);

        // When: it starts again on the same data and ports
        Path secondLog = dir.resolve("second.log");
        Process second = launch(dataDir, ports, secondLog);
        awaitUp(second, secondLog);

        // Then: it is up, and every acknowledged submission was assessed
        String triage = url(secondLog, "streams-triage");
        assertThat(lines(secondLog)).noneMatch(l -> l.contains("could not start"));
        for (String patient : acked) {
            JsonNode assessment = Await.value("the assessment of an acknowledged submission", ASSESSED_DEADLINE,
                () -> HttpCalls.getJson(triage + "/v1/patients/" + patient + "/triage"));
            assertThat(assessment.toString()).contains(FACILITY);
        }

        // And Ctrl-C's shutdown still stops it cleanly
        second.destroy();
        assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("the restarted launcher exited").isTrue();
        Await.until("the restarted launcher's processes to be gone", GONE_DEADLINE, () -> processGroup(second.pid()).isEmpty());
        assertThat(lines(secondLog)).anyMatch(l -> l.contains("careflow stopped"));
    }

    @Test
    void shouldExitNonZeroWithTheReasonAndLeaveNoProcessWhenAPartCannotStart() throws Exception {
        // Given: the ingest API's port taken by another program
        Path dataDir = dir.resolve("data");
        int[] ports = FreePorts.reserve(PORT_OPTIONS.size());
        int ingestPort = ports[PORT_OPTIONS.indexOf("--ingest-port")];
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ingestPort));

            // When the launcher starts
            Path log = dir.resolve("failed.log");
            Process launcher = launch(dataDir, ports, log);

            // Then it exits, non-zero, saying why, with nothing it started left running (the registry had started)
            assertThat(launcher.waitFor(START_DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("the launcher exited instead of hanging half-started:\n%s", String.join("\n", lines(log))).isTrue();
            assertThat(launcher.exitValue()).isEqualTo(CareflowLauncher.START_FAILED);
            assertThat(lines(log)).anyMatch(l -> l.contains("careflow could not start") && l.contains(Integer.toString(ingestPort)));
            assertThat(lines(log)).anyMatch(l -> l.contains("Apicurio Registry ready"));
            Await.until("the failed launcher's processes to be gone", GONE_DEADLINE, () -> processGroup(launcher.pid()).isEmpty());
            assertThat(dataDir.resolve(LocalStack.PIDS_DIRECTORY).resolve("registry.pid")).doesNotExist();
            for (int i = 0; i < ports.length; i++) {
                if (ports[i] != ingestPort) {
                    int port = ports[i];
                    Await.until("port " + port + " to be free", GONE_DEADLINE, () -> bindable(port));
                }
            }
        }
    }

    /** Posts submissions, one new patient each, until told to stop; collects the patients whose submission got a 202. */
    private static void postUntilStopped(String ingest, AtomicBoolean posting, ConcurrentLinkedQueue<String> acknowledged) {
        for (int i = 0; posting.get(); i++) {
            String patient = "p-crash-" + i;
            try {
                HttpResponse<String> response = HttpCalls.send("POST", ingest + "/v1/triage-submissions", """
                    {"submissionId": "s-crash-%d", "patientId": "%s", "facilityId": "%s", "formId": "general-v1", "channel": "WEB",
                     "submittedAt": "%s", "vitals": {"respiratoryRate": 18, "spo2": 97, "onSupplementalOxygen": false,
                     "systolicBp": 118, "heartRate": 80, "consciousness": "ALERT", "temperature": 37.1}}
                    """.formatted(i, patient, FACILITY, Instant.now()));
                if (response.statusCode() == 202) {
                    acknowledged.add(patient);
                }
            } catch (RuntimeException refused) {
                // The stack is gone (killed): nothing was acknowledged for this one. A back-off between refused
                // connections (pacing, not synchronisation), until told to stop.
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        }
    }

    private Process launch(Path dataDir, int[] ports, Path console) throws IOException {
        List<String> command = new ArrayList<>(List.of(
            // Its own session and process group, as in a terminal: the group id is the launcher's pid.
            "setsid",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-Dlog4j2.configurationFile=log4j2.xml",
            "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager",
            "-D" + EmbeddedRegistry.HOME_PROPERTY + "=" + System.getProperty(EmbeddedRegistry.HOME_PROPERTY),
            "-D" + EmbeddedConnect.PLUGIN_PATH_PROPERTY + "=" + System.getProperty(EmbeddedConnect.PLUGIN_PATH_PROPERTY),
            "-D" + LocalStack.CONNECTORS_HOME_PROPERTY + "=" + System.getProperty(LocalStack.CONNECTORS_HOME_PROPERTY),
            "-cp", System.getProperty("java.class.path"),
            CareflowLauncher.class.getName(), "up", "--data-dir", dataDir.toString()));
        for (int i = 0; i < PORT_OPTIONS.size(); i++) {
            command.add(PORT_OPTIONS.get(i));
            command.add(Integer.toString(ports[i]));
        }
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        launchers.add(launcher);
        // setsid execs the JVM in place (the child of this JVM is no group leader), so the pid is the group's id.
        Await.until("the launcher to lead its own process group", Duration.ofSeconds(10),
            () -> !launcher.isAlive() || processGroupOf(launcher.pid()).orElse(-1L) == launcher.pid());
        return launcher;
    }

    private static void awaitUp(Process launcher, Path console) {
        Await.until("the launcher to say it is up", START_DEADLINE,
            () -> lines(console).stream().anyMatch(l -> l.contains("Press Ctrl-C")) || !launcher.isAlive());
        assertThat(launcher.isAlive()).as(String.join("\n", lines(console))).isTrue();
    }

    /** The URL the launcher printed for {@code service}. */
    private static String url(Path console, String service) {
        Pattern line = Pattern.compile(".*" + Pattern.quote(service) + "\\s+(http://\\S+)");
        return lines(console).stream().map(line::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
            .orElseThrow(() -> new AssertionError("No URL printed for " + service));
    }

    private static void killGroup(long groupId) {
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + groupId).redirectErrorStream(true).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The live processes of process group {@code groupId}. */
    private static List<ProcessHandle> processGroup(long groupId) {
        return ProcessHandle.allProcesses().filter(p -> processGroupOf(p.pid()).orElse(-1L) == groupId).toList();
    }

    /** The process group of {@code pid}, from {@code /proc/<pid>/stat} (empty once the process is gone). */
    private static Optional<Long> processGroupOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // The command (in parentheses) may hold spaces: read after its closing parenthesis.
            Matcher fields = STAT_AFTER_COMMAND.matcher(stat.substring(stat.lastIndexOf(')')));
            return fields.lookingAt() ? Optional.of(Long.parseLong(fields.group(1))) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
