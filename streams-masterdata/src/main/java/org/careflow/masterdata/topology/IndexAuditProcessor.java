package org.careflow.masterdata.topology;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.careflow.events.security.DataAccessAudit;

/**
 * Keeps each data-access audit record in {@link MasterDataTopology#AUDIT_STORE} at the time of the read, under its event
 * id: searches by time read it back newest first, and a record delivered twice overwrites itself. Records older than the
 * store's retention are not kept (the topic and the PostgreSQL archive still hold them). Forwards nothing.
 */
final class IndexAuditProcessor implements Processor<String, DataAccessAudit, Void, Void> {

    /** Each record is its own one-millisecond window: the store is a time index, not an aggregation. */
    static final Duration WINDOW = Duration.ofMillis(1);

    private WindowStore<String, DataAccessAudit> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(MasterDataTopology.AUDIT_STORE);
    }

    @Override
    public void process(Record<String, DataAccessAudit> record) {
        DataAccessAudit audit = record.value();
        if (audit == null) {
            return;
        }
        store.put(audit.getEventId(), audit, audit.getOccurredAt().toEpochMilli());
    }
}
