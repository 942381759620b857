package org.careflow.masterdata.cdc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.careflow.topics.Topic;

/**
 * Generic Avro records as plain binary, each topic with one fixed writer schema and no registry: for topology tests,
 * which run without a network. Bytes that do not fit the schema fail to deserialize, as a registry miss would.
 */
public final class PlainCdcSerdes implements CdcSerdes {

    private final Map<String, Schema> keySchemas;
    private final Map<String, Schema> valueSchemas;

    /** @param keySchemas the key schema of each topic; {@code valueSchemas} likewise */
    public PlainCdcSerdes(Map<String, Schema> keySchemas, Map<String, Schema> valueSchemas) {
        this.keySchemas = Map.copyOf(keySchemas);
        this.valueSchemas = Map.copyOf(valueSchemas);
    }

    @Override
    public Serde<GenericRecord> keySerde(Topic<GenericRecord, GenericRecord> topic) {
        return serde(keySchemas.get(topic.name()));
    }

    @Override
    public Serde<GenericRecord> valueSerde(Topic<GenericRecord, GenericRecord> topic) {
        return serde(valueSchemas.get(topic.name()));
    }

    private static Serde<GenericRecord> serde(Schema schema) {
        if (schema == null) {
            throw new IllegalArgumentException("no schema for this topic");
        }
        return Serdes.serdeFrom((topic, record) -> record == null ? null : write(record), (topic, bytes) -> bytes == null ? null : read(schema, bytes));
    }

    private static byte[] write(GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write generic record", e);
        }
    }

    private static GenericRecord read(Schema schema, byte[] bytes) {
        try {
            var decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Trailing bytes after a record of " + schema.getFullName());
            }
            return record;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read generic record of " + schema.getFullName(), e);
        }
    }
}
