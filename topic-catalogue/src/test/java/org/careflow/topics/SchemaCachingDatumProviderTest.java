package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.junit.jupiter.api.Test;

class SchemaCachingDatumProviderTest {

    private static final TriageSubmission SUBMISSION = TriageSubmission.newBuilder()
        .setEventId("s-1").setSubmissionId("s-1").setOccurredAt(Instant.parse("2026-11-21T10:15:01Z"))
        .setPatientId("p-1").setFacilityId("f-1").setFormId("general-v1").setChannel(SubmissionChannel.WEB)
        .setSubmittedAt(Instant.parse("2026-11-21T10:15:00Z"))
        .setVitals(VitalSigns.newBuilder().setHeartRate(80).build())
        .setAnswers(Map.of("chest_pain", "no"))
        .build();

    private static SchemaCachingDatumProvider<Object> provider() {
        SchemaCachingDatumProvider<Object> provider = new SchemaCachingDatumProvider<>();
        provider.configure(new AvroSerdeConfig(Map.of(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true)));
        return provider;
    }

    @Test
    void shouldReuseReaderAndWriterWhenSchemaIsTheSameOrEqual() {
        // Given
        SchemaCachingDatumProvider<Object> provider = provider();
        Schema schema = TriageSubmission.getClassSchema();
        Schema equalCopy = new Schema.Parser().parse(schema.toString());

        // When
        DatumWriter<Object> writer = provider.createDatumWriter(SUBMISSION, schema);
        DatumReader<Object> reader = provider.createDatumReader(schema);

        // Then
        assertThat(provider.createDatumWriter(SUBMISSION, schema)).isSameAs(writer);
        assertThat(provider.createDatumWriter(SUBMISSION, equalCopy)).isSameAs(writer);
        assertThat(provider.createDatumReader(schema)).isSameAs(reader);
        assertThat(provider.createDatumReader(equalCopy)).isSameAs(reader);
    }

    @Test
    void shouldReadBackSpecificRecordWhenWrittenThroughCachedWriter() throws IOException {
        // Given
        SchemaCachingDatumProvider<Object> provider = provider();
        Schema schema = TriageSubmission.getClassSchema();

        // When
        byte[] first = write(provider, schema);
        byte[] second = write(provider, schema);
        Object back = provider.createDatumReader(schema).read(null, DecoderFactory.get().binaryDecoder(second, null));

        // Then
        assertThat(second).isEqualTo(first);
        assertThat(back).isInstanceOf(TriageSubmission.class).isEqualTo(SUBMISSION);
    }

    private static byte[] write(SchemaCachingDatumProvider<Object> provider, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Encoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        provider.createDatumWriter(SUBMISSION, schema).write(SUBMISSION, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
