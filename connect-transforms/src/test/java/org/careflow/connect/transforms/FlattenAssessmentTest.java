package org.careflow.connect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Date;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** The assessment as the Avro converter hands it over (enums as strings, unions as optional fields), flattened. */
class FlattenAssessmentTest {

    private static final Schema COMPONENT = SchemaBuilder.struct().name("ComponentScore")
        .field("parameter", Schema.STRING_SCHEMA).field("status", Schema.STRING_SCHEMA).field("points", Schema.OPTIONAL_INT32_SCHEMA).build();
    private static final Schema NEWS2 = SchemaBuilder.struct().name("News2Score")
        .field("total", Schema.INT32_SCHEMA).field("complete", Schema.BOOLEAN_SCHEMA)
        .field("components", SchemaBuilder.array(COMPONENT).build()).field("band", Schema.STRING_SCHEMA)
        .field("minimumBand", Schema.STRING_SCHEMA).field("monitoring", Schema.STRING_SCHEMA).build();
    private static final Schema VITALS = SchemaBuilder.struct().name("VitalSigns")
        .field("respiratoryRate", Schema.OPTIONAL_INT32_SCHEMA).field("spo2", Schema.OPTIONAL_INT32_SCHEMA)
        .field("spo2Scale", Schema.OPTIONAL_INT32_SCHEMA).field("onSupplementalOxygen", Schema.OPTIONAL_BOOLEAN_SCHEMA)
        .field("systolicBp", Schema.OPTIONAL_INT32_SCHEMA).field("heartRate", Schema.OPTIONAL_INT32_SCHEMA)
        .field("consciousness", Schema.OPTIONAL_STRING_SCHEMA).field("temperature", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    private static final Schema FORM = SchemaBuilder.struct().name("FormScore").optional()
        .field("points", Schema.INT32_SCHEMA).field("redFlags", SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build();
    private static final Schema ASSESSMENT = SchemaBuilder.struct().name("TriageAssessment")
        .field("eventId", Schema.STRING_SCHEMA).field("occurredAt", Timestamp.SCHEMA).field("submissionId", Schema.STRING_SCHEMA)
        .field("patientId", Schema.STRING_SCHEMA).field("facilityId", Schema.STRING_SCHEMA).field("formId", Schema.STRING_SCHEMA)
        .field("formVersion", Schema.OPTIONAL_INT32_SCHEMA).field("submittedAt", Timestamp.SCHEMA).field("vitals", VITALS)
        .field("news2", NEWS2).field("formScore", FORM).field("band", Schema.STRING_SCHEMA).field("bandReason", Schema.STRING_SCHEMA).build();

    private final FlattenAssessment<SinkRecord> transform = new FlattenAssessment<>();

    @Test
    void shouldPutEachScoredParameterInItsColumnAndLeaveMissingOnesNull() {
        // Given an assessment with SpO2 missing
        Struct news2 = new Struct(NEWS2).put("total", 5).put("complete", false).put("band", "INCOMPLETE").put("minimumBand", "MEDIUM")
            .put("monitoring", "URGENT_REVIEW").put("components", List.of(
                component("RESPIRATION_RATE", "SCORED", 3), component("SPO2", "MISSING", null), component("PULSE", "SCORED", 0),
                component("TEMPERATURE", "SCORED", 2)));
        Struct vitals = new Struct(VITALS).put("respiratoryRate", 26).put("heartRate", 80).put("temperature", 38.4).put("consciousness", "ALERT");
        Struct assessment = new Struct(ASSESSMENT).put("eventId", "e-1").put("occurredAt", new Date(2_000)).put("submissionId", "s-1")
            .put("patientId", "p-1").put("facilityId", "f-1").put("formId", "chest-pain").put("formVersion", 2).put("submittedAt", new Date(1_000))
            .put("vitals", vitals).put("news2", news2).put("formScore", new Struct(FORM).put("points", 2).put("redFlags", List.of("chest_pain", "sob")))
            .put("band", "HIGH").put("bandReason", "red flag");

        // When
        SinkRecord row = transform.apply(new SinkRecord("triage-assessments", 0, Schema.STRING_SCHEMA, "p-1", ASSESSMENT, assessment, 7));

        // Then
        Struct value = (Struct) row.value();
        assertThat(value.getInt32("respiration_rate_points")).isEqualTo(3);
        assertThat(value.getInt32("pulse_points")).isZero();
        assertThat(value.getInt32("spo2_points")).as("a missing observation is not a zero").isNull();
        assertThat(value.getInt32("air_or_oxygen_points")).isNull();
        assertThat(value.getInt32("news2_total")).isEqualTo(5);
        assertThat(value.getString("news2_band")).isEqualTo("INCOMPLETE");
        assertThat(value.getString("band")).isEqualTo("HIGH");
        assertThat(value.get("submitted_at")).isEqualTo(new Date(1_000));
        assertThat(value.getFloat64("temperature")).isEqualTo(38.4);
        assertThat(value.getInt32("spo2")).isNull();
        assertThat(value.getString("red_flags")).isEqualTo("chest_pain,sob");
        assertThat(value.getInt32("form_points")).isEqualTo(2);
        assertThat(value.getString("review")).as("written before the field existed").isNull();
        assertThat(row.key()).isEqualTo("p-1");
        assertThat(row.valueSchema().fields()).allSatisfy(f -> assertThat(f.name()).matches("[a-z0-9_]+"));
    }

    @Test
    void shouldCarryTheReviewReasonWhenTheFormNeverArrived() {
        Schema withReview = SchemaBuilder.struct().name("TriageAssessment");
        ASSESSMENT.fields().forEach(f -> ((SchemaBuilder) withReview).field(f.name(), f.schema()));
        Schema schema = ((SchemaBuilder) withReview).field("review", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct news2 = new Struct(NEWS2).put("total", 0).put("complete", true).put("band", "LOW").put("minimumBand", "LOW")
            .put("monitoring", "TWELVE_HOURLY").put("components", List.of());
        Struct assessment = new Struct(schema).put("eventId", "e-2").put("occurredAt", new Date(2_000)).put("submissionId", "s-2")
            .put("patientId", "p-1").put("facilityId", "f-1").put("formId", "chest-pain").put("submittedAt", new Date(1_000))
            .put("vitals", new Struct(VITALS)).put("news2", news2).put("band", "HIGH").put("bandReason", "form unavailable, review")
            .put("review", "FORM_UNAVAILABLE");

        Struct value = (Struct) transform.apply(new SinkRecord("triage-assessments", 0, Schema.STRING_SCHEMA, "p-1", schema, assessment, 8)).value();

        assertThat(value.getString("review")).isEqualTo("FORM_UNAVAILABLE");
        assertThat(value.getString("band")).isEqualTo("HIGH");
    }

    @Test
    void shouldPassTombstonesAndRefuseValuesThatAreNotStructs() {
        SinkRecord tombstone = new SinkRecord("t", 0, Schema.STRING_SCHEMA, "p-1", null, null, 0);
        assertThat(transform.apply(tombstone)).isSameAs(tombstone);
        assertThatThrownBy(() -> transform.apply(new SinkRecord("t", 0, null, null, null, "text", 0))).isInstanceOf(DataException.class);
    }

    private static Struct component(String parameter, String status, Integer points) {
        return new Struct(COMPONENT).put("parameter", parameter).put("status", status).put("points", points);
    }
}
