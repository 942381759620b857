package org.careflow.topics;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * A store or topic key made of ids joined by one separator that no id contains, so that every key sharing its leading
 * ids is one prefix scan and the first id can be read back to place the record. The separator is part of the stored
 * data: an app keeps the one its stores were written with.
 */
public final class CompositeKey {

    /** NUL: sorts before every character of an id, so a shorter key sorts before its extensions. */
    public static final CompositeKey NUL = new CompositeKey('\u0000');

    private final char separator;

    private CompositeKey(char separator) {
        this.separator = separator;
    }

    /** Keys joined by {@code separator}, which must be a character no id may contain. */
    public static CompositeKey separatedBy(char separator) {
        return new CompositeKey(separator);
    }

    /** The key of {@code first} followed by {@code rest}, in that order. */
    public String of(String first, String... rest) {
        StringBuilder key = new StringBuilder().append(first);
        for (String part : rest) {
            key.append(separator).append(part);
        }
        return key.toString();
    }

    /** The prefix of every key whose first id is {@code first}. */
    public String prefix(String first) {
        return first + separator;
    }

    /** The first id of a key, or the key itself when it has one id only. */
    public String first(String key) {
        int at = key.indexOf(separator);
        return at < 0 ? key : key.substring(0, at);
    }

    /** What follows the first id of a key; empty when it has one id only. */
    public Optional<String> afterFirst(String key) {
        int at = key.indexOf(separator);
        return at < 0 ? Optional.empty() : Optional.of(key.substring(at + 1));
    }

    /**
     * The partition Kafka's built-in partitioner gives a record keyed by {@code id} alone (murmur2 of its UTF-8 bytes),
     * among {@code numPartitions}.
     */
    public static int partitionOf(String id, int numPartitions) {
        if (numPartitions <= 0) {
            throw new IllegalArgumentException("numPartitions must be positive: " + numPartitions);
        }
        return Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }

    /**
     * Places a record by the first id of its key, in the partition a record keyed by that id alone gets: composite keys
     * then meet the records and queries keyed by their first id in one task.
     */
    public <V> StreamPartitioner<String, V> byFirst() {
        return (topic, key, value, numPartitions) -> Optional.of(Set.of(partitionOf(first(key), numPartitions)));
    }
}
