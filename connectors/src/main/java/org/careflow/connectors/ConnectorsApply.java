package org.careflow.connectors;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./careflow connectors apply --connect-url URL}: creates or updates every connector of {@code connectors/config/}
 * on a Connect cluster (idempotent: applying twice changes nothing), waits until each connector and task runs or
 * fails, prints their states, and runs the BI views migration when given a database. Exits non-zero when a connector
 * or task failed, or did not start in time.
 */
public final class ConnectorsApply {

    private static final Logger CONSOLE = LoggerFactory.getLogger("careflow.console");
    /** The variables (environment, {@code --set}, or {@code --connect-user}/{@code --connect-password}) of the REST credentials. */
    public static final String REST_USER = "CONNECT_REST_USER";
    public static final String REST_PASSWORD = "CONNECT_REST_PASSWORD";

    /** What to apply where. */
    public record Options(String connectUrl, Path configDir, Map<String, String> variables, Duration timeout, BiMigration.Target database) {
    }

    private ConnectorsApply() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(parse(List.of(args), System.getenv()));
        } catch (IllegalArgumentException e) {
            CONSOLE.info("careflow connectors: {}\nusage: connectors apply --connect-url URL [--connect-user USER --connect-password PASSWORD]"
                + " [--config-dir DIR] [--set NAME=VALUE]... "
                + "[--timeout SECONDS] [--jdbc-url URL --jdbc-user USER --jdbc-password PASSWORD]", e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    /** Applies everything and reports; 0 when every connector and task runs. */
    public static int run(Options options) {
        List<ConnectorConfigs.Connector> connectors = ConnectorConfigs.load(options.configDir(), options.variables());
        ConnectClient client = new ConnectClient(options.connectUrl(), options.variables().get(REST_USER),
            options.variables().get(REST_PASSWORD));
        try {
            for (ConnectorConfigs.Connector connector : connectors) {
                boolean created = client.put(connector.name(), connector.config());
                CONSOLE.info("{} {}", created ? "created" : "updated", connector.name());
            }
            Map<String, ConnectClient.Status> states = awaitSettled(client, connectors, options.timeout());
            boolean ok = true;
            for (ConnectorConfigs.Connector connector : connectors) {
                ConnectClient.Status status = states.get(connector.name());
                String state = status == null ? "UNKNOWN" : status.state();
                String tasks = status == null ? "[]" : status.taskStates().toString();
                CONSOLE.info("  {} connector {} tasks {}", String.format("%-34s", connector.name()), state, tasks);
                if (status == null || !status.running()) {
                    ok = false;
                    if (status != null && status.trace() != null) {
                        CONSOLE.info("    {}", status.trace().lines().findFirst().orElse(""));
                    }
                }
            }
            if (options.database() != null) {
                List<String> views = BiMigration.apply(options.database(), options.variables());
                CONSOLE.info("BI views up to date: {}", views);
            }
            return ok ? 0 : 1;
        } catch (IOException e) {
            CONSOLE.info("careflow connectors: {}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Polls until every connector runs with all its tasks, or one failed, or the time is up. A failure seen first may
     * be the previous configuration's (a worker restarted on the same data runs the configurations it stored until the
     * new ones take over): such a connector is restarted once, with the configuration just applied, and only a failure
     * after that restart counts.
     */
    static Map<String, ConnectClient.Status> awaitSettled(ConnectClient client, List<ConnectorConfigs.Connector> connectors, Duration timeout)
        throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, ConnectClient.Status> states = new LinkedHashMap<>();
        Set<String> restarted = new HashSet<>();
        Map<String, String> previous = Map.of();
        while (true) {
            boolean settled = true;
            Map<String, String> seen = new HashMap<>();
            for (ConnectorConfigs.Connector connector : connectors) {
                ConnectClient.Status status = client.status(connector.name());
                if (status != null && status.failed() && restarted.add(connector.name())) {
                    client.restartFailed(connector.name());
                    status = null;
                }
                states.put(connector.name(), status);
                seen.put(connector.name(), status == null ? "" : status.state() + status.taskStates());
                settled &= status != null && (status.running() || status.failed());
            }
            // Settled only when two polls half a second apart agree: a configuration just written may still restart a
            // task that looked running a moment before.
            if (settled && seen.equals(previous) || Instant.now().isAfter(deadline)) {
                return states;
            }
            previous = seen;
            Thread.sleep(500);
        }
    }

    static Options parse(List<String> args, Map<String, String> env) {
        Deque<String> rest = new ArrayDeque<>(args);
        if (rest.isEmpty() || !"apply".equals(rest.removeFirst())) {
            throw new IllegalArgumentException("the command is 'apply'");
        }
        String connectUrl = null;
        Path configDir = Path.of("connectors", "config");
        Map<String, String> variables = new HashMap<>(env);
        Duration timeout = Duration.ofSeconds(120);
        String jdbcUrl = null;
        String jdbcUser = null;
        String jdbcPassword = "";
        while (!rest.isEmpty()) {
            String flag = rest.removeFirst();
            switch (flag) {
                case "--connect-url" -> connectUrl = value(flag, rest);
                case "--config-dir" -> configDir = Path.of(value(flag, rest));
                case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value(flag, rest)));
                case "--connect-user" -> variables.put(REST_USER, value(flag, rest));
                case "--connect-password" -> variables.put(REST_PASSWORD, value(flag, rest));
                case "--jdbc-url" -> jdbcUrl = value(flag, rest);
                case "--jdbc-user" -> jdbcUser = value(flag, rest);
                case "--jdbc-password" -> jdbcPassword = value(flag, rest);
                case "--set" -> {
                    String pair = value(flag, rest);
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set takes NAME=VALUE, got " + pair);
                    }
                    variables.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (connectUrl == null) {
            throw new IllegalArgumentException("--connect-url is required");
        }
        BiMigration.Target database = jdbcUrl == null ? null : new BiMigration.Target(jdbcUrl, jdbcUser, jdbcPassword,
            configDir.resolveSibling("sql").resolve("bi"));
        return new Options(connectUrl, configDir, variables, timeout, database);
    }

    private static String value(String flag, Deque<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.removeFirst();
    }
}
