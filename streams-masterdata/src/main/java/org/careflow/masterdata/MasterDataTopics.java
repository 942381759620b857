package org.careflow.masterdata;

import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.careflow.topics.Topic;

/**
 * The topics streams-masterdata reads and owns besides the catalogue's: Debezium's change topics of the master-data
 * tables (written by the Kafka Connect source, named {@code <topic.prefix>.<schema>.<table>}) and the app's
 * dead-letter topic. Its outputs are the catalogue's {@code Topics.PROVIDER_SCHEDULES} and {@code Topics.PATIENT_CONTACTS}.
 * The change topics' names can be changed by configuration; the descriptors here hold the defaults.
 */
public final class MasterDataTopics {

    /** Partitions of the change topics as this project asks Kafka Connect to create them: master data is small and slow. */
    public static final int CDC_PARTITIONS = 1;

    /** Rows of {@code public.providers} after each change, keyed {provider_id}; a tombstone when a row is deleted. */
    public static final Topic<GenericRecord, GenericRecord> PROVIDERS =
        cdc("masterdata.public.providers");

    /** Rows of {@code public.provider_schedules} (one weekly session each), keyed {id}; a tombstone when a row is deleted. */
    public static final Topic<GenericRecord, GenericRecord> PROVIDER_SESSIONS =
        cdc("masterdata.public.provider_schedules");

    /** Rows of {@code public.patient_contacts}, keyed {patient_id}; a tombstone when a row is deleted. */
    public static final Topic<GenericRecord, GenericRecord> PATIENT_CONTACTS =
        cdc("masterdata.public.patient_contacts");

    /** Rows of {@code public.facilities}, keyed {facility_id}; a tombstone when a row is deleted. */
    public static final Topic<GenericRecord, GenericRecord> FACILITIES =
        cdc("masterdata.public.facilities");

    /** Records streams-masterdata could not read or map (invalid rows among them), unchanged, with the reason in headers. */
    public static final Topic<byte[], byte[]> DEAD_LETTERS =
        new Topic<>("masterdata-dead-letters", byte[].class, byte[].class, 1, Topic.Cleanup.DELETE);

    private MasterDataTopics() {
    }

    /** A change topic descriptor named {@code name}: compacted, like every Debezium topic whose deletes are tombstones. */
    public static Topic<GenericRecord, GenericRecord> cdc(String name) {
        return new Topic<>(name, GenericRecord.class, GenericRecord.class, CDC_PARTITIONS, Topic.Cleanup.COMPACT);
    }

    /** The topics this app needs that nothing else creates: its dead-letter topic (Kafka Connect creates the change topics). */
    public static List<Topic<?, ?>> owned() {
        return List.of(DEAD_LETTERS);
    }
}
