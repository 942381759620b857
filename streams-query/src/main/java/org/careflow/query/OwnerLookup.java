package org.careflow.query;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.careflow.http.ProblemException;

/**
 * Finds which instance owns a key of a store ({@code queryMetadataForKey}), refusing with 503 and {@code Retry-After}
 * while the processor is not running or the key has no owner (a rebalance), never with a null.
 */
final class OwnerLookup {

    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final KafkaStreams streams;

    OwnerLookup(KafkaStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /** The owner of {@code key}; 503 when the processor is not serving or no instance owns the key right now. */
    KeyQueryMetadata ownerOf(String storeName, String key) {
        requireServing();
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
}
