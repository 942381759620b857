package org.careflow.query;

import org.careflow.http.HttpServerFactory;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.apache.kafka.streams.LagInfo;
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
 * guards only: they grant nothing and suppress nothing, and are accepted only with another instance's credential
 * ({@link InstanceCredentials}, the cluster secret), from which alone the audit records the forwarder.
 */
public final class InteractiveQueryService {

    /** Marks a request forwarded by another instance, so ownership changes cannot make it bounce. */
    public static final String FORWARDED_HEADER = "X-Careflow-Forwarded";
    /** Asks an instance for its own part of a gathered answer only. */
    public static final String LOCAL_PART_HEADER = "X-Careflow-Local-Part";
    /**
     * Marks a stale-tolerant lookup sent to an instance holding a standby copy because the owner could not answer: it
     * answers from its copy (within the request's bound) and never forwards again.
     */
    public static final String STALE_FORWARDED_HEADER = "X-Careflow-Stale-Forwarded";
    /** On answers to stale-tolerant lookups: {@code true} when a copy answered, {@code false} when the active owner did. */
    public static final String STALE_HEADER = "X-Careflow-Stale";
    private static final Duration LAG_SNAPSHOT_AGE = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(InteractiveQueryService.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient client;
    private final Duration forwardTimeout;
    private final String app;
    private final ReadAudit readAudit;
    private final String scheme;
    private volatile LagSnapshot lags;
    private final StalenessClock clock;
    private final InstanceCredentials credentials;

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
        this(streams, self, client, forwardTimeout, app, audit, scheme, false);
    }

    /**
     * @param transactionalChangelogs the app runs exactly_once_v2: each transaction's commit marker takes a changelog
     *                                offset, so a copy one offset short of the end holds every committed record
     */
    public InteractiveQueryService(KafkaStreams streams, HostInfo self, HttpClient client, Duration forwardTimeout, String app,
                                   AuditPublisher audit, String scheme, boolean transactionalChangelogs) {
        this(streams, self, client, forwardTimeout, app, audit, scheme, transactionalChangelogs, InstanceCredentials.unverified());
    }

