package org.careflow.connect.transforms;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Turns a TriageAssessment (as the Avro converter reads it) into one flat row for relational sinks: identifiers,
 * times, the final band, the NEWS2 total with one points column per parameter (null when the parameter was missing
 * or not scorable: a missing observation is not a zero), the observations themselves, and the form's points and red
 * flags. Column names are snake_case, so SQL needs no quoting. Tombstones pass through.
 */
public class FlattenAssessment<R extends ConnectRecord<R>> implements Transformation<R> {

    /** NEWS2 parameters (the VitalParameter symbols) and their points columns. */
    static final Map<String, String> POINT_COLUMNS = Map.of(
        "RESPIRATION_RATE", "respiration_rate_points", "SPO2", "spo2_points", "AIR_OR_OXYGEN", "air_or_oxygen_points",
        "SYSTOLIC_BP", "systolic_bp_points", "PULSE", "pulse_points", "CONSCIOUSNESS", "consciousness_points",
        "TEMPERATURE", "temperature_points");
    private static final List<String> PARAMETERS = List.of("RESPIRATION_RATE", "SPO2", "AIR_OR_OXYGEN", "SYSTOLIC_BP", "PULSE",
        "CONSCIOUSNESS", "TEMPERATURE");

    static final Schema ROW = row();

    private static Schema row() {
        SchemaBuilder b = SchemaBuilder.struct().name("org.careflow.bi.TriageAssessmentRow")
            .field("submission_id", Schema.STRING_SCHEMA)
            .field("event_id", Schema.STRING_SCHEMA)
            .field("patient_id", Schema.STRING_SCHEMA)
            .field("facility_id", Schema.STRING_SCHEMA)
            .field("form_id", Schema.STRING_SCHEMA)
            .field("form_version", Schema.OPTIONAL_INT32_SCHEMA)
            .field("submitted_at", Timestamp.SCHEMA)
            .field("assessed_at", Timestamp.SCHEMA)
            .field("band", Schema.STRING_SCHEMA)
            .field("band_reason", Schema.STRING_SCHEMA)
            .field("news2_total", Schema.INT32_SCHEMA)
            .field("news2_complete", Schema.BOOLEAN_SCHEMA)
            .field("news2_band", Schema.STRING_SCHEMA)
            .field("news2_monitoring", Schema.OPTIONAL_STRING_SCHEMA);
        PARAMETERS.forEach(p -> b.field(POINT_COLUMNS.get(p), Schema.OPTIONAL_INT32_SCHEMA));
        return b.field("respiratory_rate", Schema.OPTIONAL_INT32_SCHEMA)
            .field("spo2", Schema.OPTIONAL_INT32_SCHEMA)
            .field("spo2_scale", Schema.OPTIONAL_INT32_SCHEMA)
            .field("on_supplemental_oxygen", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("systolic_bp", Schema.OPTIONAL_INT32_SCHEMA)
            .field("heart_rate", Schema.OPTIONAL_INT32_SCHEMA)
            .field("consciousness", Schema.OPTIONAL_STRING_SCHEMA)
            .field("temperature", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("form_points", Schema.OPTIONAL_INT32_SCHEMA)
            .field("red_flags", Schema.OPTIONAL_STRING_SCHEMA)
            .field("review", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    }

    @Override
    public R apply(R record) {
        if (record.value() == null) {
            return record;
        }
        if (!(record.value() instanceof Struct in)) {
            throw new DataException("FlattenAssessment needs a TriageAssessment struct (the Avro converter's), got "
                + record.value().getClass().getSimpleName());
        }
        Struct news2 = in.getStruct("news2");
        Struct vitals = in.getStruct("vitals");
        Struct row = new Struct(ROW)
            .put("submission_id", in.getString("submissionId"))
            .put("event_id", in.getString("eventId"))
            .put("patient_id", in.getString("patientId"))
            .put("facility_id", in.getString("facilityId"))
            .put("form_id", in.getString("formId"))
            .put("form_version", in.getInt32("formVersion"))
            .put("submitted_at", in.get("submittedAt"))
            .put("assessed_at", in.get("occurredAt"))
            .put("band", String.valueOf(in.get("band")))
            .put("band_reason", in.getString("bandReason"))
            .put("news2_total", news2.getInt32("total"))
            .put("news2_complete", news2.getBoolean("complete"))
            .put("news2_band", String.valueOf(news2.get("band")))
            .put("news2_monitoring", news2.schema().field("monitoring") == null || news2.get("monitoring") == null
                ? null : String.valueOf(news2.get("monitoring")));
        // Assessments written before the field existed have none: a null column, not an error.
        if (in.schema().field("review") != null && in.get("review") != null) {
            row.put("review", String.valueOf(in.get("review")));
        }
        List<?> components = news2.getArray("components");
        if (components != null) {
            for (Object c : components) {
                Struct component = (Struct) c;
                String column = POINT_COLUMNS.get(String.valueOf(component.get("parameter")));
                if (column != null && "SCORED".equals(String.valueOf(component.get("status")))) {
                    row.put(column, component.getInt32("points"));
                }
            }
        }
        if (vitals != null) {
            row.put("respiratory_rate", vitals.getInt32("respiratoryRate"))
                .put("spo2", vitals.getInt32("spo2"))
                .put("spo2_scale", vitals.getInt32("spo2Scale"))
                .put("on_supplemental_oxygen", vitals.getBoolean("onSupplementalOxygen"))
                .put("systolic_bp", vitals.getInt32("systolicBp"))
                .put("heart_rate", vitals.getInt32("heartRate"))
                .put("consciousness", vitals.get("consciousness") == null ? null : String.valueOf(vitals.get("consciousness")))
                .put("temperature", vitals.getFloat64("temperature"));
        }
        Field formScoreField = in.schema().field("formScore");
        Struct formScore = formScoreField == null ? null : in.getStruct("formScore");
        if (formScore != null) {
            row.put("form_points", formScore.getInt32("points"));
            List<?> flags = formScore.getArray("redFlags");
            row.put("red_flags", flags == null || flags.isEmpty() ? null : String.join(",", flags.stream().map(String::valueOf).toList()));
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), ROW, row, record.timestamp());
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
