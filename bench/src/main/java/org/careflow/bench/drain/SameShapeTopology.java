package org.careflow.bench.drain;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The same-shape raw Streams app: streams-triage's work per submission with none of its logic, on bytes it never decodes,
 * so that streams-triage can be measured against the limit of Kafka Streams for <em>this</em> work on this machine. Per
 * input record, keyed by patient: a read and a write of the patient's state in a cached persistent key-value store
 * (a value of {@link WorkShape#patientStateBytes()}), one output record of {@link WorkShape#assessmentBytes()}, and a
 * record of {@link WorkShape#repartitionBytes()} repartitioned by facility (over
 * {@link WorkShape#repartitionPartitions()}); downstream, per repartitioned record, a write to a cached key-value store
 * (the queue, keyed facility and patient) and a read-modify-write of a facility's hour in a cached window store (the
 * statistics). Values are the input's bytes repeated to the size, so that they compress like the records they stand for.
 * The facility is a hash of the patient key: one patient, one facility, as in the synthetic data.
 */
public final class SameShapeTopology {

    public static final String SOURCE = "same-shape-source";
    public static final String PATIENT_PROCESSOR = "same-shape-patient";
    public static final String SINK = "same-shape-sink";
    public static final String KEY_BY_FACILITY = "same-shape-key-by-facility";
    public static final String REPARTITION = "same-shape-by-facility";
    public static final String QUEUE_PROCESSOR = "same-shape-queue";
    public static final String PATIENT_STORE = "same-shape-patient-store";
    public static final String QUEUE_STORE = "same-shape-queue-store";
    public static final String STATS_STORE = "same-shape-stats-store";
    /** streams-triage's statistics: one-hour windows kept 35 days. */
    static final Duration WINDOW = Duration.ofHours(1);
    static final Duration RETENTION = Duration.ofDays(35);

    private SameShapeTopology() {
    }

    /** The graph reading {@code inputTopic} and writing its output records to {@code outputTopic}. */
    public static Topology build(WorkShape shape, String inputTopic, String outputTopic) {
        Objects.requireNonNull(shape, "shape");
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PATIENT_STORE), Serdes.ByteArray(), Serdes.ByteArray())
            .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUEUE_STORE), Serdes.ByteArray(), Serdes.ByteArray())
            .withCachingEnabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(STATS_STORE, RETENTION, WINDOW, false),
            Serdes.ByteArray(), Serdes.ByteArray()).withCachingEnabled());

        KStream<byte[], byte[]> assessed = builder.stream(inputTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
            .process(() -> new PatientStep(shape), Named.as(PATIENT_PROCESSOR), PATIENT_STORE);
        assessed.to(outputTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SINK));
        assessed.map((patient, assessment) -> KeyValue.pair(facility(patient, shape.facilities()),
                queueEntry(patient, assessment, shape.repartitionBytes())), Named.as(KEY_BY_FACILITY))
            .repartition(Repartitioned.<byte[], byte[]>as(REPARTITION).withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.ByteArray())
                .withNumberOfPartitions(shape.repartitionPartitions()))
            .process(QueueStep::new, Named.as(QUEUE_PROCESSOR), QUEUE_STORE, STATS_STORE);
        return builder.build();
    }

    /** The facility key of a patient: a stable hash, over {@code facilities} keys. */
    static byte[] facility(byte[] patient, int facilities) {
        return ("facility-" + Math.floorMod(Arrays.hashCode(patient), facilities)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The repartitioned record's value, {@code size} bytes (more if the patient key does not fit): the patient key's length
     * and the key, for the queue's key downstream, then the assessment's bytes repeated.
     */
    static byte[] queueEntry(byte[] patient, byte[] assessment, int size) {
        byte[] out = tile(assessment, Math.max(size, Integer.BYTES + patient.length));
        ByteBuffer.wrap(out).putInt(patient.length).put(patient);
        return out;
    }

    /** The patient key {@link #queueEntry} put at the start of {@code entry}. */
    static byte[] patientOf(byte[] entry) {
        ByteBuffer buffer = ByteBuffer.wrap(entry);
        byte[] patient = new byte[buffer.getInt()];
        buffer.get(patient);
        return patient;
    }

    /** {@code size} bytes: {@code source} repeated (or a zero-filled array when it is empty). */
    static byte[] tile(byte[] source, int size) {
        byte[] out = new byte[size];
        if (source != null && source.length > 0) {
            for (int at = 0; at < size; at += source.length) {
                System.arraycopy(source, 0, out, at, Math.min(source.length, size - at));
            }
        }
        return out;
    }

    /** Reads and rewrites the patient's state, then emits the assessment. */
    private static final class PatientStep implements Processor<byte[], byte[], byte[], byte[]> {

        private final WorkShape shape;
        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<byte[], byte[]> patients;

        PatientStep(WorkShape shape) {
            this.shape = shape;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.patients = context.getStateStore(PATIENT_STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            byte[] previous = patients.get(record.key());
            byte[] state = tile(record.value(), shape.patientStateBytes());
            if (previous != null && previous.length > 0) {
                // Depends on what was read, as a rewritten history does.
                state[0] = (byte) (previous[0] + 1);
            }
            patients.put(record.key(), state);
            context.forward(record.withValue(tile(record.value(), shape.assessmentBytes())));
        }
    }

    /** Writes the queue entry and counts it in the facility's hour. */
    private static final class QueueStep implements Processor<byte[], byte[], Void, Void> {

        private KeyValueStore<byte[], byte[]> queue;
        private WindowStore<byte[], byte[]> stats;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.queue = context.getStateStore(QUEUE_STORE);
            this.stats = context.getStateStore(STATS_STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            byte[] facility = record.key();
            byte[] patient = patientOf(record.value());
            // Keyed facility then patient, as streams-triage's queue: a patient's new entry replaces the last one.
            queue.put(ByteBuffer.allocate(facility.length + patient.length).put(facility).put(patient).array(), record.value());
            long windowStart = record.timestamp() - Math.floorMod(record.timestamp(), WINDOW.toMillis());
            byte[] count = stats.fetch(facility, windowStart);
            long next = (count == null ? 0 : ByteBuffer.wrap(count).getLong()) + 1;
            stats.put(facility, ByteBuffer.allocate(Long.BYTES).putLong(next).array(), windowStart);
        }
    }
}
