package org.careflow.ops;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.ConfigSources;
import org.careflow.topics.TopicLayout;
import org.careflow.topics.TopicProvisioner;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./careflow ops}: operations on a running careflow deployment. {@code status} reports each streams app's
 * instances, tasks, lag, store sizes and restore progress; {@code scale-partitions} gives a topic more partitions by
 * the safe procedure of docs/operations.md; {@code create-topics} creates the catalogue's missing topics with the
 * {@code topic.partitions} layout.
 */
public final class OpsCommand {

    private static final Logger CONSOLE = LoggerFactory.getLogger("careflow.console");
    /** Where the ops bearer token comes from when --token is not given (kept off the command line, out of ps). */
    static final String TOKEN_ENV = "CAREFLOW_OPS_TOKEN";

    static final String USAGE = """
        usage: careflow ops status [--kafka SERVERS] [--app URL]... [--application-id APP=ID]... [--token T] [--json]
               careflow ops scale-partitions --topic T --partitions N [--kafka SERVERS] [--application-id APP=ID]... [--quiet-period 10s]
               careflow ops scale-partitions --topic T --partitions N --from-backup BACKUP [--kafka SERVERS]
               careflow ops scale-partitions --cleanup-old-app-id OLD --new-app-id NEW [--kafka SERVERS]
               careflow ops create-topics [--kafka SERVERS] [--replication-factor R] [--topic-partitions T:N,...]
               careflow dlq list --topic T [--since TIME] [--kafka SERVERS]
               careflow dlq show --topic T --id P:O [--id P:O]... [--kafka SERVERS]
               careflow dlq replay --topic T (--id P:O [--id P:O]... | --since TIME) [--kafka SERVERS]
          --kafka SERVERS          bootstrap servers (default 127.0.0.1:9092, the local stack)
          --command-config FILE    Kafka client properties (security.protocol, sasl.*, ssl.*) for every command
          --app URL                an instance of a streams app (repeatable; one per app is enough, it lists the others);
                                   default: the local stack's http://127.0.0.1:8081 to :8084
          --application-id APP=ID  an app's application.id when it is not the default (APP: %s)
          --token T                an ops bearer token; default: $CAREFLOW_OPS_TOKEN (./careflow sets it to one signed
                                   with the local stack's key when .careflow/data holds one)
          --json                   print JSON instead of tables
          --quiet-period D         how long the topics' end offsets must stay still before the swap (default 10s)
          --topic-partitions L     partition counts differing from the catalogue (default: $CAREFLOW_TOPIC_PARTITIONS)
          --id P:O                 a dead letter, by its partition and offset in the dead-letter topic (as dlq list shows)
          --since TIME             dead letters written at or after TIME (ISO-8601, like 2026-12-01T08:00:00Z)
        logging in (the tool reads no deployment's files; everything comes from these flags and the environment):
          Kafka  --command-config FILE with security.protocol, sasl.mechanism and sasl.jaas.config of a Kafka user (and
                 ssl.truststore.* for TLS). The user needs what the command does: describe groups and topics (status),
                 create and alter topics and delete groups (scale-partitions, create-topics), read the dead-letter topic
                 and write the original topic and dead-letter-replays (dlq replay). The local stack's user is "ops", a
                 super user: its password is .careflow/data/secrets/kafka-ops-password, its client settings
                 .careflow/data/secrets/kafka-ops.properties, which ./careflow ops passes when neither --kafka nor
                 --command-config is given.
          HTTP   --token T, else $CAREFLOW_OPS_TOKEN: a bearer token with careflow_role ops from the deployment's identity
                 provider (status reads /admin/status, an ops route); ./careflow token --role ops makes one for the local
                 stack. https:// app URLs are checked against the JVM's trust store (JAVA_TOOL_OPTIONS=
                 -Djavax.net.ssl.trustStore=FILE for a private CA)."""
        .formatted(OpsApps.names());

    private OpsCommand() {
    }

    public static void main(String[] args) {
        int code = run(List.of(args), line -> CONSOLE.info("{}", line), line -> CONSOLE.error("{}", line));
        System.exit(code);
    }