    /**
     * @param credentials signs the requests this instance forwards and verifies those forwarded to it (the cluster secret);
     *                    {@link InstanceCredentials#unverified()} only where nothing is audited
     */
    public InteractiveQueryService(KafkaStreams streams, HostInfo self, HttpClient client, Duration forwardTimeout, String app,
                                   AuditPublisher audit, String scheme, boolean transactionalChangelogs,
                                   InstanceCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = new StalenessClock(StalenessClock.HISTORY, transactionalChangelogs ? 1 : 0);
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
     * result as JSON; a null result is 404. Queries must close the iterators they open. The stores {@code query} gets are
     * those of the key's partition only, so a partition still restoring is 503 rather than a wrong 404: a query must read
     * only stores co-partitioned with {@code key} (the same sub-topology, keyed or prefixed by it).
     *
     * <p>With {@code allowStale=true}, {@code maxLagMs=N} or {@code maxLagRecords=N} in the request ({@link StaleReads}) a standby or
     * restoring copy answers when the owner cannot, and the answer carries a {@code staleness} member.
     */
    public void respondFromOwner(Context ctx, String storeName, String key, Function<LocalStores, Object> query) {
        credentials.verify(ctx);
        StaleReads stale = StaleReads.from(ctx);
        if (!stale.allowed()) {
            KeyQueryMetadata metadata = ownerOf(storeName, key);
            if (!self.equals(metadata.activeHost())) {
                forward(ctx, metadata.activeHost());
                return;
            }
            render(ctx, storeName, activeStores(metadata.partition()), query, null);
            return;
        }
        respondAllowingStale(ctx, storeName, key, query, stale);
    }

    /**
     * The lookup when the caller accepts staleness ({@link StaleReads}): the active owner answers when it can (fresh,
     * {@code "stale": false}); when its store is restoring or it cannot be reached, this instance's standby or restoring
     * copy answers, or the request goes once to an instance holding a standby copy. Every answer names its source and
     * lag. The instance that reads a store checks the caller and writes the audit event, as for any read.
     */
    private void respondAllowingStale(Context ctx, String storeName, String key, Function<LocalStores, Object> query, StaleReads stale) {
        boolean mayForward = ctx.header(FORWARDED_HEADER) == null && ctx.header(STALE_FORWARDED_HEADER) == null;
        KeyQueryMetadata metadata = ownerOrNull(storeName, key);
        if (metadata == null) {
            // No owner known (mid-rebalance): whatever copies this instance holds, partition unknown.
            answerFromLocalCopy(ctx, storeName, null, StaleReads.Source.LOCAL, query, stale);
            return;
        }
        HostInfo active = metadata.activeHost();
        boolean selfActive = self.equals(active);
        if (ctx.header(STALE_FORWARDED_HEADER) == null) {
            if (selfActive) {
                if (tryRender(ctx, storeName, activeStores(metadata.partition()), query, StaleReads.staleness(StaleReads.Source.ACTIVE, 0L, 0L))) {
                    return;
                }
            } else if (mayForward) {
                HttpResponse<byte[]> answer = send(ctx, active, FORWARDED_HEADER);
                // An owner that cannot answer (5xx) or cannot be reached gives way to the copies.
                if (answer != null && answer.statusCode() < 500) {
                    relay(ctx, answer);
                    return;
                }
            }
        }
        boolean holdsCopy = selfActive || metadata.standbyHosts().contains(self);
        switch (StaleReads.fallback(holdsCopy, mayForward, List.copyOf(metadata.standbyHosts()), self)) {
            case LOCAL_COPY -> answerFromLocalCopy(ctx, storeName, metadata.partition(),
                selfActive ? StaleReads.Source.RESTORING : StaleReads.Source.STANDBY, query, stale);
            case FORWARD_TO_STANDBY -> {
                for (HostInfo standby : metadata.standbyHosts()) {
                    if (!standby.equals(self)) {
                        HttpResponse<byte[]> answer = send(ctx, standby, STALE_FORWARDED_HEADER);
                        if (answer != null) {
                            relay(ctx, answer);
                            return;
                        }
                    }
                }
                throw ProblemException.unavailable("Neither the owner of this key nor its standby copies can be reached", RETRY_AFTER);
            }
            case UNAVAILABLE -> throw ProblemException.unavailable(
                "The owner of this key cannot answer and no standby copy is available", RETRY_AFTER);
        }
    }

    private void answerFromLocalCopy(Context ctx, String storeName, Integer partition, StaleReads.Source source,
                                     Function<LocalStores, Object> query, StaleReads stale) {
        Long lag = localOffsetLag(storeName, partition);
        Long boundMs = localStalenessBoundMs(storeName, partition);
        if (!stale.permits(lag, boundMs)) {
            readAudit.record(ctx, AccessOutcome.UNAVAILABLE, 503);
            throw ProblemException.unavailable("The local copy of " + storeName + " is "
                + (lag == null ? "an unknown number of" : lag) + " records and "
                + (boundMs == null ? "an unknown time" : "up to " + boundMs + " ms") + " behind, more than "
                + StaleReads.MAX_LAG_RECORDS_PARAM + " or " + StaleReads.MAX_LAG_MS_PARAM + " allows", RETRY_AFTER);
        }
        if (partition == null) {
            // With no partition known, a miss may only mean the copy holding the key is not open here right now.
            renderFound(ctx, storeName, localCopies(null), query, StaleReads.staleness(source, lag, boundMs));
            return;
        }
        render(ctx, storeName, localCopies(partition), query, StaleReads.staleness(source, lag, boundMs));
    }

    /** The active, serving stores of {@code partition}: a store still restoring throws instead of answering a wrong 404. */
    private LocalStores activeStores(int partition) {
        return new LocalStores() {
            @Override
            public <S> S store(String name, QueryableStoreType<S> type) {
                return storeOf(StoreQueryParameters.fromNameAndType(name, type).withPartition(partition));
            }
        };
    }

    /** Every local copy (active, restoring, standby) of {@code partition}, or of all partitions when null. */
    private LocalStores localCopies(Integer partition) {
        return new LocalStores() {
            @Override
            public <S> S store(String name, QueryableStoreType<S> type) {
                StoreQueryParameters<S> parameters = StoreQueryParameters.fromNameAndType(name, type).enableStaleStores();
                return storeOf(partition == null ? parameters : parameters.withPartition(partition));
            }
        };
    }

    /**
     * The changelog offset lag of this instance's copy of {@code storeName}'s {@code partition} (all partitions: the
     * largest), from a snapshot at most {@link #LAG_SNAPSHOT_AGE} old; null when unknown.
     */
    private Long localOffsetLag(String storeName, Integer partition) {
        Map<Integer, LagInfo> lags = lagSnapshot().get(storeName);
        if (lags == null || lags.isEmpty()) {
            return null;
        }
        if (partition == null) {
            return lags.values().stream().mapToLong(LagInfo::offsetLag).max().orElse(0L);
        }
        LagInfo lag = lags.get(partition);
        return lag == null ? null : lag.offsetLag();
    }

    /**
     * How long ago, at most, this instance's copy of {@code storeName}'s {@code partition} (all partitions: the largest)
     * was last known to hold everything its changelog had ({@link StalenessClock}); null when unknown.
     */
    private Long localStalenessBoundMs(String storeName, Integer partition) {
        Map<Integer, LagInfo> lags = lagSnapshot().get(storeName);
        if (lags == null || lags.isEmpty() || partition != null && !lags.containsKey(partition)) {
            return null;
        }
        long now = System.currentTimeMillis();
        Long largest = 0L;
        for (Map.Entry<Integer, LagInfo> entry : lags.entrySet()) {
            if (partition != null && !entry.getKey().equals(partition)) {
                continue;
            }
            Long bound = clock.boundMs(storeName, entry.getKey(), entry.getValue().currentOffsetPosition(), now);
            if (bound == null) {
                return null;
            }
            largest = Math.max(largest, bound);
        }
        return largest;
    }

    /**
     * Samples the changelog positions and end offsets of every local store copy, for the time bounds of stale answers
     * ({@code maxLagMs}): the app calls it about once a second.
     */
    public void sampleLags() {
        lagSnapshot();
    }

    private Map<String, Map<Integer, LagInfo>> lagSnapshot() {
        LagSnapshot current = lags;
        long now = System.nanoTime();
        if (current == null || now - current.takenAtNanos() > LAG_SNAPSHOT_AGE.toNanos()) {
            try {
                // Asks the brokers for the changelogs' end offsets: kept briefly, so a failover burst makes few calls.
                current = new LagSnapshot(now, streams.allLocalStorePartitionLags());
                clock.record(System.currentTimeMillis(), current.lags());
            } catch (RuntimeException e) {
                LOG.debug("Store lags unavailable: {}", e.getClass().getSimpleName());
                current = new LagSnapshot(now, Map.of());
            }
            lags = current;
        }
        return current.lags();
    }

    private record LagSnapshot(long takenAtNanos, Map<String, Map<Integer, LagInfo>> lags) {
    }

    private void render(Context ctx, String storeName, Function<LocalStores, Object> query) {
        render(ctx, storeName, this::localStore, query, null);
    }

    /** As {@link #render}, but a store in transition returns false (nothing answered, nothing audited) instead of 503. */
    private boolean tryRender(Context ctx, String storeName, LocalStores stores, Function<LocalStores, Object> query,
                              Map<String, Object> staleness) {
        return render(ctx, storeName, stores, query, staleness, true, false);
    }

    private void render(Context ctx, String storeName, LocalStores stores, Function<LocalStores, Object> query, Map<String, Object> staleness) {
        render(ctx, storeName, stores, query, staleness, false, false);
    }

    /** As {@link #render}, but a miss is 503 (the data may be in a copy not open here), never 404. */
    private void renderFound(Context ctx, String storeName, LocalStores stores, Function<LocalStores, Object> query, Map<String, Object> staleness) {
        render(ctx, storeName, stores, query, staleness, false, true);
    }

    private boolean render(Context ctx, String storeName, LocalStores stores, Function<LocalStores, Object> query,
                           Map<String, Object> staleness, boolean returnWhenInTransition, boolean missIsUnknown) {
        Object result;
        try {
            result = query.apply(stores);
        } catch (InvalidStateStoreException e) {
            if (returnWhenInTransition) {
                return false;
            }
            readAudit.record(ctx, AccessOutcome.UNAVAILABLE, 503);
            throw ProblemException.unavailable("Store " + storeName + " is not queryable yet: " + e.getClass().getSimpleName(), RETRY_AFTER);
        } catch (SecurityRejection e) {
            readAudit.record(ctx, AccessOutcome.DENIED, e.status());
            throw e;
        } catch (ProblemException e) {
            AccessOutcome outcome = e.problem().status() != 404 ? AccessOutcome.ERROR
                : ResourceAccess.concealedDenial(ctx) ? AccessOutcome.DENIED : AccessOutcome.NOT_FOUND;
            readAudit.record(ctx, outcome, e.problem().status());
            throw e;
        } catch (RuntimeException e) {
            readAudit.record(ctx, AccessOutcome.ERROR, 500);
            throw e;
        }
        if (result == null && missIsUnknown) {
            readAudit.record(ctx, AccessOutcome.UNAVAILABLE, 503);
            throw ProblemException.unavailable("No owner is known for this key and no local copy holds it", RETRY_AFTER);
        }
        if (result == null) {
            readAudit.record(ctx, AccessOutcome.NOT_FOUND, 404);
            throw ProblemException.notFound(ResourceAccess.NOTHING_STORED);
        }
        readAudit.await(ctx, readAudit.record(ctx, AccessOutcome.ALLOWED, 200));
        if (staleness == null) {
            ctx.json(result);
            return true;
        }
        JsonNode body = HttpServerFactory.MAPPER.valueToTree(result);
        if (body instanceof ObjectNode object) {
            object.set("staleness", HttpServerFactory.MAPPER.valueToTree(staleness));
        }
        ctx.header(STALE_HEADER, String.valueOf(staleness.get("stale")));
        ctx.json(body);
        return true;
    }

    /**
     * Answers {@code ctx} from this instance's stores alone: for global stores, which every instance holds
     * whole. A null result is 404.
     */
    public void respondLocally(Context ctx, Function<LocalStores, Object> query) {
        credentials.verify(ctx);
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
        credentials.verify(ctx);
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
        return storeOf(StoreQueryParameters.fromNameAndType(name, type));
    }

    /** The store, or InvalidStateStoreException (503) when the processor stopped running since it was checked. */
    private <S> S storeOf(StoreQueryParameters<S> parameters) {
        try {
            return streams.store(parameters);
        } catch (IllegalStateException e) {
            throw new InvalidStateStoreException("The stream processor is " + streams.state(), e);
        }
    }

    private List<JsonNode> remotePart(Context ctx, HostInfo host) {
        String query = ctx.queryString();
        URI target = URI.create(scheme + "://" + host.host() + ":" + host.port() + ctx.path() + (query == null ? "" : "?" + query));
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(forwardTimeout).header("Accept", "application/json").GET();
        // The other instance checks the caller itself: it gets the same credentials, never more.
        mark(builder, ctx, LOCAL_PART_HEADER, query);
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

    /** The owner of {@code key}, or null when no owner is known now (rebalancing); 503 when the processor is not running. */
    private KeyQueryMetadata ownerOrNull(String storeName, String key) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw ProblemException.unavailable("The stream processor is " + state, RETRY_AFTER);
        }
        try {
            return ownerOf(storeName, key);
        } catch (ProblemException e) {
            return null;
        }
    }

