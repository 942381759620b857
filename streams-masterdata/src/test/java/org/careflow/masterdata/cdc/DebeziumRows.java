package org.careflow.masterdata.cdc;

import java.time.LocalTime;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/**
 * Keys and values as Debezium's PostgreSQL connector writes them for the master-data tables through
 * ExtractNewRecordState and the Avro converter, with time.precision.mode=connect: Connect Time as an int
 * {@code time-millis}, timestamptz as an {@code io.debezium.time.ZonedTimestamp} string, nullable columns as unions.
 */
public final class DebeziumRows {

    public static final Schema PROVIDER_KEY = SchemaBuilder.record("Key").namespace("masterdata.public.providers").fields()
        .requiredString("provider_id")
        .endRecord();
    public static final Schema PROVIDER_VALUE = SchemaBuilder.record("Value").namespace("masterdata.public.providers").fields()
        .requiredString("provider_id")
        .requiredString("facility_id")
        .optionalString("display_name")
        .requiredString("time_zone")
        .requiredInt("slot_minutes")
        .requiredString("appointment_types")
        .endRecord();

    public static final Schema SESSION_KEY = SchemaBuilder.record("Key").namespace("masterdata.public.provider_schedules").fields()
        .requiredLong("id")
        .endRecord();
    public static final Schema SESSION_VALUE = SchemaBuilder.record("Value").namespace("masterdata.public.provider_schedules").fields()
        .requiredLong("id")
        .requiredString("provider_id")
        .requiredString("weekday")
        .name("start_time").type(connectTime()).noDefault()
        .name("end_time").type(connectTime()).noDefault()
        .endRecord();

    public static final Schema CONTACT_KEY = SchemaBuilder.record("Key").namespace("masterdata.public.patient_contacts").fields()
        .requiredString("patient_id")
        .endRecord();
    public static final Schema CONTACT_VALUE = SchemaBuilder.record("Value").namespace("masterdata.public.patient_contacts").fields()
        .requiredString("patient_id")
        .optionalString("phone")
        .optionalString("email")
        .optionalString("preferred_channel")
        .requiredString("language")
        .requiredString("time_zone")
        .requiredBoolean("consent_granted")
        .name("consent_at").type().unionOf().nullType().and().type(zonedTimestamp()).endUnion().nullDefault()
        .endRecord();

    public static final Schema FACILITY_KEY = SchemaBuilder.record("Key").namespace("masterdata.public.facilities").fields()
        .requiredString("facility_id")
        .endRecord();
    public static final Schema FACILITY_VALUE = SchemaBuilder.record("Value").namespace("masterdata.public.facilities").fields()
        .requiredString("facility_id")
        .requiredString("name")
        .requiredBoolean("active")
        .requiredBoolean("accepts_self_triage")
        .optionalString("time_zone")
        .optionalString("oncall_webhook_url")
        .optionalString("oncall_email")
        .endRecord();

    private DebeziumRows() {
    }

    private static Schema connectTime() {
        Schema time = SchemaBuilder.builder().intBuilder()
            .prop("connect.version", 1).prop("connect.name", "org.apache.kafka.connect.data.Time").endInt();
        return LogicalTypes.timeMillis().addToSchema(time);
    }

    private static Schema zonedTimestamp() {
        return SchemaBuilder.builder().stringBuilder()
            .prop("connect.version", 1).prop("connect.name", "io.debezium.time.ZonedTimestamp").endString();
    }

    public static GenericRecord providerKey(String providerId) {
        return new GenericRecordBuilder(PROVIDER_KEY).set("provider_id", providerId).build();
    }

    /** A valid provider: Europe/London, 30-minute slots. */
    public static GenericRecordBuilder provider(String providerId, String facilityId) {
        return new GenericRecordBuilder(PROVIDER_VALUE)
            .set("provider_id", providerId).set("facility_id", facilityId).set("display_name", "Dr " + providerId)
            .set("time_zone", "Europe/London").set("slot_minutes", 30).set("appointment_types", "new-patient, follow-up");
    }

    public static GenericRecord sessionKey(long id) {
        return new GenericRecordBuilder(SESSION_KEY).set("id", id).build();
    }

    /** A session; times as HH:mm. */
    public static GenericRecordBuilder session(long id, String providerId, String weekday, String start, String end) {
        return new GenericRecordBuilder(SESSION_VALUE)
            .set("id", id).set("provider_id", providerId).set("weekday", weekday)
            .set("start_time", millis(start)).set("end_time", millis(end));
    }

    public static int millis(String time) {
        return (int) (LocalTime.parse(time).toNanoOfDay() / 1_000_000L);
    }

    public static GenericRecord contactKey(String patientId) {
        return new GenericRecordBuilder(CONTACT_KEY).set("patient_id", patientId).build();
    }

    public static GenericRecord facilityKey(String facilityId) {
        return new GenericRecordBuilder(FACILITY_KEY).set("facility_id", facilityId).build();
    }

    /** A valid, active facility taking no self-triage, paging an https webhook and an email address. */
    public static GenericRecordBuilder facility(String facilityId) {
        return new GenericRecordBuilder(FACILITY_VALUE)
            .set("facility_id", facilityId).set("name", "Clinic " + facilityId).set("active", true).set("accepts_self_triage", false)
            .set("time_zone", "Europe/London").set("oncall_webhook_url", "https://pager.example.org/" + facilityId)
            .set("oncall_email", "duty-" + facilityId + "@example.org");
    }

    /** A valid contact: WhatsApp, en-GB, Europe/London, consent granted. */
    public static GenericRecordBuilder contact(String patientId, String phone) {
        return new GenericRecordBuilder(CONTACT_VALUE)
            .set("patient_id", patientId).set("phone", phone).set("email", null).set("preferred_channel", "WHATSAPP")
            .set("language", "en-GB").set("time_zone", "Europe/London").set("consent_granted", true)
            .set("consent_at", "2026-11-20T10:00:00Z");
    }

    /** {@code record} with its strings as the Avro reader returns them ({@code Utf8}), as a deserialized record has. */
    public static GenericRecord asRead(GenericRecord record) {
        return GenericData.get().deepCopy(record.getSchema(), record);
    }
}
