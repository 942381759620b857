package org.careflow.masterdata.topology;

import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.masterdata.cdc.CdcRow;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.careflow.masterdata.mapping.SessionRows;
import org.careflow.masterdata.mapping.SessionRows.SessionRow;

/**
 * Turns changes of the provider_schedules table into session changes keyed {@code providerId|sessionId}: the session,
 * or null when it leaves its provider. A tombstone carries only the row's id, so this task remembers each session's
 * provider (keyed by session id, in the change topic's own partitioning): a delete, or an update that moves a session
 * to another provider, removes it from the provider it had. An invalid row throws, so the change record goes to the
 * dead-letter topic and the session stays as it last was valid.
 */
final class ReadSessionRowsProcessor extends ContextualProcessor<GenericRecord, GenericRecord, String, WeeklySession> {

    private KeyValueStore<String, String> owners;

    @Override
    public void init(ProcessorContext<String, WeeklySession> context) {
        super.init(context);
        owners = context.getStateStore(MasterDataTopology.SESSION_PROVIDERS_STORE);
    }

    @Override
    public void process(Record<GenericRecord, GenericRecord> record) {
        if (record.key() == null) {
            throw new InvalidMasterDataException("provider_schedules change", List.of("key is null: the table must have its primary key"));
        }
        String sessionId = SessionRows.sessionId(record.key());
        Optional<String> position = Changes.position(context());
        String owner = owners.get(sessionId);
        if (CdcRow.isDelete(record.value())) {
            if (owner != null) {
                owners.delete(sessionId);
                forward(SessionKeys.of(owner, sessionId), null, record, position);
            }
            return;
        }
        SessionRow row = SessionRows.toSession(sessionId, record.value());
        if (owner != null && !owner.equals(row.providerId())) {
            forward(SessionKeys.of(owner, sessionId), null, record, position);
        }
        owners.put(sessionId, row.providerId());
        forward(SessionKeys.of(row.providerId(), sessionId), row.session(), record, position);
    }

    private void forward(String key, WeeklySession session, Record<?, ?> change, Optional<String> position) {
        context().forward(new Record<>(key, session, change.timestamp(), Changes.headers(position)));
    }
}
