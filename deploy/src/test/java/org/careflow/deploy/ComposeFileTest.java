package org.careflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.careflow.config.StreamsAppConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml: it validates with docker-compose (Debian's {@code docker-compose} package; no Docker engine is
 * needed), and it has the shape the deployment promises: three KRaft nodes with replication factor 3 and min ISR 2,
 * two instances of every app, a health check on every service, logical decoding in PostgreSQL, a MongoDB replica set,
 * and secrets only in env files that git ignores.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    private static final List<String> APPS = List.of("ingest-api", "streams-triage", "streams-scheduling", "streams-notifications",
        "streams-masterdata", "notifications-dispatcher");
    private static final List<String> STREAMS_APPS = APPS.subList(1, 5);
    /** Names of settings that hold secrets; none may have a value in the compose file itself. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL|_KEY$|PRIVATE).*");
    /** A switch, whatever its name says (APICURIO_AUTHN_BASIC_CLIENT_CREDENTIALS_ENABLED turns a feature on, it holds none). */
    private static final Pattern FLAG = Pattern.compile("true|false");
    /** A URL with a password in it, e.g. mongodb://user:pass@host. */
    private static final Pattern URL_WITH_PASSWORD = Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void readComposeFile() throws IOException {
        compose = yaml(COMPOSE_FILE);
        services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((name, service) -> services.put(name, map(service)));
    }

    @Test
    void shouldValidateWithDockerComposeWhenEnvFilesAreCopiedFromTheExamples(@TempDir Path project) throws Exception {
        // Given a copy of the project whose deploy/env holds the committed examples, as an operator's copy would
        Path dockerCompose = dockerCompose();
        linkProject(project);

        // When docker-compose checks the file, quietly and then printing the resolved configuration
        Result quiet = run(project, dockerCompose.toString(), "-f", "docker-compose.yml", "config", "-q");
        Result printed = run(project, dockerCompose.toString(), "-f", "docker-compose.yml", "config");

        // Then both succeed without a word on stderr, and the env files reach the services that need them
        assertThat(quiet.exitCode()).as("docker-compose config -q failed:%n%s", quiet.stderr()).isZero();
        assertThat(quiet.stderr()).as("docker-compose config -q printed warnings or errors").isBlank();
        assertThat(printed.exitCode()).as("docker-compose config failed:%n%s", printed.stderr()).isZero();
        assertThat(printed.stderr()).isBlank();
        Map<String, Object> resolved = new Yaml(new LoaderOptions()).load(printed.stdout());
        Map<String, Object> resolvedServices = map(resolved.get("services"));
        assertThat(resolvedServices.keySet()).containsExactlyInAnyOrderElementsOf(services.keySet());
        assertThat(map(map(resolvedServices.get("ingest-api-1")).get("environment")))
            .containsKeys("CAREFLOW_AUTH_JWT_ISSUER", "CAREFLOW_WHATSAPP_APP_SECRET")
            .containsEntry("CAREFLOW_HTTP_ADVERTISED_HOST", "ingest-api-1");
        assertThat(map(map(resolvedServices.get("postgres")).get("environment"))).containsKey("POSTGRES_PASSWORD");
    }

    @Test
    void shouldRunThreeKraftNodesWithReplicationFactorThreeAndMinIsrTwo() {
        // Given the services running the Kafka image as broker and controller
        List<Map<String, String>> nodes = services.values().stream()
            .filter(s -> String.valueOf(s.get("image")).startsWith("apache/kafka:"))
            .map(s -> environment(s))
            .filter(env -> env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("broker"))
            .toList();

        // Then there are three, distinct, voting, with every replicated topic on three brokers and acks=all needing two
        assertThat(nodes).hasSize(3);
        assertThat(nodes).extracting(env -> env.get("KAFKA_NODE_ID")).containsExactlyInAnyOrder("1", "2", "3");
        for (Map<String, String> env : nodes) {
            assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")).hasSize(3);
            assertThat(env).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
                .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
            assertThat(Integer.parseInt(env.get("KAFKA_NUM_PARTITIONS"))).isGreaterThanOrEqualTo(6);
        }
        assertThat(environment(services.get("kafka-init"))).containsEntry("REPLICATION_FACTOR", "3");
    }

    @Test
    void shouldRunTwoInstancesOfEveryAppEachAdvertisingItsOwnHost() {
        for (String app : APPS) {
            // Given the services running the app's image
            Map<String, Map<String, Object>> instances = new LinkedHashMap<>();
            services.forEach((name, service) -> {
                if (String.valueOf(service.get("image")).matches(".*/" + Pattern.quote(app) + ":.*")) {
                    instances.put(name, service);
                }
            });

            // Then there are two, each reachable by the name it advertises for interactive queries, both in one group
            assertThat(instances).as(app).hasSize(2);
            instances.forEach((name, service) -> assertThat(environment(service))
                .as(name).containsEntry("CAREFLOW_HTTP_ADVERTISED_HOST", name));
            if (STREAMS_APPS.contains(app)) {
                assertThat(instances.values().stream().map(s -> environment(s).get("CAREFLOW_APPLICATION_ID")).distinct().toList())
                    .as("%s instances share one application id", app).hasSize(1).doesNotContainNull();
                instances.forEach((name, service) -> assertThat(list(service.get("volumes")))
                    .as("%s keeps its stores on its own volume", name).anyMatch(v -> v.toString().endsWith(":/var/lib/careflow/state")));
            }
            instances.forEach((name, service) -> {
                Map<String, Object> dependsOn = map(service.get("depends_on"));
                assertThat(map(dependsOn.get("kafka-init"))).containsEntry("condition", "service_completed_successfully");
                assertThat(map(dependsOn.get("registry-init"))).containsEntry("condition", "service_completed_successfully");
            });
        }
    }

    @Test
    void shouldGiveEveryStreamsAppTheRecommendedMemoryBudgetAsItsContainerLimit() {
        services.forEach((name, service) -> {
            if (STREAMS_APPS.stream().anyMatch(app -> String.valueOf(service.get("image")).matches(".*/" + Pattern.quote(app) + ":.*"))) {
                Map<String, String> env = environment(service);
                assertThat(String.valueOf(service.get("mem_limit"))).as(name).isEqualTo("512m");
                assertThat(env).as(name)
                    .containsEntry("CAREFLOW_ROCKSDB_MEMORY_BYTES", String.valueOf(StreamsAppConfig.SMALL_CONTAINER_ROCKSDB_MEMORY_BYTES))
                    .containsEntry("MALLOC_ARENA_MAX", "2");
                assertThat(env.get("JAVA_OPTS")).as(name).contains("-Xmx160m", "-XX:+UseSerialGC");
            }
        });
    }

    @Test
    void shouldHaveAHealthCheckOnEveryService() {
        assertThat(services).isNotEmpty();
        services.forEach((name, service) -> {
            Map<String, Object> healthcheck = map(service.get("healthcheck"));
            assertThat(healthcheck).as("%s has no healthcheck", name).isNotEmpty();
            assertThat(healthcheck.get("disable")).as(name).isNotEqualTo(Boolean.TRUE);
            List<Object> test = list(healthcheck.get("test"));
            assertThat(test).as("%s's healthcheck test", name).hasSizeGreaterThanOrEqualTo(2);
            assertThat(test.get(0)).as(name).isIn("CMD", "CMD-SHELL");
        });
    }

    @Test
    void shouldRunPostgresWithLogicalDecodingAndMongoAsAReplicaSet() throws IOException {
        assertThat(list(services.get("postgres").get("command"))).contains("wal_level=logical");

        // The mongo-kafka sink needs a replica set: mongod starts as a member of rs0, and its health check initiates it
        Map<String, Object> mongo = services.get("mongo");
        assertThat(list(mongo.get("entrypoint"))).contains("/careflow/start-mongod.sh");
        assertThat(Files.readString(ROOT.resolve("docker/mongo/start-mongod.sh"))).contains("--replSet rs0", "--keyFile");
        assertThat(Files.readString(ROOT.resolve("docker/mongo/replica-set-ready.sh"))).contains("rs.initiate(", "_id: \"rs0\"");
        assertThat(Files.readString(ROOT.resolve("deploy/env/connect-worker.env.example"))).contains("replicaSet=rs0");
        assertThat(map(map(services.get("connect-init").get("depends_on")).get("mongo"))).containsEntry("condition", "service_healthy");
    }

    @Test
    void shouldAskForALoginOnEveryKafkaListenerTheRegistryAndConnectsRestApi() throws IOException {
        // Kafka: no PLAINTEXT listener; clients and brokers log in with SCRAM over TLS, controllers use mutual TLS
        List<Map<String, String>> nodes = services.values().stream().map(ComposeFileTest::environment)
            .filter(env -> env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("broker")).toList();
        assertThat(nodes).hasSize(3).allSatisfy(env -> {
            assertThat(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).doesNotContain("PLAINTEXT")
                .contains("SASL_SSL:SASL_SSL", "CONTROLLER:SSL");
            assertThat(env).containsEntry("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512")
                .containsEntry("KAFKA_INTER_BROKER_LISTENER_NAME", "SASL_SSL")
                .containsEntry("KAFKA_LISTENER_NAME_CONTROLLER_SSL_CLIENT_AUTH", "required");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).startsWith("SASL_SSL://");
        });
        assertThat(Files.readString(ROOT.resolve("docker/kafka/start-node.sh"))).contains("--add-scram");

        // Every app and the Connect worker log in to Kafka
        services.forEach((name, service) -> {
            Map<String, String> env = environment(service);
            if (env.containsKey("CAREFLOW_KAFKA_BOOTSTRAP_SERVERS")) {
                assertThat(env).as(name).containsEntry("CAREFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("CAREFLOW_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
            }
        });
        Map<String, String> connect = environment(services.get("connect"));
        for (String prefix : List.of("CONNECT_", "CONNECT_PRODUCER_", "CONNECT_CONSUMER_", "CONNECT_ADMIN_")) {
            assertThat(connect).containsEntry(prefix + "SECURITY_PROTOCOL", "SASL_SSL");
        }

        // The registry authenticates (OIDC) and authorises writes by role; Connect's REST API asks for a user
        assertThat(environment(services.get("registry"))).containsEntry("QUARKUS_OIDC_TENANT_ENABLED", "true")
            .containsEntry("APICURIO_AUTH_ROLE_BASED_AUTHORIZATION", "true");
        assertThat(Files.readString(ROOT.resolve("connectors/worker/connect-distributed.properties")))
            .contains("rest.extension.classes=org.careflow.connect.rest.BasicAuthRestExtension", "config.providers=env");
        assertThat(list(services.get("connect").get("env_file"))).contains("deploy/env/connect-worker.env");
    }

    @Test
    void shouldKeepEverySecretInGitIgnoredEnvFiles() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> envFiles = new HashSet<>();
        services.forEach((name, service) -> {
            environment(service).forEach((key, value) -> {
                if (SECRET_NAME.matcher(key).matches() && !FLAG.matcher(value).matches()) {
                    problems.add(name + " sets " + key + " inline: move it to an env file under deploy/env");
                }
                if (URL_WITH_PASSWORD.matcher(value).find()) {
                    problems.add(name + " has a URL with a password in " + key + ": move it to an env file under deploy/env");
                }
            });
            list(service.get("env_file")).forEach(f -> envFiles.add(f.toString()));
        });
        assertThat(problems).isEmpty();

        // Every env file the services read is git-ignored and has a committed example with clearly fake values
        assertThat(envFiles).isNotEmpty().allMatch(f -> f.matches("deploy/env/[a-z-]+\\.env"));
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains("deploy/env/*.env", "deploy/env/metrics-token");
        for (String envFile : envFiles) {
            Path example = ROOT.resolve(envFile + ".example");
            assertThat(example).as("%s needs a committed example", envFile).exists();
            for (String line : Files.readAllLines(example)) {
                int eq = line.indexOf('=');
                if (line.isBlank() || line.startsWith("#") || eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq);
                String value = line.substring(eq + 1);
                if (SECRET_NAME.matcher(key).matches() || URL_WITH_PASSWORD.matcher(value).find()) {
                    assertThat(value).as("%s in %s must be an obvious placeholder", key, example.getFileName())
                        .matches("(?is).*CHANGE-?ME.*|0+");
                }
            }
        }
        assertThat(Files.readString(ROOT.resolve("deploy/env/metrics-token.example"))).contains("CHANGE-ME");
    }

    @Test
    void shouldScrapeEveryAppInstanceWithABearerTokenFromAFile() throws IOException {
        // Given Prometheus' scrape configuration
        Map<String, Object> prometheus = yaml(ROOT.resolve("docker/prometheus/prometheus.yml"));
        Map<String, Object> careflow = list(prometheus.get("scrape_configs")).stream().map(ComposeFileTest::map)
            .filter(job -> "careflow".equals(job.get("job_name"))).findFirst().orElseThrow();

        // Then /metrics (an OPS route) is scraped with a token file on every app instance of the compose file
        assertThat(careflow).containsEntry("metrics_path", "/metrics");
        assertThat(map(careflow.get("authorization"))).containsEntry("type", "Bearer")
            .containsEntry("credentials_file", "/etc/prometheus/secrets/metrics-token");
        Set<String> targets = new HashSet<>();
        list(careflow.get("static_configs")).forEach(c -> list(map(c).get("targets")).forEach(t -> targets.add(t.toString())));
        Set<String> instances = new HashSet<>();
        services.forEach((name, service) -> {
            if (environment(service).containsKey("CAREFLOW_HTTP_ADVERTISED_HOST")) {
                instances.add(name + ":8080");
            }
        });
        assertThat(targets).isEqualTo(instances).hasSize(2 * APPS.size());
    }

    // --- helpers ---

    private static Path dockerCompose() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "docker-compose");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("docker-compose is not on the PATH, and this test validates docker-compose.yml with it. Install "
            + "Debian's docker-compose package (sudo apt-get install -y docker-compose; .ci/run does this in CI). "
            + "No Docker engine is needed.");
    }

    /** Links every top-level entry of the project into {@code copy}, except deploy/env, which gets the examples. */
    private static void linkProject(Path copy) throws IOException {
        try (Stream<Path> entries = Files.list(ROOT)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals("deploy") && !name.equals(".git")) {
                    Files.createSymbolicLink(copy.resolve(name), entry);
                }
            }
        }
        Path env = Files.createDirectories(copy.resolve("deploy/env"));
        try (Stream<Path> examples = Files.list(ROOT.resolve("deploy/env"))) {
            for (Path example : examples.filter(f -> f.toString().endsWith(".example")).toList()) {
                String name = example.getFileName().toString();
                Files.copy(example, env.resolve(name.substring(0, name.length() - ".example".length())));
            }
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        // Only the files decide: no project name, file list or image settings from the caller's environment.
        builder.environment().keySet().removeIf(k -> k.startsWith("COMPOSE_") || k.startsWith("CAREFLOW_") || k.startsWith("DOCKER_"));
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("%s did not finish within 120 s", String.join(" ", command));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml(new LoaderOptions()).load(Files.readString(file));
    }

    /** A service's environment as strings; compose allows a map or a list of NAME=VALUE. */
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(k.toString(), v == null ? "" : v.toString()));
        } else {
            for (Object entry : list(raw)) {
                String s = entry.toString();
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof Collection<?> c ? new ArrayList<>((Collection<Object>) c) : List.of();
    }
}
