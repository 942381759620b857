package org.careflow.topics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Avro binary with the writer's schema assumed equal to the reader's, and no registry: for
 * {@code TopologyTestDriver} tests, which run without a network. Never for topics read by other apps.
 */
public final class PlainAvroEventSerdes implements EventSerdes {

    @Override
    public <V> Serde<V> valueSerde(Topic<?, V> topic) {
        return internalValueSerde(topic.valueType());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> Serde<V> internalValueSerde(Class<V> type) {
        if (type == byte[].class) {
            return (Serde<V>) Serdes.ByteArray();
        }
        Schema schema = SpecificData.get().getSchema(type);
        SpecificDatumWriter<V> writer = new SpecificDatumWriter<>(schema);
        SpecificDatumReader<V> reader = new SpecificDatumReader<>(schema);
        return Serdes.serdeFrom(
            (t, value) -> value == null ? null : write(writer, value, t),
            (t, bytes) -> bytes == null ? null : read(reader, bytes, t));
    }

    private static <V> byte[] write(SpecificDatumWriter<V> writer, V value, String topic) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write Avro value for topic " + topic, e);
        }
    }

    private static <V> V read(SpecificDatumReader<V> reader, byte[] bytes, String topic) {
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read Avro value from topic " + topic, e);
        }
    }
}
