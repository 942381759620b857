package org.careflow.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.ConfigSources;
import org.careflow.topics.RegistryEventSerdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./careflow up}: starts the local stack, prints where everything is, and runs in the foreground
 * until Ctrl-C, which stops every part (including the registry's process) cleanly.
 *
 * <p>Never a half-started stack: the shutdown hook is in place before the first part starts, so a Ctrl-C or SIGTERM
 * during start-up stops what has started; a part that fails to start stops the others, and the launcher then exits
 * with {@value #START_FAILED} after printing why, as no non-daemon thread left behind may keep this JVM alive. The
 * child processes (PostgreSQL, the registry) stay in the launcher's process group, and their pids are recorded in the
 * data directory, so even a SIGKILL leaves nothing that the next start does not end first (see README, Running locally).
 */
public final class CareflowLauncher {

    private static final Logger CONSOLE = LoggerFactory.getLogger("careflow.console");

    static final String USAGE = """
        usage: careflow up [--data-dir DIR] [--fresh] [--demo] [--host HOST]
                           [--kafka-port P] [--kafka-controller-port P] [--registry-port P] [--registry-management-port P]
                           [--ingest-port P] [--triage-port P] [--scheduling-port P] [--notifications-port P]
                           [--masterdata-port P] [--postgres-port P] [--mongo-port P] [--connect-port P] [--dispatcher-port P]
                           [--config APP=FILE]...
          --data-dir DIR  where Kafka, the registry and the stores keep their data (default .careflow/data)
          --fresh         delete the data directory first
          --demo          post demo triage submissions once everything runs
          ports default to Kafka 9092 (controller 9093), registry 8085 (management 8086), ingest 8080, triage 8081, scheduling 8082, notifications 8083,
          masterdata 8084, PostgreSQL 55432, MongoDB 27018, Kafka Connect 8088, notifications dispatcher 8087
          --config APP=FILE  settings of one app (ingest-api, streams-triage, streams-scheduling, streams-notifications,
                          streams-masterdata, notifications-dispatcher) from a properties file; they win over
                          CAREFLOW_* variables; a key the app does not know is an error naming the closest known key
          other settings of each app come from CAREFLOW_* environment variables, e.g. CAREFLOW_WHATSAPP_ACCESS_TOKEN
          (the notifications dispatcher starts only when CAREFLOW_WHATSAPP_ACCESS_TOKEN is set)""";

    /** The exit code when the stack could not start, or failed after starting. */
    static final int START_FAILED = 1;

    private CareflowLauncher() {
    }

    public static void main(String[] args) throws Exception {
        StackOptions options;
        try {
            options = parse(List.of(args));
        } catch (IllegalArgumentException | ConfigException | UncheckedIOException e) {
            CONSOLE.error("{}\n{}", e.getMessage(), USAGE);
            System.exit(2);
            return;
        }
        CONSOLE.info("Starting careflow (data in {}) ...", options.dataDir().toAbsolutePath());
        LocalStack stack = LocalStack.create();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            CONSOLE.info("Stopping careflow ...");
            stack.close();
            RegistryEventSerdes.releaseSharedResources();
            CONSOLE.info("careflow stopped");
            stopped.countDown();
        }, "careflow-shutdown"));
        try {
            stack.startAll(options);
            printWelcome(stack, options);
        } catch (Exception | Error e) {
            // startAll has stopped what had started; the hook runs again on exit and finds nothing left to stop.
            CONSOLE.error("careflow could not start: {}", reason(e), e);
            System.exit(START_FAILED);
            return;
        }
        stopped.await();
    }

    /** The failure's message and those of its causes, the first line of each: what a user needs to fix it. */
    static String reason(Throwable failure) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = failure; t != null && reason.length() < 2000; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().lines().findFirst().orElse("");
            if (reason.indexOf(message) < 0) {
                reason.append(reason.isEmpty() ? "" : ": ").append(message);
            }
        }
        return reason.toString();
    }

    private static void printWelcome(LocalStack stack, StackOptions options) throws IOException, InterruptedException {
        CONSOLE.info("\ncareflow is up:");
        stack.urls().entrySet().stream()
            .sorted(java.util.Map.Entry.comparingByKey())
            .forEach(e -> CONSOLE.info("  {} {}", String.format("%-26s", e.getKey()), e.getValue()));
        if (options.demo()) {
            int accepted = DemoData.post(stack.ingestUrl(), stack.auth());
            String clinician = "-H \"Authorization: Bearer $(./careflow token --role clinician --facility " + DemoData.FACILITY + ")\"";
            String patient = "-H \"Authorization: Bearer $(./careflow token --role patient --patient demo-patient-1)\"";
            CONSOLE.info("\nPosted {} demo submissions, contacts and a booking; try:\n  curl {} {}/v1/facilities/{}/queue\n"
                    + "  curl {} {}/v1/patients/demo-patient-1/triage\n  curl {} {}/v1/patients/demo-patient-1/reminders",
                accepted, clinician, stack.triageUrl(), DemoData.FACILITY, clinician, stack.triageUrl(), patient, stack.notificationsUrl());
            String patient2 = "-H \"Authorization: Bearer $(./careflow token --role patient --patient demo-patient-2)\"";
            CONSOLE.info("\ndemo-patient-2 registered a new phone; it is theirs once the code sent to it comes back from it. The code:\n"
                    + "  curl {} {}/v1/patients/demo-patient-2/messages   (the OUTBOUND phone_verification entry's id)\n"
                    + "  curl {} {}/v1/notifications/ID   (templateParameters.code)\n"
                    + "then send it from that phone: a signed WhatsApp webhook delivery (streams-notifications/README.md, Contacts).",
                patient2, stack.notificationsUrl(), patient2, stack.notificationsUrl());
        }
        CONSOLE.info("\nEvery API needs a bearer token; ./careflow token --role ROLE [--facility F] [--patient P] prints one.");
        CONSOLE.info("\nPress Ctrl-C to stop.");
    }

    /** Parses {@code up} and its options. */
    static StackOptions parse(List<String> args) {
        Deque<String> rest = new ArrayDeque<>(args);
        if (rest.isEmpty() || !"up".equals(rest.peekFirst())) {
            throw new IllegalArgumentException("The launcher's command is 'up'");
        }
        rest.removeFirst();
        StackOptions d = StackOptions.defaults(Path.of(".careflow", "data"));
        Path dataDir = d.dataDir();
        boolean fresh = false;
        boolean demo = false;
        String host = d.host();
        int kafka = d.kafkaPort();
        int controller = d.kafkaControllerPort();
        int registry = d.registryPort();
        int registryManagement = d.registryManagementPort();
        int ingest = d.ingestPort();
        int triage = d.triagePort();
        int scheduling = d.schedulingPort();
        int notifications = d.notificationsPort();
        int masterdata = d.masterdataPort();
        int postgres = d.postgresPort();
        int mongo = d.mongoPort();
        int connect = d.connectPort();
        Map<String, Map<String, Object>> settings = new HashMap<>();
        int dispatcher = d.dispatcherPort();
        while (!rest.isEmpty()) {
            String flag = rest.removeFirst();
            switch (flag) {
                case "--fresh" -> fresh = true;
                case "--demo" -> demo = true;
                case "--data-dir" -> dataDir = Path.of(value(flag, rest));
                case "--host" -> host = value(flag, rest);
                case "--kafka-port" -> kafka = port(flag, rest);
                case "--kafka-controller-port" -> controller = port(flag, rest);
                case "--registry-port" -> registry = port(flag, rest);
                case "--registry-management-port" -> registryManagement = port(flag, rest);
                case "--ingest-port" -> ingest = port(flag, rest);
                case "--triage-port" -> triage = port(flag, rest);
                case "--scheduling-port" -> scheduling = port(flag, rest);
                case "--notifications-port" -> notifications = port(flag, rest);
                case "--masterdata-port" -> masterdata = port(flag, rest);
                case "--postgres-port" -> postgres = port(flag, rest);
                case "--mongo-port" -> mongo = port(flag, rest);
                case "--connect-port" -> connect = port(flag, rest);
                case "--config" -> appSettings(value(flag, rest), settings);
                case "--dispatcher-port" -> dispatcher = port(flag, rest);
                default -> throw new IllegalArgumentException("Unknown option " + flag);
            }
        }
        return new StackOptions(dataDir, fresh, demo, host, kafka, controller, registry, registryManagement, ingest, triage, scheduling,
            notifications, masterdata, postgres, mongo, connect, dispatcher, settings);
    }

    /** Adds the settings of {@code APP=FILE} to {@code settings}; a later file of the same app wins key by key. */
    private static void appSettings(String spec, Map<String, Map<String, Object>> settings) {
        int equals = spec.indexOf('=');
        if (equals <= 0 || equals == spec.length() - 1) {
            throw new IllegalArgumentException("--config needs APP=FILE, e.g. streams-triage=triage.properties; got " + spec);
        }
        String app = spec.substring(0, equals);
        Map<String, Object> file = ConfigSources.readFile(Path.of(spec.substring(equals + 1)), StackSettings.definition(app).names());
        settings.computeIfAbsent(app, a -> new HashMap<>()).putAll(file);
    }

    private static String value(String flag, Deque<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.removeFirst();
    }

    private static int port(String flag, Deque<String> rest) {
        String text = value(flag, rest);
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a port number 0-65535, got " + text);
        }
    }
}
