package org.careflow.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.careflow.events.security.AccessOutcome;
import org.careflow.security.SecurityGate;
import org.careflow.security.SecurityRejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a key lookup from whichever instance owns the key: reads the local store when this instance is
 * the active host ({@code queryMetadataForKey}), otherwise forwards the same request once to the owner.
 * A store in transition (rebalance, restore) becomes 503 with {@code Retry-After}, never a null or a 500.
 *
 * <p>Security: a forwarded request carries the caller's {@code Authorization} header, and the owner runs the same gate,
 * resource checks ({@link ResourceAccess}) and audit as any entry instance, so forwarding never widens access; the
 * owner's 401/403 (with {@code WWW-Authenticate}) pass back unchanged. Reads of audited endpoint classes are written
 * to the audit topic by the instance that read the store, whatever the outcome (allowed, denied, not found), and an
 * allowed read is answered only once its audit event is acknowledged (503 otherwise). The forwarding headers are loop
 * guards only: they grant nothing and suppress nothing.
 */
public final class InteractiveQueryService {

    /** Marks a request forwarded by another instance, so ownership changes cannot make it bounce. */
    public static final String FORWARDED_HEADER = "X-Careflow-Forwarded";
    /** Asks an instance for its own part of a gathered answer only. */
    public static final String LOCAL_PART_HEADER = "X-Careflow-Local-Part";

    private static final Logger LOG = LoggerFactory.getLogger(InteractiveQueryService.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient client;
    private final Duration forwardTimeout;
    private final String app;
    private final ReadAudit readAudit;
    private final String scheme;

    /** A service without audit: for tests whose subject is not security. */
    public InteractiveQueryService(KafkaStreams streams, HostInfo self, HttpClient client, Duration forwardTimeout) {
        this(streams, self, client, forwardTimeout, "unnamed", AuditPublisher.disabled());
    }

    /**
     * @param app the app's name, as audit events record it
     * @param audit where reads of audited endpoint classes are recorded
     */
    public InteractiveQueryService(KafkaStreams streams, HostInfo self, HttpClient client, Duration forwardTimeout, String app,
                                   AuditPublisher audit) {
        this(streams, self, client, forwardTimeout, app, audit, "http");
    }

    /**
     * @param scheme how other instances are reached: {@code https} when the app serves TLS (then {@code client} must
     *               trust their certificates, see {@link #newHttpClient(Duration, SSLContext)}), otherwise {@code http}
     */
    public InteractiveQueryService(KafkaStreams streams, HostInfo self, HttpClient client, Duration forwardTimeout, String app,
                                   AuditPublisher audit, String scheme) {
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("scheme must be http or https, not " + scheme);
        }
        this.scheme = scheme;
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = Objects.requireNonNull(self, "self");
        this.client = Objects.requireNonNull(client, "client");
        this.forwardTimeout = Objects.requireNonNull(forwardTimeout, "forwardTimeout");
        this.app = Objects.requireNonNull(app, "app");
        this.readAudit = new ReadAudit(app, self, audit);
    }

