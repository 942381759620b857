package org.careflow.query;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.careflow.http.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds which instance owns a key of a store ({@code queryMetadataForKey}), refusing with 503 and {@code Retry-After}
 * while the processor is not running or the key has no owner (a rebalance), never with a null.
 *
 * <p>Owners are remembered per key while the processor stays {@code RUNNING}: {@code queryMetadataForKey} takes a lock
 * shared by every query thread and walks every instance's metadata, once per request otherwise. Every state change of
 * the processor (each rebalance goes through {@code REBALANCING}, and a partition is revoked only after that change is
 * announced) starts a new generation and forgets every owner; while it is not {@code RUNNING} nothing is remembered.
 * Ownership can still move between a remembered lookup and its use (as it could before): the caller asks again with
 * {@link #freshOwnerOf} when an owner turns the request away, see {@link InteractiveQueryService}. The cache needs the
 * processor's state listener, so it works only when built before the processor starts (as {@link StreamsHttpApp} does);
 * otherwise every lookup is fresh.
 */
final class OwnerLookup {

    static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    /** Keys remembered per generation; past it the cache starts again (a bounded, simple eviction). */
    static final int MAX_REMEMBERED_KEYS = 20_000;

    private static final Logger LOG = LoggerFactory.getLogger(OwnerLookup.class);

    private final KafkaStreams streams;
    private final Serializer<String> keySerializer = new StringSerializer();
    private final boolean caching;
    private final AtomicLong generation = new AtomicLong();
    private volatile Remembered remembered = new Remembered(0);

    OwnerLookup(KafkaStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.caching = listen(streams, generation);
    }

    private static boolean listen(KafkaStreams streams, AtomicLong generation) {
        try {
            streams.setStateListener((newState, oldState) -> generation.incrementAndGet());
            return true;
        } catch (IllegalStateException e) {
            // Already started: no notice of rebalances can reach us, so nothing may be remembered.
            LOG.info("Query routing is not cached: the stream processor was started before the query service was built");
            return false;
        }
    }

    /**
     * The owner of {@code key}, remembered from an earlier lookup of this generation when there is one; 503 when the
     * processor is not serving or no instance owns the key right now.
     */
    KeyQueryMetadata ownerOf(String storeName, String key) {
        requireServing();
        if (!caching || streams.state() != KafkaStreams.State.RUNNING) {
            return lookUp(storeName, key);
        }
        long current = generation.get();
        Remembered cache = remembered;
        if (cache.generation > current) {
            // A state change came after this lookup began: it may not use, nor add to, the newer generation.
            return lookUp(storeName, key);
        }
        if (cache.generation < current || cache.owners.size() >= MAX_REMEMBERED_KEYS) {
            cache = new Remembered(current);
            remembered = cache;
        }
        StoreKey storeKey = new StoreKey(storeName, key);
        KeyQueryMetadata owner = cache.owners.get(storeKey);
        if (owner != null) {
            return owner;
        }
        owner = lookUp(storeName, key);
        // Kept only if no state change happened meanwhile: the answer may predate a rebalance announced since.
        if (generation.get() == current && streams.state() == KafkaStreams.State.RUNNING) {
            cache.owners.put(storeKey, cache.canonical(owner));
        }
        return owner;
    }

    /**
     * The owner of {@code key} from the processor's current metadata, never a remembered one; 503 as {@link #ownerOf}.
     * When it differs from {@code used}, the owner used so far, every remembered owner is forgotten: metadata has
     * moved on before the state change that announces it.
     */
    KeyQueryMetadata freshOwnerOf(String storeName, String key, KeyQueryMetadata used) {
        requireServing();
        KeyQueryMetadata fresh = lookUp(storeName, key);
        if (!fresh.activeHost().equals(used.activeHost())) {
            remembered = new Remembered(generation.get());
        }
        return fresh;
    }

    private KeyQueryMetadata lookUp(String storeName, String key) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(storeName, key, keySerializer);
        } catch (IllegalStateException e) {
            throw ProblemException.unavailable("Store metadata is not available yet", RETRY_AFTER);
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw ProblemException.unavailable("No instance owns this key right now (rebalancing)", RETRY_AFTER);
        }
        return metadata;
    }

    /** The owner of {@code key}, or null when no owner is known now (rebalancing); 503 when the processor is not serving. */
    KeyQueryMetadata ownerOrNull(String storeName, String key) {
        requireServing();
        try {
            return ownerOf(storeName, key);
        } catch (ProblemException e) {
            return null;
        }
    }

    /** 503 unless the processor is running or rebalancing (when its stores and metadata can still answer). */
    void requireServing() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw ProblemException.unavailable("The stream processor is " + state, RETRY_AFTER);
        }
    }

    private record StoreKey(String store, String key) {
    }

    /** One generation's owners; equal metadata (one per partition) is kept once, shared by its keys. */
    private static final class Remembered {

        final long generation;
        final Map<StoreKey, KeyQueryMetadata> owners = new ConcurrentHashMap<>();
        final Map<KeyQueryMetadata, KeyQueryMetadata> distinct = new ConcurrentHashMap<>();

        Remembered(long generation) {
            this.generation = generation;
        }

        KeyQueryMetadata canonical(KeyQueryMetadata metadata) {
            KeyQueryMetadata known = distinct.putIfAbsent(metadata, metadata);
            return known == null ? metadata : known;
        }
    }
}
