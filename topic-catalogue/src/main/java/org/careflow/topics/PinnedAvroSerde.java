package org.careflow.topics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * careflow's format for the values of an app's own stores and repartition topics, which no other app reads: one byte
 * naming the schema version, then the value in plain Avro binary. Every version of every such schema is pinned in
 * careflow's resources ({@link PinnedSchemas}), so no registry is asked for anything (no schema id, no lookup, no
 * registration) and a per-thread buffered encoder replaces the registry serde's unbuffered one. Values are written
 * with the newest version, which must equal the compiled class's schema; older versions are read with their pinned
 * schema resolved to the compiled one, as Avro's schema resolution allows.
 *
 * <p>Values an earlier version wrote through the registry (Apicurio's magic byte, 0, first) are still read, by the
 * registry deserializer given as {@code legacy}, and turned into this serde's type by {@code upgrade}; the next write
 * of the key uses the new format. So a new version starts on an old version's changelogs and repartition topics.
 *
 * <p>One instance serves every task and stream thread of an app (Kafka Streams shares a store's serde): buffers are
 * per thread, and Avro's datum readers and writers are safe to share.
 */
public final class PinnedAvroSerde<V> implements Serializer<V>, Deserializer<V> {

    /** The first byte of every value written by the registry's serde (Apicurio's magic byte). */
    static final byte REGISTRY_MAGIC = 0x00;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private final Class<V> type;
    private final byte version;
    private final SpecificDatumWriter<V> writer;
    private final SpecificDatumReader<V>[] readers;
    private final Deserializer<?> legacy;
    private final Function<Object, V> upgrade;

    private PinnedAvroSerde(Class<V> type, Deserializer<?> legacy, Function<Object, V> upgrade) {
        this.type = Objects.requireNonNull(type, "type");
        Schema schema = SpecificData.get().getSchema(type);
        java.util.List<Schema> pinned = PinnedSchemas.versions(schema);
        this.version = (byte) pinned.size();
        this.writer = new SpecificDatumWriter<>(schema);
        @SuppressWarnings("unchecked")
        SpecificDatumReader<V>[] byVersion = new SpecificDatumReader[pinned.size() + 1];
        for (int v = 1; v <= pinned.size(); v++) {
            byVersion[v] = new SpecificDatumReader<>(pinned.get(v - 1), schema);
        }
        this.readers = byVersion;
        this.legacy = Objects.requireNonNull(legacy, "legacy");
        this.upgrade = Objects.requireNonNull(upgrade, "upgrade");
    }

    /** The serde of {@code type}, reading values an earlier version wrote with {@code legacy} as they are. */
    public static <V> Serde<V> of(Class<V> type, Deserializer<?> legacy) {
        return of(type, legacy, type::cast);
    }

    /**
     * The serde of {@code type}, reading values an earlier version wrote with {@code legacy} (possibly of another type)
     * through {@code upgrade}.
     */
    public static <V> Serde<V> of(Class<V> type, Deserializer<?> legacy, Function<Object, V> upgrade) {
        PinnedAvroSerde<V> serde = new PinnedAvroSerde<>(type, legacy, upgrade);
        return Serdes.serdeFrom(serde, serde);
    }

    @Override
    public byte[] serialize(String topic, V value) {
        if (value == null) {
            return null;
        }
        Buffers buffers = BUFFERS.get();
        try {
            buffers.out.reset();
            buffers.out.write(version);
            buffers.encoder = EncoderFactory.get().binaryEncoder(buffers.out, buffers.encoder);
            writer.write(value, buffers.encoder);
            buffers.encoder.flush();
            return buffers.out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + type.getSimpleName() + " for " + topic, e);
        }
    }

    @Override
    public V deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 0) {
            throw new SerializationException("Empty value for " + topic);
        }
        if (bytes[0] == REGISTRY_MAGIC) {
            Object old = legacy.deserialize(topic, bytes);
            return old == null ? null : upgrade.apply(old);
        }
        if (bytes[0] < 1 || bytes[0] >= readers.length) {
            throw new SerializationException("Value for " + topic + " has schema version " + bytes[0] + "; this careflow knows "
                + type.getSimpleName() + " up to version " + version + " (was it written by a newer careflow?)");
        }
        Buffers buffers = BUFFERS.get();
        try {
            buffers.decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, buffers.decoder);
            return readers[bytes[0]].read(null, buffers.decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read " + type.getSimpleName() + " from " + topic, e);
        }
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
        legacy.close();
    }

    /** The per-thread buffers: an output stream that keeps its capacity, and the encoder and decoder Avro reuses. */
    private static final class Buffers {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }
}
