package org.careflow.scheduling.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.http.ProblemException;
import org.careflow.query.InteractiveQueryService.LocalStores;
import org.careflow.scheduling.slots.Slot;
import org.careflow.scheduling.slots.SlotGenerator;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.scheduling.topology.SlotKeys;
import org.careflow.state.scheduling.SlotState;
import org.careflow.validation.FieldError;

/**
 * How the query routes (JSON and FHIR) read schedules and slots from a provider's task: the schedule a request names,
 * and the schedule's slots within the booking horizon, each free or as the slots store holds it. One place, so that
 * both interfaces offer exactly the same slots.
 */
final class ScheduleReads {

    /** One slot of a schedule: {@code state} is null when it is free. */
    record SlotView(Slot slot, SlotState state) {
        boolean free() {
            return state == null;
        }
    }

    private final Duration horizon;
    private final Supplier<Instant> clock;

    ScheduleReads(Duration horizon, Supplier<Instant> clock) {
        this.horizon = horizon;
        this.clock = clock;
    }

    Duration horizon() {
        return horizon;
    }

    Instant now() {
        return clock.get();
    }

    /**
     * The schedule of {@code facilityId}'s provider {@code providerId}; with no facility named, of the only facility
     * with that provider id among those {@code visible} (several: 400 asking for the facility; none: null).
     */
    static ProviderSchedule schedule(LocalStores stores, String providerId, String facilityId, Predicate<ProviderSchedule> visible) {
        if (facilityId != null) {
            ProviderSchedule schedule = schedules(stores).get(SlotKeys.provider(facilityId, providerId));
            return schedule != null && visible.test(schedule) ? schedule : null;
        }
        List<ProviderSchedule> found = visibleSchedules(stores, providerId, visible);
        if (found.size() > 1) {
            throw ProblemException.invalid(List.of(new FieldError(SchedulingQueryRoutes.FACILITY_PARAM,
                "is required: more than one facility has a provider with this id")));
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /** Every facility's schedule of provider {@code providerId} that is {@code visible}. */
    static List<ProviderSchedule> visibleSchedules(LocalStores stores, String providerId, Predicate<ProviderSchedule> visible) {
        List<ProviderSchedule> found = new ArrayList<>();
        try (KeyValueIterator<String, ProviderSchedule> it = schedules(stores).prefixScan(SlotKeys.providerPrefix(providerId), new StringSerializer())) {
            it.forEachRemaining(kv -> {
                if (visible.test(kv.value)) {
                    found.add(kv.value);
                }
            });
        }
        return found;
    }

    /** The schedules of {@code facilityId}'s providers whose tasks this instance holds (its part of the facility). */
    static List<ProviderSchedule> facilitySchedules(LocalStores stores, String facilityId) {
        List<ProviderSchedule> found = new ArrayList<>();
        ReadOnlyKeyValueStore<String, String> providers = stores.store(SchedulingTopology.FACILITY_PROVIDERS_STORE,
            QueryableStoreTypes.<String, String>keyValueStore());
        try (KeyValueIterator<String, String> it = providers.prefixScan(SlotKeys.facilityPrefix(facilityId), new StringSerializer())) {
            it.forEachRemaining(kv -> {
                ProviderSchedule schedule = schedules(stores).get(SlotKeys.provider(facilityId, kv.value));
                if (schedule != null) {
                    found.add(schedule);
                }
            });
        }
        return found;
    }

    /** The schedule's slots in the range, within the booking horizon, not held or booked, offering {@code type}. */
    List<SchedulingQueryRoutes.FreeSlot> freeSlots(LocalStores stores, ProviderSchedule schedule, Instant from, Instant to, String type) {
        List<SchedulingQueryRoutes.FreeSlot> free = new ArrayList<>();
        for (SlotView view : slots(stores, schedule, from, to, type)) {
            if (view.free()) {
                free.add(new SchedulingQueryRoutes.FreeSlot(schedule.getProviderId(), view.slot().start(), view.slot().end()));
            }
        }
        return free;
    }

    /**
     * Every slot of the schedule starting in the range, after now and within the booking horizon, offering {@code type}
     * (null: any), in order: free, or as the slots store holds it (held or booked).
     */
    List<SlotView> slots(LocalStores stores, ProviderSchedule schedule, Instant rangeFrom, Instant rangeTo, String type) {
        if (type != null && !schedule.getAppointmentTypes().contains(type)) {
            return List.of();
        }
        Instant now = clock.get();
        Instant from = rangeFrom.isAfter(now) ? rangeFrom : now;
        Instant to = rangeTo.isBefore(now.plus(horizon)) ? rangeTo : now.plus(horizon);
        if (!from.isBefore(to)) {
            return List.of();
        }
        Map<Instant, SlotState> taken = new HashMap<>();
        try (KeyValueIterator<String, SlotState> it = slots(stores).range(SlotKeys.slot(schedule.getFacilityId(), schedule.getProviderId(), from),
            SlotKeys.slot(schedule.getFacilityId(), schedule.getProviderId(), to))) {
            it.forEachRemaining(kv -> taken.put(kv.value.getStart(), kv.value));
        }
        List<SlotView> views = new ArrayList<>();
        for (Slot slot : SlotGenerator.generate(schedule, from, to)) {
            if (slot.start().isAfter(now)) {
                views.add(new SlotView(slot, taken.get(slot.start())));
            }
        }
        return views;
    }

    static ReadOnlyKeyValueStore<String, ProviderSchedule> schedules(LocalStores stores) {
        return stores.store(SchedulingTopology.SCHEDULES_STORE, QueryableStoreTypes.<String, ProviderSchedule>keyValueStore());
    }

    static ReadOnlyKeyValueStore<String, SlotState> slots(LocalStores stores) {
        return stores.store(SchedulingTopology.SLOTS_STORE, QueryableStoreTypes.<String, SlotState>keyValueStore());
    }
}
