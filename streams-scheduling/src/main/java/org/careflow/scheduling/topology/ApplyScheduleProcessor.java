package org.careflow.scheduling.topology;

import java.time.Instant;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.scheduling.slots.SlotGenerator;
import org.careflow.state.scheduling.SlotState;

/**
 * Keeps each provider's schedule (keyed by providerId) and the facility index. A new schedule replaces the
 * old; held and booked slots stay, flagged as conflicts when the new schedule no longer covers them.
 */
public final class ApplyScheduleProcessor implements Processor<String, ProviderSchedule, Void, Void> {

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, ProviderSchedule> schedules;
    private KeyValueStore<String, SlotState> slots;
    private KeyValueStore<String, String> facilityProviders;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        schedules = context.getStateStore(SchedulingTopology.SCHEDULES_STORE);
        slots = context.getStateStore(SchedulingTopology.SLOTS_STORE);
        facilityProviders = context.getStateStore(SchedulingTopology.FACILITY_PROVIDERS_STORE);
    }

    @Override
    public void process(Record<String, ProviderSchedule> record) {
        String providerId = record.key();
        if (providerId == null) {
            return;
        }
        ProviderSchedule previous = schedules.get(providerId);
        if (previous != null) {
            facilityProviders.delete(SlotKeys.facilityProvider(previous.getFacilityId(), providerId));
        }
        ProviderSchedule schedule = record.value();
        if (schedule == null) {
            schedules.delete(providerId);
        } else {
            // Throws for a schedule that cannot produce slots: the record goes to the dead-letter topic.
            SlotGenerator.generate(schedule, Instant.ofEpochMilli(context.currentSystemTimeMs()),
                Instant.ofEpochMilli(context.currentSystemTimeMs()).plusSeconds(86_400));
            schedules.put(providerId, schedule);
            facilityProviders.put(SlotKeys.facilityProvider(schedule.getFacilityId(), providerId), providerId);
        }
        flagConflicts(providerId, schedule, Instant.ofEpochMilli(context.currentSystemTimeMs()));
    }

    private void flagConflicts(String providerId, ProviderSchedule schedule, Instant now) {
        try (KeyValueIterator<String, SlotState> it = slots.range(SlotKeys.slot(providerId, now), SlotKeys.slot(providerId, Instant.ofEpochMilli(999_999_999_999_999L)))) {
            while (it.hasNext()) {
                KeyValue<String, SlotState> kv = it.next();
                boolean covered = schedule != null && SlotGenerator.slotAt(schedule, kv.value.getStart()).isPresent();
                if (kv.value.getOutsideSchedule() == covered) {
                    slots.put(kv.key, SlotState.newBuilder(kv.value).setOutsideSchedule(!covered).build());
                }
            }
        }
    }
}
