package org.careflow.masterdata.topology;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.masterdata.cdc.CdcRow;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.careflow.masterdata.mapping.EventIds;
import org.careflow.masterdata.mapping.ProviderRows;

/**
 * Turns changes of the providers table into provider rows keyed by providerId: the provider as a schedule without
 * sessions, or null when the row is deleted. An invalid row throws, so the change record itself goes to the
 * dead-letter topic; the provider's task keeps the last valid row.
 */
final class ReadProviderRowsProcessor extends ContextualProcessor<GenericRecord, GenericRecord, String, ProviderSchedule> {

    @Override
    public void process(Record<GenericRecord, GenericRecord> record) {
        if (record.key() == null) {
            throw new InvalidMasterDataException("providers change", List.of("key is null: the table must have its primary key"));
        }
        String providerId = ProviderRows.providerId(record.key());
        Optional<String> position = Changes.position(context());
        ProviderSchedule provider = CdcRow.isDelete(record.value()) ? null
            : ProviderRows.toProvider(providerId, record.value(),
                EventIds.of(ProviderRows.TABLE, providerId, position.orElse(String.valueOf(record.timestamp()))),
                Instant.ofEpochMilli(record.timestamp()));
        context().forward(new Record<>(providerId, provider, record.timestamp(), Changes.headers(position)));
    }
}