    /** The HTTP client all instances of an app share for forwarding. */
    public static HttpClient newHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The HTTP client all instances of an app share for forwarding over HTTPS, trusting what {@code sslContext} trusts. */
    public static HttpClient newHttpClient(Duration connectTimeout, SSLContext sslContext) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).sslContext(sslContext).build();
    }

    /** Reads the stores of the local instance; a store in transition throws and becomes 503. */
    @FunctionalInterface
    public interface LocalStores {
        <S> S store(String storeName, QueryableStoreType<S> type);
    }

    /**
     * Answers {@code ctx} with the value of {@code key} in the key-value store {@code storeName}, rendered by
     * {@code render}; 404 when no value is stored. {@code render} runs on the owner and checks access to the value
     * ({@link ResourceAccess}) before it renders anything.
     */
    public <V> void respondWithValue(Context ctx, String storeName, String key, Function<V, Object> render) {
        respondFromOwner(ctx, storeName, key, stores -> {
            V value = stores.store(storeName, QueryableStoreTypes.<String, V>keyValueStore()).get(key);
            return value == null ? null : render.apply(value);
        });
    }

    /**
     * Answers {@code ctx} on the instance owning {@code key} in {@code storeName}: runs {@code query} against
     * the local stores there (forwarding the request once if the owner is another instance) and renders its
     * result as JSON; a null result is 404. Queries must close the iterators they open.
     */
    public void respondFromOwner(Context ctx, String storeName, String key, Function<LocalStores, Object> query) {
        KeyQueryMetadata metadata = ownerOf(storeName, key);
        if (!self.equals(metadata.activeHost())) {
            forward(ctx, metadata.activeHost());
            return;
        }
        render(ctx, storeName, query);
    }

    private void render(Context ctx, String storeName, Function<LocalStores, Object> query) {
        Object result;
        try {
            result = query.apply(this::localStore);
        } catch (InvalidStateStoreException e) {
            readAudit.record(ctx, AccessOutcome.UNAVAILABLE, 503);
            throw ProblemException.unavailable("Store " + storeName + " is not queryable yet: " + e.getClass().getSimpleName(), RETRY_AFTER);
        } catch (SecurityRejection e) {
            readAudit.record(ctx, AccessOutcome.DENIED, e.status());
            throw e;
        } catch (ProblemException e) {
            readAudit.record(ctx, e.problem().status() == 404 ? AccessOutcome.NOT_FOUND : AccessOutcome.ERROR, e.problem().status());
            throw e;
        } catch (RuntimeException e) {
            readAudit.record(ctx, AccessOutcome.ERROR, 500);
            throw e;
        }
        if (result == null) {
            readAudit.record(ctx, AccessOutcome.NOT_FOUND, 404);
            throw ProblemException.notFound("Nothing is stored for this key yet");
        }
        readAudit.await(ctx, readAudit.record(ctx, AccessOutcome.ALLOWED, 200));
        ctx.json(result);
    }

    /**
     * Answers {@code ctx} from this instance's stores alone: for global stores, which every instance holds
     * whole. A null result is 404.
     */
    public void respondLocally(Context ctx, Function<LocalStores, Object> query) {
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            throw ProblemException.unavailable("The stream processor is " + streams.state(), RETRY_AFTER);
        }
        render(ctx, "global store", query);
    }

    /**
     * Answers {@code ctx} with the parts every instance holding {@code storeName} finds locally (a JSON array
     * each), gathered and ordered by {@code order}: for questions no single key answers, such as every
     * provider of a facility. An instance that cannot be asked makes the answer 503, never a partial list.
     */
    public void respondFromAll(Context ctx, String storeName, Function<LocalStores, List<?>> localPart, Comparator<JsonNode> order) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw ProblemException.unavailable("The stream processor is " + streams.state(), RETRY_AFTER);
        }
        List<JsonNode> gathered = new ArrayList<>();
        HttpServerFactory.MAPPER.valueToTree(localPart(localPart)).forEach(gathered::add);
        if (ctx.header(LOCAL_PART_HEADER) != null) {
            ctx.json(gathered);
            return;
        }
        for (StreamsMetadata instance : streams.streamsMetadataForStore(storeName)) {
            if (!self.equals(instance.hostInfo())) {
                gathered.addAll(remotePart(ctx, instance.hostInfo()));
            }
        }
        gathered.sort(order);
        ctx.json(gathered);
    }

    private List<?> localPart(Function<LocalStores, List<?>> query) {
        try {
            return query.apply(this::localStore);
        } catch (InvalidStateStoreException e) {
            throw ProblemException.unavailable("A store is not queryable yet: " + e.getClass().getSimpleName(), RETRY_AFTER);
        }
    }

    private <S> S localStore(String name, QueryableStoreType<S> type) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, type));
    }

    private List<JsonNode> remotePart(Context ctx, HostInfo host) {
        String query = ctx.queryString();
        URI target = URI.create(scheme + "://" + host.host() + ":" + host.port() + ctx.path() + (query == null ? "" : "?" + query));
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(forwardTimeout)
            .header(LOCAL_PART_HEADER, self.host() + ":" + self.port()).header("Accept", "application/json").GET();
        // The other instance checks the caller itself: it gets the same credentials, never more.
        SecurityGate.authorization(ctx).ifPresent(value -> builder.header(SecurityGate.AUTHORIZATION, value));
        HttpRequest request = builder.build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                // The other instance refused the caller: pass its refusal on rather than a partial answer.
                throw new ProblemException(new Problem(body.path("type").asText("about:blank"), body.path("title").asText("Refused"),
                    response.statusCode(), body.path("detail").asText(null), List.of()),
                    response.headers().firstValue(SecurityGate.WWW_AUTHENTICATE).map(v -> Map.of(SecurityGate.WWW_AUTHENTICATE, v)).orElse(Map.of()));
            }
            if (response.statusCode() != 200 || !body.isArray()) {
                throw ProblemException.unavailable("Instance " + host.host() + ":" + host.port() + " answered " + response.statusCode(), RETRY_AFTER);
            }
            List<JsonNode> part = new ArrayList<>();
            body.forEach(part::add);
            return part;
        } catch (IOException e) {
            throw ProblemException.unavailable("Instance " + host.host() + ":" + host.port() + " is unreachable", RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while gathering", RETRY_AFTER);
        }
    }

    private KeyQueryMetadata ownerOf(String storeName, String key) {
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            throw ProblemException.unavailable("The stream processor is " + streams.state(), RETRY_AFTER);
        }
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
        } catch (IllegalStateException e) {
            throw ProblemException.unavailable("Store metadata is not available yet", RETRY_AFTER);
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw ProblemException.unavailable("No instance owns this key right now (rebalancing)", RETRY_AFTER);
        }
        return metadata;
    }

    private void forward(Context ctx, HostInfo owner) {
        if (ctx.header(FORWARDED_HEADER) != null) {
            // The sender thought we own the key and we think it does: ownership is moving.
            throw ProblemException.unavailable("Key ownership is moving between instances", RETRY_AFTER);
        }
        String query = ctx.queryString();
        URI target = URI.create(scheme + "://" + owner.host() + ":" + owner.port() + ctx.path() + (query == null ? "" : "?" + query));
        HttpRequest.Builder builder = HttpRequest.newBuilder(target)
            .timeout(forwardTimeout)
            .header(FORWARDED_HEADER, self.host() + ":" + self.port())
            .header("Accept", "application/json")
            .GET();
        // The owner authenticates and checks the caller again, and audits the read: it trusts nothing from us.
        SecurityGate.authorization(ctx).ifPresent(value -> builder.header(SecurityGate.AUTHORIZATION, value));
        HttpRequest request = builder.build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            ctx.status(response.statusCode());
            response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
            response.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
            response.headers().firstValue(SecurityGate.WWW_AUTHENTICATE).ifPresent(v -> ctx.header(SecurityGate.WWW_AUTHENTICATE, v));
            ctx.result(response.body());
        } catch (IOException e) {
            // The class only: an exception's message may carry the URI, and with it a patient id.
            LOG.warn("Forwarding a query to {}:{} failed: {}", owner.host(), owner.port(), e.getClass().getSimpleName());
            throw ProblemException.unavailable("The instance owning this key is unreachable", RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while forwarding", RETRY_AFTER);
        }
    }
}
