package org.careflow.ops;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.careflow.topics.Topic;
import org.careflow.topics.TopicPlacement;
import org.careflow.topics.Topics;

/**
 * {@code ./careflow dlq list|show|replay}: what waits in a dead-letter topic, why each record failed, and putting chosen
 * records back on the topic they came from, once.
 *
 * <p>A dead letter's origin comes from its headers: Kafka Streams' ({@code __streams.errors.topic}, {@code .partition},
 * {@code .offset}, {@code .exception}, {@code .message}; the dispatcher writes the same for a record it could not read),
 * Connect's ({@code __connect.errors.topic}, ...), and for {@code outbound-dead-letters} (notifications the dispatcher
 * gave up on) the topic {@code outbound-notifications}. A replay writes the record's key, value and own headers (the
 * error headers dropped, {@value #REPLAYED_FROM_HEADER} added) to the partition its key goes to today, and, in the same
 * Kafka transaction, a ledger entry on {@code dead-letter-replays} keyed by the dead letter's coordinates: a record
 * already in the ledger is never replayed again, and a replay that fails halfway leaves neither.
 *
 * <p>Output names topics, partitions, offsets, times and reasons; never a key or a value (they hold patient data).
 */
final class DeadLetters {

    static final String REPLAYED_FROM_HEADER = "careflow.dlq.replayed-from";
    private static final List<String> ERROR_HEADER_PREFIXES = List.of("__streams.errors.", "__connect.errors.", "careflow.dlq.");
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** One dead letter, by its coordinates in the dead-letter topic. */
    record Entry(String deadLetterTopic, int partition, long offset, Instant at, String origin, String reason, byte[] key, byte[] value,
                 Headers headers) {

        String id() {
            return partition + ":" + offset;
        }

        String ledgerKey() {
            return deadLetterTopic + ":" + partition + ":" + offset;
        }
    }

    private final Map<String, Object> clientProps;
    private final Consumer<String> out;

    DeadLetters(Map<String, Object> clientProps, Consumer<String> out) {
        this.clientProps = Map.copyOf(clientProps);
        this.out = out;
    }

    /** The dead-letter topics careflow has. */
    static Set<String> topics() {
        Set<String> names = new TreeSet<>();
        for (Topic<?, ?> t : Topics.all()) {
            if (t.name().endsWith("-dead-letters")) {
                names.add(t.name());
            }
        }
        names.add(Topics.MASTERDATA_DEAD_LETTERS.name());
        return names;
    }

    /** Prints every dead letter of {@code topic} (at or after {@code since}, when given), with its origin, reason and whether it was replayed. */
    int list(String topic, Instant since) {
        List<Entry> entries = read(requireDeadLetterTopic(topic), since);
        Set<String> replayed = ledger().keySet();
        out.accept(String.format("%-10s %-24s %-40s %-8s %s", "id", "failed at", "origin", "replayed", "reason"));
        for (Entry e : entries) {
            out.accept(String.format("%-10s %-24s %-40s %-8s %s", e.id(), e.at(), e.origin(), replayed.contains(e.ledgerKey()) ? "yes" : "no",
                e.reason()));
        }
        out.accept(entries.size() + " dead letter(s) on " + topic + ", " + entries.stream().filter(e -> !replayed.contains(e.ledgerKey())).count()
            + " not replayed");
        return 0;
    }

    /** Prints one dead letter's headers (the reason and origin in full) and the sizes of its key and value. */
    int show(String topic, List<String> ids) {
        Map<String, Entry> byId = read(requireDeadLetterTopic(topic), null).stream().collect(Collectors.toMap(Entry::id, e -> e));
        for (String id : ids) {
            Entry e = byId.get(id);
            if (e == null) {
                throw new IllegalStateException("no dead letter " + id + " on " + topic + " (ids are partition:offset, see dlq list)");
            }
            out.accept("dead letter " + e.id() + " of " + topic + ", failed at " + e.at());
            out.accept("  origin: " + e.origin());
            out.accept("  key: " + (e.key() == null ? "none" : e.key().length + " bytes") + ", value: "
                + (e.value() == null ? "none" : e.value().length + " bytes"));
            for (Header h : e.headers()) {
                boolean error = ERROR_HEADER_PREFIXES.stream().anyMatch(h.key()::startsWith);
                out.accept("  " + h.key() + ": " + (error && h.value() != null ? text(h.value()) : (h.value() == null ? 0 : h.value().length) + " bytes"));
            }
        }
        return 0;
    }

