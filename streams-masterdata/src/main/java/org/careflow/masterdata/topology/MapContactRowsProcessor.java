package org.careflow.masterdata.topology;

import java.time.Instant;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.careflow.events.notifications.PatientContact;
import org.careflow.masterdata.cdc.CdcRow;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.careflow.masterdata.mapping.ContactRows;
import org.careflow.masterdata.mapping.EventIds;

/**
 * Turns changes of the patient_contacts table into PatientContact events keyed by patientId; a deleted row becomes a
 * tombstone, which erases the contact from the compacted topic and from streams-notifications. An invalid row throws,
 * so the change record goes to the dead-letter topic and the last valid contact stays in force.
 */
final class MapContactRowsProcessor extends ContextualProcessor<GenericRecord, GenericRecord, String, PatientContact> {

    @Override
    public void process(Record<GenericRecord, GenericRecord> record) {
        if (record.key() == null) {
            throw new InvalidMasterDataException("patient_contacts change", List.of("key is null: the table must have its primary key"));
        }
        String patientId = ContactRows.patientId(record.key());
        PatientContact contact = null;
        if (!CdcRow.isDelete(record.value())) {
            String position = Changes.position(context()).orElse(String.valueOf(record.timestamp()));
            contact = ContactRows.toContact(patientId, record.value(), EventIds.of(ContactRows.TABLE, patientId, position),
                Instant.ofEpochMilli(record.timestamp()));
        }
        context().forward(new Record<>(patientId, contact, record.timestamp(), new RecordHeaders()));
    }
}
