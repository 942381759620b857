package org.careflow.scheduling.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.RefusalReason;
import org.careflow.scheduling.slots.SlotGenerator;
import org.careflow.state.scheduling.SlotState;
import org.careflow.topics.ProviderScheduleKeys;

/**
 * Keeps each facility's providers' schedules and the facility index. A provider belongs to the facility that publishes
 * its schedule: the topic's key and the store key are (providerId, facilityId) ({@link ProviderScheduleKeys},
 * {@link SlotKeys}), so a schedule naming facility A only ever replaces A's provider of that id, never another
 * facility's. A new schedule replaces the old; held and booked slots stay, flagged as conflicts when the new schedule
 * no longer covers them. A schedule whose key is not the provider and facility it names, or that cannot produce
 * slots, is refused with a decision record and changes nothing. A tombstone withdraws the schedule of its key's
 * facility; an earlier release's tombstone, keyed by the provider alone, withdraws every facility's schedule of the
 * id, as it did when it was written.
 */
public final class ApplyScheduleProcessor implements Processor<String, ProviderSchedule, String, Emissions> {

    private static final StringSerializer KEYS = new StringSerializer();

    private ProcessorContext<String, Emissions> context;
    private KeyValueStore<String, ProviderSchedule> schedules;
    private KeyValueStore<String, SlotState> slots;
    private KeyValueStore<String, String> facilityProviders;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        this.context = context;
        schedules = context.getStateStore(SchedulingTopology.SCHEDULES_STORE);
        slots = context.getStateStore(SchedulingTopology.SLOTS_STORE);
        facilityProviders = context.getStateStore(SchedulingTopology.FACILITY_PROVIDERS_STORE);
    }

    @Override
    public void process(Record<String, ProviderSchedule> record) {
        if (record.key() == null) {
            return;
        }
        String providerId = ProviderScheduleKeys.providerOf(record.key());
        Optional<String> keyFacility = ProviderScheduleKeys.facilityOf(record.key());
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        ProviderSchedule schedule = record.value();
        if (schedule == null) {
            List<String> facilities = keyFacility.map(List::of)
                .orElseGet(() -> facilitiesOf(providerId).stream().map(ProviderSchedule::getFacilityId).toList());
            for (String facilityId : facilities) {
                if (schedules.delete(SlotKeys.provider(facilityId, providerId)) != null) {
                    facilityProviders.delete(SlotKeys.facilityProvider(facilityId, providerId));
                    flagConflicts(facilityId, providerId, null, now);
                }
            }
            return;
        }
        Emissions out = Emissions.empty();
        RefusalReason refused = refusal(providerId, keyFacility, schedule, now);
        if (refused != null) {
            out.decisions().add(Decisions.of(providerId, schedule, refused, now));
            context.forward(record.withValue(out));
            return;
        }
        schedules.put(SlotKeys.provider(schedule.getFacilityId(), providerId), schedule);
        facilityProviders.put(SlotKeys.facilityProvider(schedule.getFacilityId(), providerId), providerId);
        flagConflicts(schedule.getFacilityId(), providerId, schedule, now);
        out.decisions().add(Decisions.of(providerId, schedule, null, now));
        context.forward(record.withValue(out));
    }

    private static RefusalReason refusal(String providerId, Optional<String> keyFacility, ProviderSchedule schedule, Instant now) {
        if (!providerId.equals(schedule.getProviderId()) || schedule.getFacilityId() == null
            || keyFacility.filter(f -> !f.equals(schedule.getFacilityId())).isPresent()) {
            return RefusalReason.KEY_MISMATCH;
        }
        try {
            SlotGenerator.generate(schedule, now, now.plusSeconds(86_400));
            return null;
        } catch (IllegalArgumentException e) {
            // The ingest API validates first; a writer that bypassed it is answered, not dead-lettered.
            return RefusalReason.INVALID_SCHEDULE;
        }
    }

    private List<ProviderSchedule> facilitiesOf(String providerId) {
        List<ProviderSchedule> all = new ArrayList<>();
        try (KeyValueIterator<String, ProviderSchedule> it = schedules.prefixScan(SlotKeys.providerPrefix(providerId), KEYS)) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        return all;
    }

    private void flagConflicts(String facilityId, String providerId, ProviderSchedule schedule, Instant now) {
        try (KeyValueIterator<String, SlotState> it = slots.range(SlotKeys.slot(facilityId, providerId, now),
            SlotKeys.slot(facilityId, providerId, Instant.ofEpochMilli(999_999_999_999_999L)))) {
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
