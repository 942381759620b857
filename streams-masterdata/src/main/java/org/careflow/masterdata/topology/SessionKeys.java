package org.careflow.masterdata.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Keys of the provider's task: a provider row is keyed by providerId, a session by {@code providerId|sessionId}. Both
 * are partitioned by providerId alone, exactly as the producer's default partitioner places a providerId key, so a
 * provider's row, its sessions and a query for it meet in one task. {@code |} is no character of an id.
 */
public final class SessionKeys {

    private static final char SEPARATOR = '|';

    private SessionKeys() {
    }

    public static String of(String providerId, String sessionId) {
        return providerId + SEPARATOR + sessionId;
    }

    /** The prefix of every session key of {@code providerId}. */
    public static String prefix(String providerId) {
        return providerId + SEPARATOR;
    }

    /** The providerId of a session key, or the key itself when it is a providerId. */
    public static String providerOf(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? key : key.substring(0, at);
    }

    /** Places a record by the providerId of its key, as the default partitioner places that providerId. */
    public static <V> StreamPartitioner<String, V> byProvider() {
        return (topic, key, value, numPartitions) -> Optional.of(Set.of(
            Utils.toPositive(Utils.murmur2(providerOf(key).getBytes(StandardCharsets.UTF_8))) % numPartitions));
    }
}
