package org.careflow.masterdata.topology;

import org.apache.kafka.streams.processor.StreamPartitioner;
import org.careflow.topics.CompositeKey;

/**
 * Keys of the provider's task: a provider row is keyed by providerId, a session by {@code providerId|sessionId}. Both
 * are partitioned by providerId alone, exactly as the producer's default partitioner places a providerId key, so a
 * provider's row, its sessions and a query for it meet in one task. {@code |} is no character of an id.
 */
public final class SessionKeys {

    private static final CompositeKey KEY = CompositeKey.separatedBy('|');

    private SessionKeys() {
    }

    public static String of(String providerId, String sessionId) {
        return KEY.of(providerId, sessionId);
    }

    /** The prefix of every session key of {@code providerId}. */
    public static String prefix(String providerId) {
        return KEY.prefix(providerId);
    }

    /** The providerId of a session key, or the key itself when it is a providerId. */
    public static String providerOf(String key) {
        return KEY.first(key);
    }

    /** Places a record by the providerId of its key, as the default partitioner places that providerId. */
    public static <V> StreamPartitioner<String, V> byProvider() {
        return KEY.byFirst();
    }
}
