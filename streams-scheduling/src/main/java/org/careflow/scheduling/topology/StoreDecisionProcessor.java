package org.careflow.scheduling.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.SchedulingDecision;

/**
 * Keeps the decisions on requests (keyed by requestId) for {@code GET /v1/scheduling-decisions/{requestId}}. The first
 * decision for a requestId stays: a later record under the same id (a redelivery, or a writer reusing someone's id)
 * never replaces it. Decisions older than {@code retention} are deleted every {@code purgeInterval} (wall clock).
 */
public final class StoreDecisionProcessor implements Processor<String, SchedulingDecision, Void, Void> {

    private final Duration retention;
    private final Duration purgeInterval;
    private KeyValueStore<String, SchedulingDecision> decisions;

    public StoreDecisionProcessor(Duration retention, Duration purgeInterval) {
        this.retention = retention;
        this.purgeInterval = purgeInterval;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        decisions = context.getStateStore(SchedulingTopology.DECISIONS_STORE);
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<String, SchedulingDecision> record) {
        if (record.key() == null || record.value() == null || !record.key().equals(record.value().getRequestId())) {
            return;
        }
        decisions.putIfAbsent(record.key(), record.value());
    }

    private void purge(long wallClockMs) {
        Instant cutoff = Instant.ofEpochMilli(wallClockMs).minus(retention);
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, SchedulingDecision> it = decisions.all()) {
            while (it.hasNext()) {
                KeyValue<String, SchedulingDecision> kv = it.next();
                if (kv.value.getOccurredAt().isBefore(cutoff)) {
                    old.add(kv.key);
                }
            }
        }
        old.forEach(decisions::delete);
    }
}