    /** Sends {@code ctx}'s request once to {@code host} marked with {@code header}; null when the host cannot be reached. */
    private HttpResponse<byte[]> send(Context ctx, HostInfo host, String header) {
        String query = ctx.queryString();
        URI target = URI.create(scheme + "://" + host.host() + ":" + host.port() + ctx.path() + (query == null ? "" : "?" + query));
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(forwardTimeout).header("Accept", "application/json").GET();
        // The other instance authenticates and checks the caller again, and audits the read: it trusts nothing from us.
        mark(builder, ctx, header, query);
        try {
            return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            LOG.debug("Instance {}:{} unreachable for a query: {}", host.host(), host.port(), e.getClass().getSimpleName());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while forwarding", RETRY_AFTER);
        }
    }

    /**
     * Adds the forwarding header {@code marker} naming this instance, the caller's {@code Authorization} header and this
     * instance's credential for both ({@link InstanceCredentials}) to a request for {@code ctx}'s path and {@code query}.
     */
    private void mark(HttpRequest.Builder builder, Context ctx, String marker, String query) {
        String instance = self.host() + ":" + self.port();
        String authorization = SecurityGate.authorization(ctx).orElse(null);
        builder.header(marker, instance);
        if (authorization != null) {
            builder.header(SecurityGate.AUTHORIZATION, authorization);
        }
        String credential = credentials.sign(marker, instance, "GET", ctx.path() + (query == null ? "" : "?" + query), authorization);
        if (credential != null) {
            builder.header(InstanceCredentials.HEADER, credential);
        }
    }

    /** Passes another instance's answer on unchanged: status, body and the headers that matter to the caller. */
    private static void relay(Context ctx, HttpResponse<byte[]> response) {
        ctx.status(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
        response.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
        response.headers().firstValue(SecurityGate.WWW_AUTHENTICATE).ifPresent(v -> ctx.header(SecurityGate.WWW_AUTHENTICATE, v));
        response.headers().firstValue(STALE_HEADER).ifPresent(v -> ctx.header(STALE_HEADER, v));
        ctx.result(response.body());
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
            .header("Accept", "application/json")
            .GET();
        // The owner authenticates and checks the caller again, and audits the read: it trusts nothing from us.
        mark(builder, ctx, FORWARDED_HEADER, query);
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

    /** The query service once the stream processor exists; 503 with Retry-After before. */
    public static InteractiveQueryService whenStarted(java.util.function.Supplier<InteractiveQueryService> queries) {
        InteractiveQueryService service = queries.get();
        if (service == null) {
            throw ProblemException.unavailable("The stream processor is starting", Duration.ofSeconds(2));
        }
        return service;
    }
}
