package org.careflow.triage.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.careflow.state.triage.FacilityHourStats;
import org.careflow.state.triage.TriageQueueEntry;

/** The facility-keyed stores the queue's processors share: the ordered queue, the patient index, hourly statistics. */
record QueueStores(KeyValueStore<String, TriageQueueEntry> queue, KeyValueStore<String, TriageQueueEntry> patients,
                   FacilityStatsWriter stats) {

    static QueueStores from(ProcessorContext<?, ?> context) {
        WindowStore<String, FacilityHourStats> window = context.getStateStore(TriageTopology.FACILITY_STATS_STORE);
        return new QueueStores(context.getStateStore(TriageTopology.QUEUE_STORE),
            context.getStateStore(TriageTopology.QUEUE_PATIENT_STORE), new FacilityStatsWriter(window));
    }
}
