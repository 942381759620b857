package org.careflow.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The few calls of the Kafka Connect REST API that applying connectors needs. */
public final class ConnectClient {

    /** A connector's state and its tasks' states, with the first failure's trace if any. */
    public record Status(String name, String state, List<String> taskStates, String trace) {
        public boolean failed() {
            return "FAILED".equals(state) || taskStates.contains("FAILED");
        }

        public boolean running() {
            return "RUNNING".equals(state) && !taskStates.isEmpty() && taskStates.stream().allMatch("RUNNING"::equals);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Connect answers 409 while its workers rebalance; retry that long. */
    private static final Duration REBALANCE_PATIENCE = Duration.ofSeconds(60);

    private final URI base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client without credentials, for a worker whose REST API is open. */
    public ConnectClient(String url) {
        this(url, null, null);
    }

    /** A client sending HTTP Basic credentials (the worker's REST users file); {@code user} null sends none. */
    public ConnectClient(String url, String user, String password) {
        this.base = URI.create(url.replaceAll("/+$", "") + "/");
        this.authorization = user == null || user.isBlank() ? null : "Basic " + Base64.getEncoder().encodeToString(
            (user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    }

    /** Creates the connector, or updates its configuration; true when it was created. */
    public boolean put(String name, Map<String, String> config) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("connectors/" + name + "/config"))
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IOException("Connect refused the configuration of " + name + " with HTTP " + response.statusCode() + ": "
                + response.body());
        }
        return response.statusCode() == 201;
    }

    /**
     * Restarts the connector's failed instance and failed tasks (Connect's {@code onlyFailed} restart), with the
     * configuration it holds now.
     */
    public void restartFailed(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("connectors/" + name
            + "/restart?includeTasks=true&onlyFailed=true")).POST(HttpRequest.BodyPublishers.noBody()));
        if (response.statusCode() != 200 && response.statusCode() != 202 && response.statusCode() != 204 && response.statusCode() != 404) {
            throw new IOException("Connect answered HTTP " + response.statusCode() + " to restarting " + name + ": " + response.body());
        }
    }

    /** The connector's status, or null while Connect does not know it yet. */
    public Status status(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("connectors/" + name + "/status")).GET());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("Connect answered HTTP " + response.statusCode() + " for the status of " + name);
        }
        JsonNode body = JSON.readTree(response.body());
        List<String> tasks = new ArrayList<>();
        String trace = body.path("connector").path("trace").asText(null);
        for (JsonNode task : body.path("tasks")) {
            tasks.add(task.path("state").asText());
            if (trace == null && task.hasNonNull("trace")) {
                trace = task.get("trace").asText();
            }
        }
        return new Status(name, body.path("connector").path("state").asText(), tasks, trace);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        Instant giveUp = Instant.now().plus(REBALANCE_PATIENCE);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        while (true) {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                throw new IOException("Connect refused the credentials (HTTP 401): set CONNECT_REST_USER and CONNECT_REST_PASSWORD"
                    + " (or --connect-user and --connect-password) to a user of the worker's REST users file");
            }
            if (response.statusCode() != 409 || Instant.now().isAfter(giveUp)) {
                return response;
            }
            Thread.sleep(500);
        }
    }
}
