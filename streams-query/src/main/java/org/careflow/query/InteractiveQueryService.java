package org.careflow.query;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.careflow.http.ProblemException;
import org.careflow.http.RenderedBody;

/**
 * Answers a key lookup from whichever instance owns the key: reads the local store when this instance is
 * the active host ({@code queryMetadataForKey}, remembered between rebalances by {@link OwnerLookup}), otherwise forwards
 * the same request to the owner: once, and once more only when that owner turned it away (503 or unreachable) and the
 * current metadata names another owner.
 * A store in transition (rebalance, restore) becomes 503 with {@code Retry-After}, never a null or a 500.
 *
 * <p>Security: a forwarded request carries the caller's {@code Authorization} header, and the owner runs the same gate,
 * resource checks ({@link ResourceAccess}) and audit as any entry instance, so forwarding never widens access; the
 * owner's 401/403 (with {@code WWW-Authenticate}) pass back unchanged. Reads of audited endpoint classes are written
 * to the audit topic by the instance that read the store, whatever the outcome (allowed, denied, not found), and an
 * allowed read is answered only once its audit event is acknowledged (503 otherwise). The forwarding headers are loop
 * guards only: they grant nothing and suppress nothing, and are accepted only with another instance's credential
 * ({@link InstanceCredentials}, the cluster secret), from which alone the audit records the forwarder.
 *
 * <p>Each part does one job: {@link OwnerLookup} finds the owner, {@link InstanceForwarder} is the only sender of
 * requests to other instances, {@link StaleReads} and {@link StoreLags} decide when a copy may answer,
 * {@link ScatterGather} merges every instance's part, and {@link AuditedAnswer} renders and audits each read. Build
 * one with {@link #builder(KafkaStreams, HostInfo)}.
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

    /** A query string to forward instead of the request's own ({@link #forwardAsGet}). */
    static final String FORWARD_QUERY_ATTRIBUTE = "careflow.query.forwardQuery";

    private final HostInfo self;
    private final InstanceCredentials credentials;
    private final OwnerLookup owners;
    private final LocalStoreAccess stores;
    private final InstanceForwarder forwarder;
    private final StoreLags lags;
    private final AuditedAnswer answers;
    private final ScatterGather gather;

    private InteractiveQueryService(Builder builder) {
        this.self = builder.self;
        this.credentials = builder.credentials;
        this.owners = new OwnerLookup(builder.streams);
        this.stores = new LocalStoreAccess(builder.streams);
        this.forwarder = new InstanceForwarder(builder.self, builder.client, builder.forwardTimeout, builder.scheme, builder.credentials);
        this.lags = new StoreLags(builder.streams, builder.transactionalChangelogs);
        this.answers = new AuditedAnswer(new ReadAudit(builder.app, builder.self, builder.audit));
        this.gather = new ScatterGather(builder.streams, builder.self, stores, forwarder);
    }

    /**
     * A service for {@code streams}, reachable by the other instances at {@code self}. Without further settings it
     * audits nothing and verifies no instance credential: for tests whose subject is not security.
     */
    public static Builder builder(KafkaStreams streams, HostInfo self) {
        return new Builder(streams, self);
    }

    /** The client an instance forwards to the other instances of its app with: one per instance, its connections kept. */
    public static InstanceHttpClient newHttpClient(Duration connectTimeout) {
        return InstanceHttpClient.plain(connectTimeout);
    }

    /** The forwarding client when the app serves HTTPS, trusting what {@code sslContext} trusts. */
    public static InstanceHttpClient newHttpClient(Duration connectTimeout, SSLContext sslContext) {
        return InstanceHttpClient.tls(connectTimeout, sslContext);
    }

    /** The query service once the stream processor exists; 503 with Retry-After before. */
    public static InteractiveQueryService whenStarted(Supplier<InteractiveQueryService> queries) {
        InteractiveQueryService service = queries.get();
        if (service == null) {
            throw ProblemException.unavailable("The stream processor is starting", OwnerLookup.RETRY_AFTER);
        }
        return service;
    }

    /**
     * Makes other instances see this request as {@code GET} of the same path with {@code query}: for a POST whose body
     * carries what a GET carries in its query (a FHIR operation's Parameters), since forwarding sends no body.
     */
    public static void forwardAsGet(Context ctx, String query) {
        ctx.attribute(FORWARD_QUERY_ATTRIBUTE, Objects.requireNonNull(query, "query"));
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
        respondFromOwner(ctx, storeName, key, local -> {
            V value = local.store(storeName, QueryableStoreTypes.<String, V>keyValueStore()).get(key);
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
        if (stale.allowed()) {
            respondAllowingStale(ctx, storeName, key, query, stale);
            return;
        }
        KeyQueryMetadata metadata = owners.ownerOf(storeName, key);
        if (!self.equals(metadata.activeHost()) && ctx.header(FORWARDED_HEADER) != null) {
            // The sender thought we own the key: our remembered owner may be older than its metadata, so look again.
            metadata = owners.freshOwnerOf(storeName, key, metadata);
            if (!self.equals(metadata.activeHost())) {
                // The sender thought we own the key and we think another instance does: ownership is moving.
                throw ProblemException.unavailable("Key ownership is moving between instances", OwnerLookup.RETRY_AFTER);
            }
        }
        if (self.equals(metadata.activeHost())) {
            answers.answer(ctx, storeName, stores.active(metadata.partition()), query, null, AuditedAnswer.Mode.STRICT);
            return;
        }
        HostInfo owner = metadata.activeHost();
        InstanceHttpClient.Answer answer = forwarder.send(ctx, owner, FORWARDED_HEADER);
        if (answer == null || answer.status() == 503) {
            // The owner we had may have lost the key in a rebalance (it turns forwarded requests away, or is gone): ask
            // the current metadata once, and go where it points if that is elsewhere.
            KeyQueryMetadata fresh = owners.freshOwnerOf(storeName, key, metadata);
            if (self.equals(fresh.activeHost())) {
                answers.answer(ctx, storeName, stores.active(fresh.partition()), query, null, AuditedAnswer.Mode.STRICT);
                return;
            }
            if (!owner.equals(fresh.activeHost())) {
                owner = fresh.activeHost();
                answer = forwarder.send(ctx, owner, FORWARDED_HEADER);
            }
        }
        if (answer == null) {
            InstanceForwarder.unreachable(owner);
        }
        InstanceForwarder.relay(ctx, answer);
    }

    /**
     * The lookup when the caller accepts staleness ({@link StaleReads}): the active owner answers when it can (fresh,
     * {@code "stale": false}); when its store is restoring or it cannot be reached, this instance's standby or restoring
     * copy answers, or the request goes once to an instance holding a standby copy. Every answer names its source and
     * lag. The instance that reads a store checks the caller and writes the audit event, as for any read.
     */
    private void respondAllowingStale(Context ctx, String storeName, String key, Function<LocalStores, Object> query, StaleReads stale) {
        boolean mayForward = ctx.header(FORWARDED_HEADER) == null && ctx.header(STALE_FORWARDED_HEADER) == null;
        KeyQueryMetadata metadata = owners.ownerOrNull(storeName, key);
        if (metadata == null) {
            // No owner known (mid-rebalance): whatever copies this instance holds, partition unknown.
            answerFromLocalCopy(ctx, storeName, null, StaleReads.Source.LOCAL, query, stale);
            return;
        }
        HostInfo active = metadata.activeHost();
        boolean selfActive = self.equals(active);
        if (ctx.header(STALE_FORWARDED_HEADER) == null) {
            if (selfActive) {
                if (answers.answer(ctx, storeName, stores.active(metadata.partition()), query,
                        StaleReads.staleness(StaleReads.Source.ACTIVE, 0L, 0L), AuditedAnswer.Mode.TRY)) {
                    return;
                }
            } else if (mayForward) {
                InstanceHttpClient.Answer answer = forwarder.send(ctx, active, FORWARDED_HEADER);
                // An owner that cannot answer (5xx) or cannot be reached gives way to the copies.
                if (answer != null && answer.status() < 500) {
                    InstanceForwarder.relay(ctx, answer);
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
                        InstanceHttpClient.Answer answer = forwarder.send(ctx, standby, STALE_FORWARDED_HEADER);
                        if (answer != null) {
                            InstanceForwarder.relay(ctx, answer);
                            return;
                        }
                    }
                }
                throw ProblemException.unavailable("Neither the owner of this key nor its standby copies can be reached",
                    OwnerLookup.RETRY_AFTER);
            }
            case UNAVAILABLE -> throw ProblemException.unavailable(
                "The owner of this key cannot answer and no standby copy is available", OwnerLookup.RETRY_AFTER);
        }
    }

    private void answerFromLocalCopy(Context ctx, String storeName, Integer partition, StaleReads.Source source,
                                     Function<LocalStores, Object> query, StaleReads stale) {
        Long lag = lags.offsetLag(storeName, partition);
        Long boundMs = lags.stalenessBoundMs(storeName, partition);
        if (!stale.permits(lag, boundMs)) {
            answers.unavailable(ctx);
            throw ProblemException.unavailable("The local copy of " + storeName + " is "
                + (lag == null ? "an unknown number of" : lag) + " records and "
                + (boundMs == null ? "an unknown time" : "up to " + boundMs + " ms") + " behind, more than "
                + StaleReads.MAX_LAG_RECORDS_PARAM + " or " + StaleReads.MAX_LAG_MS_PARAM + " allows", OwnerLookup.RETRY_AFTER);
        }
        // With no partition known, a miss may only mean the copy holding the key is not open here right now.
        answers.answer(ctx, storeName, stores.copies(partition), query, StaleReads.staleness(source, lag, boundMs),
            partition == null ? AuditedAnswer.Mode.FOUND_ONLY : AuditedAnswer.Mode.STRICT);
    }

    /**
     * Samples the changelog positions and end offsets of every local store copy, for the time bounds of stale answers
     * ({@code maxLagMs}): the app calls it about once a second.
     */
    public void sampleLags() {
        lags.sample();
    }

    /**
     * Answers {@code ctx} from this instance's stores alone: for global stores, which every instance holds
     * whole. A null result is 404.
     */
    public void respondLocally(Context ctx, Function<LocalStores, Object> query) {
        credentials.verify(ctx);
        owners.requireServing();
        answers.answer(ctx, "global store", stores.all(), query, null, AuditedAnswer.Mode.STRICT);
    }

    /**
     * Answers {@code ctx} with the parts every instance holding {@code storeName} finds locally (a JSON array
     * each), gathered and ordered by {@code order}: for questions no single key answers, such as every
     * provider of a facility. An instance that cannot be asked makes the answer 503, never a partial list.
     */
    public void respondFromAll(Context ctx, String storeName, Function<LocalStores, List<?>> localPart, Comparator<JsonNode> order) {
        respondFromAll(ctx, storeName, localPart, order, null);
    }

    /** As {@link #respondFromAll(Context, String, Function, Comparator)}, the merged parts rendered by {@code render} (FHIR, say). */
    public void respondFromAll(Context ctx, String storeName, Function<LocalStores, List<?>> localPart, Comparator<JsonNode> order,
                               Function<List<JsonNode>, RenderedBody> render) {
        credentials.verify(ctx);
        gather.respond(ctx, storeName, localPart, order, render);
    }

    /** The settings of a query service, by name; the defaults suit a test without security. */
    public static final class Builder {

        private final KafkaStreams streams;
        private final HostInfo self;
        private InstanceHttpClient client;
        private Duration forwardTimeout = Duration.ofSeconds(5);
        private String app = "unnamed";
        private AuditPublisher audit = AuditPublisher.disabled();
        private String scheme = "http";
        private boolean transactionalChangelogs;
        private InstanceCredentials credentials = InstanceCredentials.unverified();

        private Builder(KafkaStreams streams, HostInfo self) {
            this.streams = Objects.requireNonNull(streams, "streams");
            this.self = Objects.requireNonNull(self, "self");
        }

        /** The client requests to other instances go through; by default a plain HTTP one. */
        public Builder client(InstanceHttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** How long a forwarded request may take. */
        public Builder forwardTimeout(Duration forwardTimeout) {
            this.forwardTimeout = Objects.requireNonNull(forwardTimeout, "forwardTimeout");
            return this;
        }

        /** The app's name as audit events record it, and where reads of audited endpoint classes are recorded. */
        public Builder audit(String app, AuditPublisher audit) {
            this.app = Objects.requireNonNull(app, "app");
            this.audit = Objects.requireNonNull(audit, "audit");
            return this;
        }

        /**
         * How other instances are reached: {@code https} when the app serves TLS (then the client must trust their
         * certificates, see {@link #newHttpClient(Duration, SSLContext)}), otherwise {@code http}.
         */
        public Builder scheme(String scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /**
         * The app runs exactly_once_v2: each transaction's commit marker takes a changelog offset, so a copy one offset
         * short of the end holds every committed record.
         */
        public Builder transactionalChangelogs(boolean transactionalChangelogs) {
            this.transactionalChangelogs = transactionalChangelogs;
            return this;
        }

        /**
         * Signs the requests this instance forwards and verifies those forwarded to it (the cluster secret);
         * {@link InstanceCredentials#unverified()} only where nothing is audited.
         */
        public Builder credentials(InstanceCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        public InteractiveQueryService build() {
            if (client == null) {
                client = newHttpClient(Duration.ofSeconds(2));
            }
            return new InteractiveQueryService(this);
        }
    }
}
