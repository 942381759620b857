package org.careflow.platform.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A real Kafka Connect worker in distributed mode running inside this JVM, started the way
 * {@code connect-distributed.sh} starts one ({@link ConnectDistributed#startConnect(Map)}), with its REST API on
 * 127.0.0.1. For the local launcher and for integration tests of connector configurations.
 *
 * <p>Connectors come from the plugin path: one folder per plugin, with ServiceLoader manifests written at build time
 * ({@code ConnectPluginPath sync-manifests}, see the connectors module) so that the worker can use
 * {@code plugin.discovery=service_load} and start in seconds rather than scanning every class. The worker keeps its
 * state in three topics with replication factor 1 (single-broker clusters): restarting on the same broker with the
 * same group id brings its connectors back. Worker defaults: keys {@code StringConverter}, values
 * {@code ByteArrayConverter}; connectors set their own converters.
 *
 * <pre>{@code
 * try (EmbeddedConnect connect = EmbeddedConnect.builder().bootstrapServers(broker.bootstrapServers()).build().start()) {
 *     connect.putConnector("bookings-to-postgres", config);
 *     connect.awaitConnectorRunning("bookings-to-postgres", Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class EmbeddedConnect implements AutoCloseable {

    /** System property naming the plugin path (folders separated by commas) when the builder is given none. */
    public static final String PLUGIN_PATH_PROPERTY = "careflow.connect.plugin.path";
    /** Environment variable naming the plugin path when neither the builder nor {@link #PLUGIN_PATH_PROPERTY} does. */
    public static final String PLUGIN_PATH_ENV = "CAREFLOW_CONNECT_PLUGIN_PATH";

    /** careflow's REST authentication extension (in the apicurio-converter plugin folder, with careflow's converter; see connect-transforms). */
    public static final String BASIC_AUTH_EXTENSION = "org.careflow.connect.rest.BasicAuthRestExtension";
    /** The worker setting naming the REST users file of {@link #BASIC_AUTH_EXTENSION}. */
    public static final String BASIC_AUTH_USERS_FILE = "careflow.rest.basic.auth.users.file";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedConnect.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String HOST = "127.0.0.1";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final List<Path> pluginPath;
    private final String groupId;
    private final int requestedRestPort;
    private final Map<String, String> overrides;
    private final Duration startupTimeout;
    private final Path usersFile;
    private final String authorization;

    private final Lifecycle lifecycle = new Lifecycle("The Connect worker", "build a new one to restart");
    private Connect<DistributedHerder> connect;
    private HttpClient http;
    private String url;

    private EmbeddedConnect(Builder builder) {
        this.bootstrapServers = Objects.requireNonNull(builder.bootstrapServers,
                "bootstrapServers: give the Kafka cluster's bootstrap servers to EmbeddedConnect.Builder.bootstrapServers(...)");
        this.pluginPath = builder.pluginPath != null ? List.copyOf(builder.pluginPath)
                : resolvePluginPath(System.getProperty(PLUGIN_PATH_PROPERTY), System.getenv(PLUGIN_PATH_ENV));
        this.groupId = builder.groupId;
        this.requestedRestPort = builder.restPort;
        this.overrides = Map.copyOf(builder.overrides);
        this.startupTimeout = builder.startupTimeout;
        this.usersFile = builder.usersFile;
        this.authorization = builder.user == null ? null : "Basic " + java.util.Base64.getEncoder()
                .encodeToString((builder.user + ":" + builder.password).getBytes(StandardCharsets.UTF_8));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the worker and waits until its REST API lists connectors ({@code GET /connectors} answers 200, which
     * it does once the worker has joined its group and read the config topic).
     *
     * @throws IllegalStateException if the worker fails or is not ready within the startup timeout; it is stopped
     */
    public synchronized EmbeddedConnect start() {
        lifecycle.start(this::startWorker, e -> Lifecycle.asStartFailure(e,
                "Could not start the Kafka Connect worker (group " + groupId + ") on " + bootstrapServers), this::close);
        LOG.info("Kafka Connect worker ready in {} ms at {} (group {}, plugin path {})",
                lifecycle.millisSinceStart(), url, groupId, pluginPath.isEmpty() ? "none" : pluginPath);
        return this;
    }

    private void startWorker() {
        Map<String, String> properties = workerProperties();
        // startConnect makes the plugins' delegating class loader this thread's context loader; give ours back.
        Thread thread = Thread.currentThread();
        ClassLoader callersLoader = thread.getContextClassLoader();
        try {
            connect = new ConnectDistributed().startConnect(properties);
        } finally {
            thread.setContextClassLoader(callersLoader);
        }
        url = stripTrailingSlash(connect.rest().advertisedUrl().toString());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        awaitReady();
    }

    /** The base URL of the worker's REST API, e.g. {@code http://127.0.0.1:8083}. */
    public synchronized String url() {
        requireStarted();
        return url;
    }

    /** The worker's group id, which also names its config, offset and status topics. */
    public String groupId() {
        return groupId;
    }

    /** The plugin path the worker was started with; empty when it only has the plugins on the classpath. */
    public List<Path> pluginPath() {
        return pluginPath;
    }

    /**
     * Creates or updates a connector ({@code PUT /connectors/{name}/config}).
     *
     * @throws IllegalStateException with the worker's answer if it rejects the configuration
     */
    public void putConnector(String name, Map<String, String> config) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        String body;
        try {
            body = JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Connector configuration of " + name + " is not serialisable", e);
        }
        HttpResponse<String> response = retryWhileRebalancing("PUT connector " + name, () -> send(HttpRequest.newBuilder(connectorUri(name, "/config"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body))));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("Kafka Connect rejected the configuration of connector " + name + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
        LOG.info("Connector {} {} on {}", name, response.statusCode() == 201 ? "created" : "updated", url);
    }

    /**
     * Waits until the connector and all its tasks (at least one) are RUNNING.
     *
     * @throws IllegalStateException at once if the connector or a task FAILED (with its stack trace), or at the deadline
     */
    public void awaitConnectorRunning(String name, Duration deadline) {
        Objects.requireNonNull(name, "name");
        String[] lastStatus = {"no status yet"};
        poll("connector " + name + " and its tasks RUNNING (last status: %s)", lastStatus, deadline, () -> {
            HttpResponse<String> response = send(HttpRequest.newBuilder(connectorUri(name, "/status")).GET());
            lastStatus[0] = "HTTP " + response.statusCode() + " " + response.body();
            if (response.statusCode() != 200) {
                return null;
            }
            JsonNode status = readJson(response.body());
            List<JsonNode> states = new ArrayList<>();
            states.add(status.path("connector"));
            status.path("tasks").forEach(states::add);
            for (JsonNode each : states) {
                if ("FAILED".equals(each.path("state").asText())) {
                    throw new IllegalStateException("Connector " + name + " failed: " + each.path("trace").asText(response.body()));
                }
            }
            boolean running = status.path("tasks").size() > 0
                    && states.stream().allMatch(each -> "RUNNING".equals(each.path("state").asText()));
            return running ? Boolean.TRUE : null;
        });
    }

    /** Deletes a connector ({@code DELETE /connectors/{name}}); a connector that does not exist is not an error. */
    public void deleteConnector(String name) {
        Objects.requireNonNull(name, "name");
        HttpResponse<String> response = retryWhileRebalancing("DELETE connector " + name,
                () -> send(HttpRequest.newBuilder(connectorUri(name, "")).DELETE()));
        if (response.statusCode() != 204 && response.statusCode() != 404) {
            throw new IllegalStateException("Kafka Connect could not delete connector " + name + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
    }

    /**
     * Stops the worker (its connectors and tasks, then the REST API) and waits until it has stopped. The connectors
     * stay in the config topic and come back with the next worker of the same group. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        lifecycle.close(connect, worker -> {
            worker.stop();
            worker.awaitStop();
        }, millis -> LOG.info("Kafka Connect worker at {} stopped in {} ms", url, millis), this::release);
    }

    private void release() {
        connect = null;
        if (http != null) {
            http.close();
            http = null;
        }
    }

    /** Resolves the plugin path from the system property, else the environment variable; empty when neither is set. */
    static List<Path> resolvePluginPath(String propertyValue, String envValue) {
        String value = propertyValue != null && !propertyValue.isBlank() ? propertyValue
                : envValue != null && !envValue.isBlank() ? envValue : null;
        if (value == null) {
            return List.of();
        }
        List<Path> folders = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (!entry.isBlank()) {
                folders.add(Path.of(entry.strip()));
            }
        }
        return List.copyOf(folders);
    }

    Map<String, String> workerProperties() {
        for (Path folder : pluginPath) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalStateException("The Connect plugin path folder " + folder.toAbsolutePath() + " does not exist:"
                        + " build the connectors module (it assembles target/plugins) or fix " + PLUGIN_PATH_PROPERTY + "/" + PLUGIN_PATH_ENV);
            }
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("bootstrap.servers", bootstrapServers);
        properties.put("group.id", groupId);
        properties.put("config.storage.topic", groupId + "-configs");
        properties.put("offset.storage.topic", groupId + "-offsets");
        properties.put("status.storage.topic", groupId + "-status");
        // One broker: one replica; one worker: one partition each is plenty and quick to create.
        properties.put("config.storage.replication.factor", "1");
        properties.put("offset.storage.replication.factor", "1");
        properties.put("status.storage.replication.factor", "1");
        properties.put("offset.storage.partitions", "1");
        properties.put("status.storage.partitions", "1");
        properties.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        properties.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        properties.put("listeners", "http://" + HOST + ":" + requestedRestPort);
        properties.put("rest.advertised.host.name", HOST);
        if (!pluginPath.isEmpty()) {
            properties.put("plugin.path", pluginPath.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(",")));
        }
        // Manifests only, no class scanning: needs the plugin folders' manifests, written at build time.
        properties.put("plugin.discovery", "service_load");
        // A single worker that restarts should get its tasks back at once, not after the default 5 minutes.
        properties.put("scheduled.rebalance.max.delay.ms", "0");
        if (usersFile != null) {
            properties.put("rest.extension.classes", BASIC_AUTH_EXTENSION);
            properties.put(BASIC_AUTH_USERS_FILE, usersFile.toAbsolutePath().toString());
        }
        properties.putAll(overrides);
        return properties;
    }

    private void awaitReady() {
        String[] lastAnswer = {"no answer yet"};
        Future<?> herderTask = connect.herderTask();
        poll("GET " + url + "/connectors to answer 200 (last answer: %s)", lastAnswer, startupTimeout, () -> {
            if (herderTask != null && herderTask.isDone()) {
                throw new IllegalStateException("The Kafka Connect herder stopped before the worker was ready: " + herderFailure(herderTask));
            }
            try {
                HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + "/connectors")).GET());
                lastAnswer[0] = "HTTP " + response.statusCode() + " " + response.body();
                return response.statusCode() == 200 ? Boolean.TRUE : null;
            } catch (IllegalStateException notListening) {
                lastAnswer[0] = String.valueOf(notListening.getCause());
                return null;
            }
        });
    }

    private static String herderFailure(Future<?> herderTask) {
        try {
            herderTask.get();
            return "it ended without an error";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /** The worker answers 409 while it joins its group or rebalances: retry those for a while. */
    private HttpResponse<String> retryWhileRebalancing(String what, Supplier<HttpResponse<String>> request) {
        String[] lastAnswer = {"no answer yet"};
        return poll(what + " without a rebalance in the way (last answer: %s)", lastAnswer, REQUEST_TIMEOUT, () -> {
            HttpResponse<String> response = request.get();
            lastAnswer[0] = "HTTP " + response.statusCode() + " " + response.body();
            return response.statusCode() == 409 ? null : response;
        });
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpClient client;
        synchronized (this) {
            requireStarted();
            client = http;
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return client.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Kafka Connect REST API at " + url + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling the Kafka Connect REST API at " + url, e);
        }
    }

    private URI connectorUri(String name, String suffix) {
        return URI.create(url() + "/connectors/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + suffix);
    }

    private static JsonNode readJson(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Kafka Connect answered with something that is not JSON: " + body, e);
        }
    }

    /** Polls until {@code supplier} returns non-null; {@code what} may hold one {@code %s} for {@code last[0]}. */
    private static <T> T poll(String what, String[] last, Duration deadline, Supplier<T> supplier) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            T value = supplier.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("Timed out after " + deadline.toSeconds() + " s waiting for " + String.format(what, last[0]));
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    private static String stripTrailingSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private void requireStarted() {
        lifecycle.requireStarted();
    }

    /** Options of an {@link EmbeddedConnect}; all but the bootstrap servers have a default that suits tests. */
    public static final class Builder {

        private String bootstrapServers;
        private List<Path> pluginPath;
        private String groupId = "careflow-connect";
        private int restPort;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Path usersFile;
        private String user;
        private String password;

        private Builder() {
        }

        /**
         * Requires HTTP Basic credentials on the REST API ({@value EmbeddedConnect#BASIC_AUTH_EXTENSION}, whose plugin folder
         * must be on the plugin path, and Kafka's connect-basic-auth-extension on the classpath): {@code usersFile} holds
         * {@code user=password} lines, and this class's own calls use {@code user} and {@code password}.
         */
        public Builder basicAuth(Path usersFile, String user, String password) {
            this.usersFile = Objects.requireNonNull(usersFile, "usersFile");
            this.user = Objects.requireNonNull(user, "user");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** The Kafka cluster the worker keeps its state in and its connectors read from and write to. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /**
         * The plugin path: folders each holding one folder per plugin. Default: the system property
         * {@value EmbeddedConnect#PLUGIN_PATH_PROPERTY}, else the environment variable
         * {@value EmbeddedConnect#PLUGIN_PATH_ENV} (comma-separated), else none (only the plugins on the classpath).
         */
        public Builder pluginPath(Path... folders) {
            this.pluginPath = List.of(folders);
            return this;
        }

        /** The worker group; its topics are {@code <groupId>-configs}, {@code -offsets} and {@code -status}. Default {@code careflow-connect}. */
        public Builder groupId(String groupId) {
            Objects.requireNonNull(groupId, "groupId");
            if (groupId.isBlank()) {
                throw new IllegalArgumentException("groupId must not be blank");
            }
            this.groupId = groupId;
            return this;
        }

        /** The REST API port on 127.0.0.1; 0 (the default) lets the OS pick a free one at start. */
        public Builder restPort(int restPort) {
            this.restPort = FreePorts.checkPort("restPort", restPort);
            return this;
        }

        /** Sets any worker configuration key, overriding this class's defaults (converters, discovery, listeners: take care). */
        public Builder workerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How long {@link #start()} waits for the REST API to list connectors. Default 60 s. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Lifecycle.checkTimeout("startupTimeout", startupTimeout);
            return this;
        }

        public EmbeddedConnect build() {
            return new EmbeddedConnect(this);
        }
    }
}
