package org.careflow.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the WhatsApp Cloud API, and a generic webhook receiver, on 127.0.0.1 and an ephemeral port, for tests
 * of the dispatcher and the end-to-end tests of other modules (it ships in this module's test-jar).
 *
 * <p>It records every request (method, path, headers, parsed JSON body) before answering. By default a
 * {@code POST .../messages} gets HTTP 200 with a fresh {@code wamid.} message id, like the real API, and any other path
 * gets HTTP 200 with {@code {}}. Replies can be scripted for the next requests, or for the next requests about one
 * notification (matched by {@code biz_opaque_callback_data} or a webhook body's {@code notificationId}):
 *
 * <pre>{@code
 * try (CloudApiStandIn api = CloudApiStandIn.start()) {
 *     api.failNextFor("n-1", 1, CloudApiStandIn.Reply.throttled(1));   // 429 with Retry-After: 1
 *     api.failNextFor("n-1", 1, CloudApiStandIn.Reply.serverError());  // then 500, then the default 200
 *     ... point the dispatcher at api.baseUri() ...
 *     api.awaitRequestsFor("n-1", 3, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class CloudApiStandIn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CloudApiStandIn.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGES_SUFFIX = "/messages";

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Deque<Script> nextReplies = new ArrayDeque<>();
    private final Map<String, Deque<Script>> nextRepliesByNotification = new HashMap<>();

    private CloudApiStandIn(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a stand-in on a free port of 127.0.0.1. */
    public static CloudApiStandIn start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            // One thread per request, so that a scripted slow reply does not hold up the others.
            ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "cloud-api-stand-in");
                thread.setDaemon(true);
                return thread;
            });
            CloudApiStandIn standIn = new CloudApiStandIn(server, executor);
            server.createContext("/", standIn::handle);
            server.setExecutor(executor);
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Cloud API stand-in", e);
        }
    }

    /** The base URL to configure as the Cloud API's, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** {@link #baseUrl()} as a URI. */
    public URI baseUri() {
        return URI.create(baseUrl());
    }

    /** A webhook address on this stand-in; {@code path} starts with '/'. */
    public String webhookUrl(String path) {
        return baseUrl() + path;
    }

    /** Every request so far, oldest first. */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests whose path ends with {@code pathSuffix}, e.g. "/messages". */
    public List<RecordedRequest> requestsTo(String pathSuffix) {
        return matching(r -> r.path().endsWith(pathSuffix));
    }

    /** The requests about one notification: Cloud API calls by {@code biz_opaque_callback_data}, webhooks by {@code notificationId}. */
    public List<RecordedRequest> requestsFor(String notificationId) {
        return matching(r -> notificationId.equals(r.notificationId()));
    }

    /** Answers the next {@code n} requests, whatever they are about, with {@code status} and {@code body}. */
    public CloudApiStandIn failNext(int n, int status, String body) {
        return failNext(n, Reply.of(status, body));
    }

    /** Answers the next {@code n} requests, whatever they are about, with {@code reply}. */
    public synchronized CloudApiStandIn failNext(int n, Reply reply) {
        nextReplies.add(new Script(reply, n));
        return this;
    }

    /**
     * Answers the next {@code n} requests about {@code notificationId} with {@code reply}; calls queue up in order.
     * Use {@link Integer#MAX_VALUE} for "always". These replies win over {@link #failNext(int, Reply)}.
     */
    public synchronized CloudApiStandIn failNextFor(String notificationId, int n, Reply reply) {
        nextRepliesByNotification.computeIfAbsent(notificationId, id -> new ArrayDeque<>()).add(new Script(reply, n));
        return this;
    }

    /** Forgets the recorded requests and the scripted replies. */
    public synchronized void reset() {
        requests.clear();
        nextReplies.clear();
        nextRepliesByNotification.clear();
    }

    /** Waits until at least {@code count} requests were recorded; returns them all. */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        return awaitMatching("at least " + count + " requests", count, r -> true, timeout);
    }

    /** Waits until at least {@code count} requests about {@code notificationId} were recorded; returns them. */
    public List<RecordedRequest> awaitRequestsFor(String notificationId, int count, Duration timeout) {
        return awaitMatching(count + " requests about notification " + notificationId, count,
            r -> notificationId.equals(r.notificationId()), timeout);
    }

    /** Waits for the first request about {@code notificationId}. */
    public RecordedRequest awaitRequestFor(String notificationId, Duration timeout) {
        return awaitRequestsFor(notificationId, 1, timeout).get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private synchronized List<RecordedRequest> matching(Predicate<RecordedRequest> filter) {
        return requests.stream().filter(filter).toList();
    }

    private synchronized List<RecordedRequest> awaitMatching(String what, int count, Predicate<RecordedRequest> filter,
                                                             Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<RecordedRequest> found = requests.stream().filter(filter).toList();
            if (found.size() >= count) {
                return found;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for " + what + "; saw " + found.size());
            }
            try {
                // Woken by every recorded request.
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what, e);
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawBody;
            try (InputStream in = exchange.getRequestBody()) {
                rawBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            JsonNode body = parse(rawBody);
            String path = exchange.getRequestURI().getPath();
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            String notificationId = notificationIdOf(body);

            Reply reply;
            String providerMessageId = null;
            synchronized (this) {
                reply = nextReply(notificationId);
            }
            String responseBody = reply.body();
            if (responseBody == null) {
                if (path.endsWith(MESSAGES_SUFFIX) && reply.status() / 100 == 2) {
                    providerMessageId = "wamid." + UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
                    responseBody = messagesAnswer(body, providerMessageId);
                } else {
                    responseBody = "{}";
                }
            }
            RecordedRequest recorded = new RecordedRequest(exchange.getRequestMethod(), path, Collections.unmodifiableMap(headers),
                rawBody, body, notificationId, reply.status(), providerMessageId);
            // Recorded before answering: a test that saw the answer also sees the request.
            synchronized (this) {
                requests.add(recorded);
                notifyAll();
            }
            if (reply.delay().isPositive()) {
                // A slow server, for timeout tests: the caller's own request timeout is what is under test.
                LockSupport.parkNanos(reply.delay().toNanos());
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = responseBody.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("The stand-in could not answer a request", e);
            throw e;
        }
    }

    private Reply nextReply(String notificationId) {
        Deque<Script> scripts = notificationId == null ? null : nextRepliesByNotification.get(notificationId);
        Reply reply = take(scripts);
        if (reply == null) {
            reply = take(nextReplies);
        }
        return reply == null ? Reply.ok() : reply;
    }

    private static Reply take(Deque<Script> scripts) {
        if (scripts == null || scripts.isEmpty()) {
            return null;
        }
        Script script = scripts.peekFirst();
        if (script.remaining != Integer.MAX_VALUE) {
            script.remaining--;
        }
        if (script.remaining <= 0) {
            scripts.removeFirst();
        }
        return script.reply;
    }

    private static String messagesAnswer(JsonNode request, String providerMessageId) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("messaging_product", "whatsapp");
        String to = request == null ? "" : request.path("to").asText("");
        answer.putArray("contacts").addObject().put("input", to).put("wa_id", to);
        answer.putArray("messages").addObject().put("id", providerMessageId);
        return answer.toString();
    }

    private static JsonNode parse(String rawBody) {
        if (rawBody.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(rawBody);
        } catch (IOException e) {
            return null;
        }
    }

    private static String notificationIdOf(JsonNode body) {
        if (body == null) {
            return null;
        }
        JsonNode id = body.has("biz_opaque_callback_data") ? body.get("biz_opaque_callback_data") : body.get("notificationId");
        return id != null && id.isTextual() ? id.asText() : null;
    }

    private static final class Script {
        private final Reply reply;
        private int remaining;

        private Script(Reply reply, int remaining) {
            if (remaining < 1) {
                throw new IllegalArgumentException("n must be at least 1, was " + remaining);
            }
            this.reply = Objects.requireNonNull(reply, "reply");
            this.remaining = remaining;
        }
    }

    /**
     * A scripted answer.
     *
     * @param status  the HTTP status
     * @param body    the body; null for the default (a fresh message id on /messages, {@code {}} elsewhere)
     * @param headers extra response headers, e.g. Retry-After
     * @param delay   how long to wait before answering
     */
    public record Reply(int status, String body, Map<String, String> headers, Duration delay) {

        public Reply {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(delay, "delay");
        }

        /** The default success. */
        public static Reply ok() {
            return new Reply(200, null, Map.of(), Duration.ZERO);
        }

        public static Reply of(int status, String body) {
            return new Reply(status, body, Map.of(), Duration.ZERO);
        }

        /** HTTP 429 with {@code Retry-After} and the Graph API's throughput error 130429. */
        public static Reply throttled(int retryAfterSeconds) {
            return new Reply(429, graphErrorBody(130429, "(#130429) Rate limit hit"),
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)), Duration.ZERO);
        }

        /** HTTP 500 with a body that is not a Graph error. */
        public static Reply serverError() {
            return of(500, "Internal Server Error");
        }

        /** A Graph API error with the given HTTP status, e.g. 400 and 131048 (spam rate limit), or 401 and 190. */
        public static Reply graphError(int httpStatus, int code, String message) {
            return of(httpStatus, graphErrorBody(code, message));
        }

        /** HTTP 400 with Graph error 131026, message undeliverable: permanent. */
        public static Reply undeliverable() {
            return graphError(400, 131026, "(#131026) Message Undeliverable.");
        }

        /** The default success, after {@code delay}. */
        public static Reply slow(Duration delay) {
            return new Reply(200, null, Map.of(), delay);
        }

        private static String graphErrorBody(int code, String message) {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode error = body.putObject("error");
            error.put("message", message);
            error.put("type", "OAuthException");
            error.put("code", code);
            error.put("error_subcode", 2494010);
            error.put("fbtrace_id", "Az8or2yhqkZfEZ-_4Qn_Bam");
            return body.toString();
        }
    }

    /**
     * One request as the stand-in saw it.
     *
     * @param headers          case-insensitive by name
     * @param body             the parsed JSON body, or null when it was empty or not JSON
     * @param notificationId   {@code biz_opaque_callback_data} or the body's {@code notificationId}, if any
     * @param answeredStatus   the HTTP status it was answered with
     * @param providerMessageId the {@code wamid.} id returned, for successful /messages calls
     */
    public record RecordedRequest(String method, String path, Map<String, List<String>> headers, String rawBody, JsonNode body,
                                  String notificationId, int answeredStatus, String providerMessageId) {

        /** The first value of a header. */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }
}
