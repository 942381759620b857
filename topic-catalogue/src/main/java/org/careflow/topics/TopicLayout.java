package org.careflow.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * The partition count of each catalogue topic in one deployment: the catalogue's default, or what the
 * {@value #TOPIC_PARTITIONS_CONFIG} setting ({@code name:count,...}) says. Topic creation applies it, and the streams
 * apps size their repartition topics from it, so both must be given the same setting. Parsing reports every problem
 * at once: unknown topics, counts below 1, and co-partitioned topics ({@link StreamsAppTopics}) with unequal counts.
 */
public final class TopicLayout {

    /** The setting's key, shared by the streams apps and the tools that create topics. */
    public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";

    private static final TopicLayout DEFAULTS = new TopicLayout(Map.of());

    private final Map<String, Integer> overrides;

    private TopicLayout(Map<String, Integer> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    /** The catalogue's own counts. */
    public static TopicLayout defaults() {
        return DEFAULTS;
    }

    /**
     * Parses entries of the form {@code topic-name:count} (the value of {@value #TOPIC_PARTITIONS_CONFIG} split at
     * commas), checks them against the catalogue and the co-partition groups, and fails with a ConfigException that
     * lists every problem and how to fix it.
     */
    public static TopicLayout parse(List<String> entries) {
        Objects.requireNonNull(entries, "entries");
        Map<String, Topic<?, ?>> catalogue = Topics.all().stream().collect(Collectors.toMap(Topic::name, t -> t));
        Map<String, Integer> overrides = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                problems.add("'" + entry + "' is not topic-name:count (e.g. triage-submissions:12)");
                continue;
            }
            String name = entry.substring(0, colon).trim();
            String countText = entry.substring(colon + 1).trim();
            if (!catalogue.containsKey(name)) {
                problems.add("'" + name + "' is not a careflow topic; use one of " + new TreeSet<>(catalogue.keySet()));
                continue;
            }
            int count;
            try {
                count = Integer.parseInt(countText);
            } catch (NumberFormatException e) {
                problems.add(name + ": '" + countText + "' is not a whole number of partitions");
                continue;
            }
            if (count < 1) {
                problems.add(name + ": " + count + " partitions; a topic needs at least 1");
                continue;
            }
            if (overrides.put(name, count) != null) {
                problems.add(name + " is given twice; keep one entry");
            }
        }
        TopicLayout layout = new TopicLayout(overrides);
        problems.addAll(layout.coPartitioningProblems());
        if (!problems.isEmpty()) {
            throw new ConfigException(TOPIC_PARTITIONS_CONFIG, String.join(",", entries), String.join("; ", problems));
        }
        return layout;
    }

    /** The layout with {@code topic} (and nothing else) set to {@code partitions}, checked as {@link #parse} checks. */
    public TopicLayout with(Topic<?, ?> topic, int partitions) {
        return with(List.of(topic), partitions);
    }

    /**
     * The layout with every one of {@code topics} set to {@code partitions} at once, checked as {@link #parse} checks:
     * co-partitioned topics grow together, and the layout is only valid once all of them have.
     */
    public TopicLayout with(Collection<? extends Topic<?, ?>> topics, int partitions) {
        List<String> entries = new ArrayList<>(toEntries());
        for (Topic<?, ?> topic : topics) {
            entries.removeIf(e -> e.startsWith(topic.name() + ":"));
            entries.add(topic.name() + ":" + partitions);
        }
        return parse(entries);
    }

    /** The layout an app's {@value #TOPIC_PARTITIONS_CONFIG} setting gives. */
    public static TopicLayout from(AbstractConfig config) {
        return parse(config.getList(TOPIC_PARTITIONS_CONFIG));
    }

    /** The partition count of {@code topic} in this layout. */
    public int partitions(Topic<?, ?> topic) {
        return overrides.getOrDefault(topic.name(), topic.partitions());
    }

    /** {@code topic} with this layout's partition count. */
    public <K, V> Topic<K, V> apply(Topic<K, V> topic) {
        return topic.withPartitions(partitions(topic));
    }

    /** Every topic of {@code topics} with this layout's partition count, in the same order. */
    public List<Topic<?, ?>> apply(Collection<Topic<?, ?>> topics) {
        return topics.stream().<Topic<?, ?>>map(this::apply).toList();
    }

    /** The setting's entries that give this layout, sorted by topic name; empty for the defaults. */
    public List<String> toEntries() {
        return overrides.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + ":" + e.getValue()).toList();
    }

    /** One line per co-partition group whose topics this layout gives different counts. */
    private List<String> coPartitioningProblems() {
        List<String> problems = new ArrayList<>();
        Set<String> reported = new TreeSet<>();
        for (StreamsAppTopics app : StreamsAppTopics.all()) {
            for (List<Topic<?, ?>> group : app.coPartitioned()) {
                Map<String, Integer> counts = new LinkedHashMap<>();
                group.forEach(t -> counts.put(t.name(), partitions(t)));
                if (counts.values().stream().distinct().count() > 1 && reported.add(String.join(",", counts.keySet()))) {
                    int most = counts.values().stream().max(Integer::compare).orElseThrow();
                    problems.add(app.app() + " reads " + counts.keySet() + " co-partitioned (their records meet in one task), "
                        + "but they would get " + counts + " partitions: give them all the same count, e.g. "
                        + counts.keySet().stream().map(n -> n + ":" + most).collect(Collectors.joining(",")));
                }
            }
        }
        return problems;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicLayout other && overrides.equals(other.overrides);
    }

    @Override
    public int hashCode() {
        return overrides.hashCode();
    }

    @Override
    public String toString() {
        return overrides.isEmpty() ? "catalogue defaults" : String.join(",", toEntries());
    }
}