    /**
     * Puts the chosen dead letters ({@code ids}, or all since {@code since}) back on their original topics, each at most
     * once ever; prints what it replayed and what it skipped, and why.
     */
    int replay(String topic, List<String> ids, Instant since) {
        if (ids.isEmpty() && since == null) {
            throw new IllegalStateException("dlq replay needs --id P:O (repeatable) or --since TIME: it replays only what you choose");
        }
        List<Entry> chosen = new ArrayList<>();
        Map<String, Entry> byId = new LinkedHashMap<>();
        read(requireDeadLetterTopic(topic), since).forEach(e -> byId.put(e.id(), e));
        if (ids.isEmpty()) {
            chosen.addAll(byId.values());
        } else {
            for (String id : ids) {
                Entry e = byId.get(id);
                if (e == null) {
                    throw new IllegalStateException("no dead letter " + id + " on " + topic + " (ids are partition:offset, see dlq list)");
                }
                chosen.add(e);
            }
        }
        Map<String, byte[]> ledger = ledger();
        int replayed = 0;
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "careflow-dlq-replay-" + topic);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            for (Entry e : chosen) {
                if (ledger.containsKey(e.ledgerKey())) {
                    out.accept("skipped " + e.id() + ": replayed before (" + text(ledger.get(e.ledgerKey())) + ")");
                    continue;
                }
                Optional<String> target = originTopic(e);
                if (target.isEmpty()) {
                    out.accept("skipped " + e.id() + ": its headers name no origin topic, so careflow cannot tell where it belongs");
                    continue;
                }
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(target.get(), partitionFor(producer, target.get(), e.key()), e.key(), e.value(),
                    replayHeaders(e)));
                String note = "to " + target.get() + " at " + Instant.now();
                producer.send(new ProducerRecord<>(Topics.DEAD_LETTER_REPLAYS.name(), e.ledgerKey().getBytes(StandardCharsets.UTF_8),
                    note.getBytes(StandardCharsets.UTF_8)));
                producer.commitTransaction();
                replayed++;
                out.accept("replayed " + e.id() + " " + note);
            }
        }
        out.accept("Replayed " + replayed + " of " + chosen.size() + " chosen dead letter(s) of " + topic);
        return 0;
    }

    /** Where the record came from, by its headers (the dispatcher's own dead letters come from outbound-notifications). */
    static Optional<String> originTopic(Entry e) {
        if (Topics.OUTBOUND_DEAD_LETTERS.name().equals(e.deadLetterTopic())) {
            return Optional.of(Topics.OUTBOUND_NOTIFICATIONS.name());
        }
        return header(e.headers(), "__streams.errors.topic").or(() -> header(e.headers(), "__connect.errors.topic"));
    }

    private static Integer partitionFor(KafkaProducer<byte[], byte[]> producer, String topic, byte[] key) {
        if (key == null) {
            return null;
        }
        List<PartitionInfo> partitions = producer.partitionsFor(topic);
        var placed = TopicPlacement.partition(topic, new String(key, StandardCharsets.UTF_8), partitions.size());
        return placed.isPresent() ? placed.getAsInt() : null;
    }

    private static Headers replayHeaders(Entry e) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : e.headers()) {
            if (ERROR_HEADER_PREFIXES.stream().noneMatch(h.key()::startsWith)) {
                headers.add(h);
            }
        }
        headers.add(REPLAYED_FROM_HEADER, e.ledgerKey().getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private List<Entry> read(String topic, Instant since) {
        List<Entry> entries = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(topic, since)) {
            String origin = header(r.headers(), "__streams.errors.topic").or(() -> header(r.headers(), "__connect.errors.topic"))
                .map(t -> t + " " + header(r.headers(), "__streams.errors.partition").or(() -> header(r.headers(), "__connect.errors.partition"))
                    .orElse("?") + "@" + header(r.headers(), "__streams.errors.offset").or(() -> header(r.headers(), "__connect.errors.offset"))
                    .orElse("?"))
                .orElse(Topics.OUTBOUND_DEAD_LETTERS.name().equals(topic) ? Topics.OUTBOUND_NOTIFICATIONS.name() : "unknown");
            String reason = header(r.headers(), "__streams.errors.exception").map(x -> x + ": " + header(r.headers(), "__streams.errors.message").orElse(""))
                .or(() -> header(r.headers(), "careflow.dlq.reason"))
                .or(() -> header(r.headers(), "__connect.errors.exception.class.name").map(x -> x + ": "
                    + header(r.headers(), "__connect.errors.exception.message").orElse("")))
                .orElse("no reason recorded");
            entries.add(new Entry(topic, r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()), origin, oneLine(reason), r.key(), r.value(),
                r.headers()));
        }
        return entries;
    }

    /** Every record of {@code topic} (from {@code since}, when given), partition by partition in offset order. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Instant since) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "careflow-dlq-" + UUID.randomUUID());
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            if (since != null) {
                Map<TopicPartition, Long> times = new HashMap<>();
                partitions.forEach(tp -> times.put(tp, since.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, READ_TIMEOUT);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
                found.forEach((tp, o) -> consumer.seek(tp, o == null ? ends.get(tp) : o.offset()));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " stalled before its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    /** The replay ledger: dead-letter coordinates already replayed, with where to and when. */
    private Map<String, byte[]> ledger() {
        Map<String, byte[]> ledger = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.DEAD_LETTER_REPLAYS.name(), null)) {
            if (r.key() != null) {
                ledger.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
            }
        }
        return ledger;
    }

    private static String requireDeadLetterTopic(String topic) {
        if (topic == null || !topics().contains(topic)) {
            throw new IllegalStateException("--topic must be one of " + topics() + (topic == null ? "" : "; got " + topic));
        }
        return topic;
    }

    private static Optional<String> header(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(text(h.value()));
    }

    /** A header's text: UTF-8, or a big-endian number when it is 4 or 8 bytes that are not printable. */
    static String text(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        if (s.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD)) {
            return s;
        }
        if (value.length == 4) {
            return Integer.toString(ByteBuffer.wrap(value).getInt());
        }
        if (value.length == 8) {
            return Long.toString(ByteBuffer.wrap(value).getLong());
        }
        return value.length + " bytes";
    }

    private static String oneLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }
}
