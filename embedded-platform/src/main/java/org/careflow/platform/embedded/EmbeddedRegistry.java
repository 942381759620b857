package org.careflow.platform.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real Apicurio Registry server, run as a child process from its unpacked distribution
 * (the folder holding {@code quarkus-run.jar}) and bound to 127.0.0.1.
 *
 * <p>The caller owns the lifecycle: {@link #close()} kills the child process and its descendants, and no shutdown
 * hook does it for you, so close it (try-with-resources) or the server outlives this JVM. The child stays in this
 * JVM's process group, so a signal to the whole group (Ctrl-C in a terminal, a group SIGKILL) ends it too; a JVM killed
 * alone leaves it running, which {@link Builder#pidFile(Path)} covers: the next start ends the child an earlier,
 * killed run recorded there before it binds its own ports. The child's output goes
 * to {@link #logFile()}, never to this process's stdout. Storage is the distribution's default (in-memory H2, lost
 * on close) unless {@link Builder#systemProperty(String, String)} points it elsewhere, e.g. at PostgreSQL.
 *
 * <pre>{@code
 * try (EmbeddedRegistry registry = EmbeddedRegistry.builder().build().start()) {
 *     String url = registry.url(); // http://127.0.0.1:PORT/apis/registry/v3
 * }
 * }</pre>
 */
public final class EmbeddedRegistry implements AutoCloseable {

    /** System property naming the registry home, the folder holding {@code quarkus-run.jar}. */
    public static final String HOME_PROPERTY = "careflow.registry.home";
    /** Environment variable naming the registry home when {@link #HOME_PROPERTY} is not set. */
    public static final String HOME_ENV = "CAREFLOW_REGISTRY_HOME";
    /** JVM options used unless {@link Builder#jvmOptions(List)} replaces them: small heap, quick start. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);

    private static final String RUNNER_JAR = "quarkus-run.jar";
    private static final String HOST = "127.0.0.1";
    private static final String LOG_FILE_NAME = "apicurio-registry.log";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 40;

    private final Path home;
    private final Path javaExecutable;
    private final int requestedHttpPort;
    private final int requestedManagementPort;
    private final Path configuredWorkDirectory;
    private final List<String> jvmOptions;
    private final Map<String, String> systemProperties;
    private final Duration startupTimeout;
    private final ProcessRecord pidRecord;

    private final Lifecycle lifecycle = new Lifecycle("The registry", "build a new one to restart");
    private DataDirectory workDirectory;
    private Process process;
    private int httpPort;
    private int managementPort;

    private EmbeddedRegistry(Builder builder) {
        this.home = builder.home != null ? requireRegistryHome(builder.home, "EmbeddedRegistry.Builder.home") : resolveHome(
                System.getProperty(HOME_PROPERTY), System.getenv(HOME_ENV));
        this.javaExecutable = builder.javaExecutable != null ? builder.javaExecutable
                : Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
        this.requestedHttpPort = builder.httpPort;
        this.requestedManagementPort = builder.managementPort;
        this.configuredWorkDirectory = builder.workDirectory;
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.systemProperties = Map.copyOf(builder.systemProperties);
        this.startupTimeout = builder.startupTimeout;
        this.pidRecord = builder.pidFile == null ? null : ProcessRecord.at(builder.pidFile);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server and waits until its readiness check ({@code /health/ready} on the management port) answers 200.
     *
     * @throws IllegalStateException if the process dies or is not ready within the startup timeout; the message
     *                               carries the last lines of the server's log, and the process is killed
     */
    public synchronized EmbeddedRegistry start() {
        lifecycle.start(this::startProcess, e -> Lifecycle.asStartFailure(e,
                "Could not start Apicurio Registry from " + home + " with " + javaExecutable), this::close);
        LOG.info("Apicurio Registry ready in {} ms at {}", lifecycle.millisSinceStart(), url());
        return this;
    }

    private void startProcess() throws IOException {
        workDirectory = DataDirectory.prepare(configuredWorkDirectory, "careflow-registry-", "registry work directory");
        if (pidRecord != null) {
            pidRecord.endLeftover(STOP_GRACE);
        }
        int[] ports = FreePorts.resolve(requestedHttpPort, requestedManagementPort);
        httpPort = ports[0];
        managementPort = ports[1];
        process = new ProcessBuilder(command())
                .directory(workDirectory.path().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile().toFile()))
                .start();
        if (pidRecord != null) {
            pidRecord.write(process.toHandle());
        }
        LOG.info("Started Apicurio Registry process {} from {} on ports {} (API) and {} (management), log {}",
                process.pid(), home, httpPort, managementPort, logFile());
        awaitReady();
    }

    /** The base URL of the Registry v3 REST API, e.g. {@code http://127.0.0.1:8080/apis/registry/v3}. */
    public synchronized String url() {
        requireStarted();
        return "http://" + HOST + ":" + httpPort + "/apis/registry/v3";
    }

    /** The port of the REST API. */
    public synchronized int httpPort() {
        requireStarted();
        return httpPort;
    }

    /** The port of the management interface (health checks, metrics). */
    public synchronized int managementPort() {
        requireStarted();
        return managementPort;
    }

    /** The file receiving the server's stdout and stderr, overwritten at each start. */
    public synchronized Path logFile() {
        if (workDirectory == null) {
            throw new IllegalStateException("The registry is not started yet");
        }
        return workDirectory.path().resolve(LOG_FILE_NAME);
    }

    /** The process id of the server, for diagnostics. */
    public synchronized long pid() {
        requireStarted();
        return process.pid();
    }

    /** Whether the server process is running. */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Kills the server process and its descendants: asks them to stop, then forces them after a grace period, and
     * waits until they are gone. Deletes the work directory only if it was a temporary one. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        lifecycle.close(process, this::destroy,
                millis -> LOG.info("Apicurio Registry process {} stopped in {} ms", process.pid(), millis), this::release);
    }

    private void destroy(Process server) {
        ProcessRecord.destroyTree(server.toHandle(), STOP_GRACE);
        if (pidRecord != null) {
            pidRecord.delete();
        }
    }

    private void release() {
        if (workDirectory != null && workDirectory.temporary()) {
            Directories.deleteQuietly(workDirectory.path());
        }
    }

    /** Resolves the registry home from the system property, else the environment variable, and checks it. */
    static Path resolveHome(String propertyValue, String envValue) {
        if (propertyValue != null && !propertyValue.isBlank()) {
            return requireRegistryHome(Path.of(propertyValue), "system property " + HOME_PROPERTY);
        }
        if (envValue != null && !envValue.isBlank()) {
            return requireRegistryHome(Path.of(envValue), "environment variable " + HOME_ENV);
        }
        throw new IllegalStateException("No Apicurio Registry home is set: set the system property " + HOME_PROPERTY
                + " or the environment variable " + HOME_ENV + " to the unpacked apicurio-registry-app distribution"
                + " (the folder holding " + RUNNER_JAR + "; the embedded-platform build unpacks it into its target folder)");
    }

    private static Path requireRegistryHome(Path home, String source) {
        if (!Files.isRegularFile(home.resolve(RUNNER_JAR))) {
            throw new IllegalStateException("The Apicurio Registry home " + home.toAbsolutePath() + " (from " + source
                    + ") has no " + RUNNER_JAR + ": point the system property " + HOME_PROPERTY + " or the environment variable "
                    + HOME_ENV + " at the unpacked apicurio-registry-app distribution");
        }
        return home.toAbsolutePath();
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.addAll(jvmOptions);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.http.host", HOST);
        properties.put("quarkus.http.port", String.valueOf(httpPort));
        properties.put("quarkus.management.host", HOST);
        properties.put("quarkus.management.port", String.valueOf(managementPort));
        properties.putAll(systemProperties);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(home.resolve(RUNNER_JAR).toString());
        return command;
    }

    private void awaitReady() {
        URI health = URI.create("http://" + HOST + ":" + managementPort + "/health/ready");
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        String lastAnswer = "no answer yet";
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                            + " before it was ready; last lines of " + logFile() + ":\n" + logTail());
                }
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    lastAnswer = "HTTP " + response.statusCode() + " " + response.body();
                } catch (IOException e) {
                    // Not listening yet, or busy starting: try again until the deadline.
                    lastAnswer = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for Apicurio Registry to be ready", e);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Apicurio Registry was not ready within " + startupTimeout + " (" + health
                            + " last said: " + lastAnswer + "); last lines of " + logFile() + ":\n" + logTail());
                }
                pauseUnlessExited();
            }
        }
    }

    /** Waits one poll interval, but wakes at once if the process dies meanwhile. */
    private void pauseUnlessExited() {
        try {
            process.onExit().get(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
            // The usual case: poll again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry to be ready", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not watch the Apicurio Registry process", e);
        }
    }

    private String logTail() {
        return LogTail.of(logFile(), LOG_TAIL_LINES);
    }

    private void requireStarted() {
        lifecycle.requireStarted();
    }


    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }

    /** Options of an {@link EmbeddedRegistry}; every one has a default that suits tests. */
    public static final class Builder {

        private Path home;
        private Path javaExecutable;
        private int httpPort;
        private int managementPort;
        private Path workDirectory;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Path pidFile;

        private Builder() {
        }

        /**
         * Records the child's pid in {@code pidFile} while it runs, and at start first ends the child an earlier run
         * recorded there if it still runs (that run's JVM was killed before it could stop it). Default: no record.
         */
        public Builder pidFile(Path pidFile) {
            this.pidFile = Objects.requireNonNull(pidFile, "pidFile");
            return this;
        }

        /**
         * The unpacked distribution, the folder holding {@code quarkus-run.jar}. Default: the system property
         * {@value EmbeddedRegistry#HOME_PROPERTY}, else the environment variable {@value EmbeddedRegistry#HOME_ENV}.
         */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /** The {@code java} that runs the server; it must be a JDK 21 or newer. Default: this JVM's. */
        public Builder javaExecutable(Path javaExecutable) {
            this.javaExecutable = Objects.requireNonNull(javaExecutable, "javaExecutable");
            return this;
        }

        /** The REST API port on 127.0.0.1; 0 (the default) picks a free port at start. */
        public Builder httpPort(int httpPort) {
            this.httpPort = FreePorts.checkPort("httpPort", httpPort);
            return this;
        }

        /** The management (health) port on 127.0.0.1; 0 (the default) picks a free port at start. */
        public Builder managementPort(int managementPort) {
            this.managementPort = FreePorts.checkPort("managementPort", managementPort);
            return this;
        }

        /** The child's working directory, where its log file goes. Default: a temporary directory deleted on close. */
        public Builder workDirectory(Path workDirectory) {
            this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
            return this;
        }

        /** Replaces {@link #DEFAULT_JVM_OPTIONS} (heap size, GC, JIT) for the child JVM. */
        public Builder jvmOptions(List<String> jvmOptions) {
            this.jvmOptions = List.copyOf(jvmOptions);
            return this;
        }

        /**
         * Keeps the registry's artifacts in an H2 database file at {@code file} (its path without the {@code .mv.db}
         * suffix), so they survive a restart on the same file; the default is in memory.
         */
        public Builder h2Storage(Path file) {
            return systemProperty("apicurio.storage.kind", "sql")
                .systemProperty("apicurio.storage.sql.kind", "h2")
                .systemProperty("apicurio.datasource.url", "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE");
        }

        /** Adds a {@code -Dkey=value} for the server, e.g. its storage settings; it may override the host and port ones. */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Requires a login on every API call, checked against the started {@code issuer}: a bearer token it signed, or a
         * client's id and secret as HTTP Basic, which the registry exchanges at the issuer's token endpoint
         * ({@code client_credentials}). Roles come from the token's roles claim: {@code sr-readonly} reads,
         * {@code sr-developer} also creates artifacts and versions, {@code sr-admin} also changes rules. Anonymous
         * reads are refused, and only an artifact's creator (or an admin) may change it (owner-only authorization).
         * Production's registry (docker-compose.yml, terraform/) authenticates the same way but allows anonymous reads
         * and does not set owner-only authorization.
         */
        public Builder authentication(EmbeddedOidcIssuer issuer) {
            Objects.requireNonNull(issuer, "issuer");
            systemProperties.put("quarkus.oidc.tenant-enabled", "true");
            systemProperties.put("quarkus.oidc.auth-server-url", issuer.issuer());
            systemProperties.put("quarkus.oidc.token.audience", issuer.audience());
            systemProperties.put("quarkus.oidc.roles.role-claim-path", issuer.rolesClaim());
            systemProperties.put("apicurio.authn.basic-client-credentials.enabled", "true");
            systemProperties.put("apicurio.auth.role-based-authorization", "true");
            systemProperties.put("apicurio.auth.owner-only-authorization", "true");
            systemProperties.put("apicurio.auth.anonymous-read-access.enabled", "false");
            return this;
        }

        /** How long {@link #start()} waits for the server to be ready. Default 60 s. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Lifecycle.checkTimeout("startupTimeout", startupTimeout);
            return this;
        }

        /**
         * Checks the options and returns a registry that is not started yet.
         *
         * @throws IllegalStateException if no registry home is given or set, or it has no {@code quarkus-run.jar}
         */
        public EmbeddedRegistry build() {
            return new EmbeddedRegistry(this);
        }
    }
}