    /** Runs one ops command; {@code out} gets the report, {@code err} the problems. Returns the exit code. */
    public static int run(List<String> args, Consumer<String> out, Consumer<String> err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.accept("careflow ops: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try (Admin admin = Admin.create(options.clientProps())) {
            return switch (options.command()) {
                case "status" -> status(options, admin, out);
                case "scale-partitions" -> scale(options, admin, out);
                case "create-topics" -> createTopics(options, admin, out);
                case "dlq" -> deadLetters(options, out);
                default -> throw new IllegalStateException("unreachable");
            };
        } catch (ScalePartitions.Refused | IllegalStateException | ConfigException e) {
            err.accept("careflow ops " + options.command() + ": " + e.getMessage());
            return 1;
        }
    }

    private static int status(Options options, Admin admin, Consumer<String> out) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<URI> urls = options.urls().isEmpty()
            ? OpsApps.ALL.stream().map(a -> URI.create("http://127.0.0.1:" + a.defaultHttpPort())).toList()
            : options.urls();
        List<OpsStatus.AppReport> reports = new OpsStatus(admin, http, options.token(), Duration.ofSeconds(10))
            .collect(OpsStatus.applicationIds(options.applicationIds()), urls);
        out.accept(options.json() ? OpsStatus.json(reports) : OpsStatus.table(reports));
        return 0;
    }

    private static int scale(Options options, Admin admin, Consumer<String> out) {
        ScalePartitions scale = new ScalePartitions(admin, options.clientProps(), out);
        if (options.cleanupOld() != null) {
            if (options.newAppId() == null) {
                throw new IllegalStateException("--cleanup-old-app-id needs --new-app-id: the id that replaced it, which must have caught up");
            }
            scale.cleanup(options.cleanupOld(), options.newAppId());
            return 0;
        }
        if (options.topic() == null || options.partitions() < 1) {
            throw new IllegalStateException("scale-partitions needs --topic T and --partitions N");
        }
        if (options.fromBackup() != null) {
            scale.restoreFromBackup(options.topic(), options.fromBackup(), options.partitions());
            return 0;
        }
        ScalePartitions.Plan plan = scale.plan(options.topic(), options.partitions(), options.applicationIds(), options.layout());
        scale.print(plan);
        scale.execute(plan, options.quietPeriod(), Instant.now());
        return 0;
    }

    private static int deadLetters(Options options, Consumer<String> out) {
        DeadLetters dlq = new DeadLetters(options.clientProps(), out);
        return switch (options.dlqAction()) {
            case "list" -> dlq.list(options.topic(), options.since());
            case "show" -> {
                if (options.ids().isEmpty()) {
                    throw new IllegalStateException("dlq show needs --id P:O");
                }
                yield dlq.show(options.topic(), options.ids());
            }
            case "replay" -> dlq.replay(options.topic(), options.ids(), options.since());
            default -> throw new IllegalStateException("dlq takes list, show or replay; got " + options.dlqAction());
        };
    }

    private static int createTopics(Options options, Admin admin, Consumer<String> out) {
        TopicLayout layout = options.layout();
        List<String> created = TopicProvisioner.createMissing(admin, layout.apply(Topics.all()), options.replicationFactor());
        out.accept("Created " + created.size() + " topic(s) " + created + " with layout: " + layout);
        return 0;
    }

    /** The parsed command line. */
    record Options(String command, Map<String, Object> clientProps, List<URI> urls, Map<String, String> applicationIds, String token,
                   boolean json, String topic, int partitions, Duration quietPeriod, String fromBackup, String cleanupOld, String newAppId,
                   short replicationFactor, TopicLayout layout, String dlqAction, List<String> ids, Instant since) {

        static Options parse(List<String> args) {
            if (args.isEmpty() || !List.of("status", "scale-partitions", "create-topics", "dlq").contains(args.get(0))) {
                throw new IllegalArgumentException(args.isEmpty() ? "name a command" : "unknown command " + args.get(0));
            }
            Deque<String> rest = new ArrayDeque<>(args.subList(1, args.size()));
            String dlqAction = null;
            if (args.get(0).equals("dlq")) {
                if (rest.isEmpty() || !List.of("list", "show", "replay").contains(rest.peekFirst())) {
                    throw new IllegalArgumentException("dlq takes list, show or replay");
                }
                dlqAction = rest.removeFirst();
            }
            List<String> dlqIds = new ArrayList<>();
            Instant since = null;
            String kafka = "127.0.0.1:9092";
            Path commandConfig = null;
            List<URI> urls = new ArrayList<>();
            Map<String, String> ids = new LinkedHashMap<>();
            String token = null;
            boolean json = false;
            String topic = null;
            int partitions = 0;
            Duration quiet = Duration.ofSeconds(10);
            String fromBackup = null;
            String cleanupOld = null;
            String newAppId = null;
            short replication = 1;
            String layoutText = System.getenv(ConfigSources.envName(TopicLayout.TOPIC_PARTITIONS_CONFIG));
            while (!rest.isEmpty()) {
                String flag = rest.removeFirst();
                switch (flag) {
                    case "--kafka" -> kafka = value(flag, rest);
                    case "--command-config" -> commandConfig = Path.of(value(flag, rest));
                    case "--app" -> urls.add(url(value(flag, rest)));
                    case "--application-id" -> {
                        String v = value(flag, rest);
                        int eq = v.indexOf('=');
                        if (eq <= 0 || OpsApps.named(v.substring(0, eq)).isEmpty()) {
                            throw new IllegalArgumentException("--application-id takes APP=ID with APP one of " + OpsApps.names() + "; got " + v);
                        }
                        ids.put(v.substring(0, eq), v.substring(eq + 1));
                    }
                    case "--token" -> token = value(flag, rest);
                    case "--json" -> json = true;
                    case "--topic" -> topic = value(flag, rest);
                    case "--partitions" -> partitions = positive(flag, value(flag, rest));
                    case "--quiet-period" -> quiet = duration(flag, value(flag, rest));
                    case "--from-backup" -> fromBackup = value(flag, rest);
                    case "--cleanup-old-app-id" -> cleanupOld = value(flag, rest);
                    case "--new-app-id" -> newAppId = value(flag, rest);
                    case "--replication-factor" -> replication = (short) positive(flag, value(flag, rest));
                    case "--topic-partitions" -> layoutText = value(flag, rest);
                    case "--id" -> {
                        String id = value(flag, rest);
                        if (!id.matches("\\d+:\\d+")) {
                            throw new IllegalArgumentException("--id takes PARTITION:OFFSET, like 0:17; got " + id);
                        }
                        dlqIds.add(id);
                    }
                    case "--since" -> {
                        String text = value(flag, rest);
                        try {
                            since = Instant.parse(text);
                        } catch (java.time.format.DateTimeParseException e) {
                            throw new IllegalArgumentException("--since takes an ISO-8601 instant, like 2026-12-01T08:00:00Z; got " + text);
                        }
                    }
                    default -> throw new IllegalArgumentException("Unknown option " + flag);
                }
            }
            if (token == null) {
                String fromEnv = System.getenv(TOKEN_ENV);
                token = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
            }
            Map<String, Object> props = new HashMap<>();
            if (commandConfig != null) {
                Properties file = new Properties();
                try (InputStream in = Files.newInputStream(commandConfig)) {
                    file.load(in);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read --command-config " + commandConfig + ": " + e.getMessage());
                }
                file.forEach((k, v) -> props.put(k.toString(), v));
            }
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka);
            TopicLayout layout;
            try {
                layout = layoutText == null || layoutText.isBlank() ? TopicLayout.defaults()
                    : TopicLayout.parse(Arrays.asList(layoutText.split(",")));
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            return new Options(args.get(0), props, List.copyOf(urls), ids, token, json, topic, partitions, quiet, fromBackup, cleanupOld,
                newAppId, replication, layout, dlqAction, List.copyOf(dlqIds), since);
        }

        private static URI url(String text) {
            URI uri = URI.create(text);
            if (uri.getHost() == null || uri.getPort() < 0 || !(text.startsWith("http://") || text.startsWith("https://"))) {
                throw new IllegalArgumentException("--app takes an instance's base URL with its port, like http://127.0.0.1:8081; got " + text);
            }
            return uri;
        }

        /** {@code 10s}, {@code 2m}: the quiet period. */
        private static Duration duration(String flag, String text) {
            if (!text.matches("\\d+[sm]")) {
                throw new IllegalArgumentException(flag + " takes seconds or minutes, like 10s or 2m; got " + text);
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return text.endsWith("s") ? Duration.ofSeconds(amount) : Duration.ofMinutes(amount);
        }

        private static int positive(String flag, String text) {
            try {
                int n = Integer.parseInt(text);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + " takes a whole number of at least 1; got " + text);
        }

        private static String value(String flag, Deque<String> rest) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return rest.removeFirst();
        }
    }
}
