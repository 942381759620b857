package org.careflow.topics;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Apicurio's default datum provider, with its readers and writers looked up by schema instead of by fingerprint.
 * The default computes {@code SchemaNormalization.parsingFingerprint64} (the schema's canonical form, built as a
 * string, then hashed) for every record it writes or reads, a quarter of streams-triage's CPU; the schemas it is
 * given are the resolver's cached instances, so a lookup by the schema (identity first, then {@link Schema#equals},
 * which is stricter than equal fingerprints) finds the same reader or writer without it.
 */
public final class SchemaCachingDatumProvider<T> extends DefaultAvroDatumProvider<T> {

    /** Distinct schemas remembered per serde; more (schemas changing all the time) starts the cache again. */
    static final int MAX_CACHED_SCHEMAS = 256;

    private final Map<Schema, DatumWriter<T>> specificWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> genericWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumReader<T>> readers = new ConcurrentHashMap<>();

    public SchemaCachingDatumProvider() {
        // Instantiated by name through AvroSerdeConfig.AVRO_DATUM_PROVIDER.
    }

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        Map<Schema, DatumWriter<T>> writers = data instanceof SpecificRecord ? specificWriters : genericWriters;
        DatumWriter<T> writer = writers.get(schema);
        if (writer == null) {
            writer = super.createDatumWriter(data, schema);
            remember(writers, schema, writer);
        }
        return writer;
    }

    @Override
    public DatumReader<T> createDatumReader(Schema schema) {
        DatumReader<T> reader = readers.get(schema);
        if (reader == null) {
            reader = super.createDatumReader(schema);
            remember(readers, schema, reader);
        }
        return reader;
    }

    private static <V> void remember(Map<Schema, V> cache, Schema schema, V value) {
        if (cache.size() >= MAX_CACHED_SCHEMAS) {
            cache.clear();
        }
        cache.put(schema, value);
    }
}
