package org.careflow.masterdata.topology;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.careflow.events.facilities.Facility;
import org.careflow.masterdata.cdc.CdcRow;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.careflow.masterdata.mapping.EventIds;
import org.careflow.masterdata.mapping.FacilityRows;
import org.careflow.topics.OnCallWebhookRule;

/**
 * Turns changes of the facilities table into Facility events keyed by facilityId, the same records ops write through
 * the ingest API; a deleted row becomes a tombstone, which unregisters the facility. An invalid row throws, so the
 * change record goes to the dead-letter topic and the last valid record stays in force.
 */
final class MapFacilityRowsProcessor extends ContextualProcessor<GenericRecord, GenericRecord, String, Facility> {

    private final OnCallWebhookRule webhooks;

    MapFacilityRowsProcessor(OnCallWebhookRule webhooks) {
        this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
    }

    @Override
    public void process(Record<GenericRecord, GenericRecord> record) {
        if (record.key() == null) {
            throw new InvalidMasterDataException("facilities change", List.of("key is null: the table must have its primary key"));
        }
        String facilityId = FacilityRows.facilityId(record.key());
        Facility facility = null;
        if (!CdcRow.isDelete(record.value())) {
            String position = Changes.position(context()).orElse(String.valueOf(record.timestamp()));
            facility = FacilityRows.toFacility(facilityId, record.value(), EventIds.of(FacilityRows.TABLE, facilityId, position),
                Instant.ofEpochMilli(record.timestamp()), webhooks);
        }
        context().forward(new Record<>(facilityId, facility, record.timestamp(), new RecordHeaders()));
    }
}
