package org.careflow.scheduling.query;

import org.careflow.validation.FieldError;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.SchedulingDecision;
import org.careflow.query.InteractiveQueryService;
import org.careflow.http.ProblemException;
import org.careflow.http.QueryParams;
import org.careflow.query.ResourceAccess;
import org.careflow.security.EndpointClass;
import org.careflow.security.ResourceScope;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.scheduling.topology.SlotKeys;
import org.careflow.state.scheduling.PatientAppointment;
import org.careflow.state.scheduling.PatientAppointments;
import org.careflow.state.scheduling.SlotState;

/** streams-scheduling's read API: bookings, free slots of a provider or a whole facility, a patient's appointments. */
public final class SchedulingQueryRoutes {

    public static final String BOOKING_PATH = "/v1/bookings/{bookingId}";
    public static final String PROVIDER_SLOTS_PATH = "/v1/providers/{providerId}/slots";
    public static final String PROVIDER_CONFLICTS_PATH = "/v1/providers/{providerId}/conflicts";
    public static final String FACILITY_SLOTS_PATH = "/v1/facilities/{facilityId}/slots";
    public static final String PATIENT_APPOINTMENTS_PATH = "/v1/patients/{patientId}/appointments";
    public static final String DECISION_PATH = "/v1/scheduling-decisions/{requestId}";
    /** Names which facility's provider a provider route reads; may be left out when only one facility has that provider id. */
    public static final String FACILITY_PARAM = "facilityId";

    static final Duration DEFAULT_RANGE = Duration.ofDays(7);

    /** A free slot; {@code providerId} names whose it is in a facility-wide answer. */
    public record FreeSlot(String providerId, Instant start, Instant end) {
    }

    private final Supplier<InteractiveQueryService> queries;
    private final Duration horizon;
    private final Supplier<Instant> clock;
    private final ScheduleReads reads;

    public SchedulingQueryRoutes(Supplier<InteractiveQueryService> queries, Duration horizon, Supplier<Instant> clock) {
        this.queries = queries;
        this.horizon = horizon;
        this.clock = clock;
        this.reads = new ScheduleReads(horizon, clock);
    }

    public void register(JavalinConfig config) {
        config.routes.get(BOOKING_PATH, this::booking, EndpointClass.BOOKING_READ);
        config.routes.get(PROVIDER_SLOTS_PATH, this::providerSlots, EndpointClass.PROVIDER_READ);
        config.routes.get(PROVIDER_CONFLICTS_PATH, this::conflicts, EndpointClass.PROVIDER_CONFLICTS_READ);
        // The path's facility is checked by the gate; the other instances' parts are asked with the caller's token.
        config.routes.get(FACILITY_SLOTS_PATH, this::facilitySlots, EndpointClass.FACILITY_SLOTS_READ);
        config.routes.get(PATIENT_APPOINTMENTS_PATH, this::appointments, EndpointClass.PATIENT_APPOINTMENTS_READ);
        config.routes.get(DECISION_PATH, this::decision, EndpointClass.BOOKING_READ);
    }

    private void booking(Context ctx) {
        String bookingId = ctx.pathParam("bookingId");
        service().respondFromOwner(ctx, SchedulingTopology.BOOKINGS_STORE, bookingId, stores -> {
            ValueAndTimestamp<BookingOutcome> booking = stores.store(SchedulingTopology.BOOKINGS_STORE,
                QueryableStoreTypes.<String, BookingOutcome>timestampedKeyValueStore()).get(bookingId);
            // Another's booking answers as none does (404): no oracle for ids that exist elsewhere.
            if (booking == null || booking.value() == null || !ResourceAccess.permits(ctx, bookingScope(booking.value()))) {
                return null;
            }
            ResourceAccess.require(ctx, bookingScope(booking.value()));
            return BookingView.of(booking.value());
        });
    }

    private void providerSlots(Context ctx) {
        String providerId = ctx.pathParam("providerId");
        Range range = range(ctx);
        String type = ctx.queryParam("type");
        String facilityId = ctx.queryParam(FACILITY_PARAM);
        service().respondFromOwner(ctx, SchedulingTopology.SCHEDULES_STORE, providerId, stores -> {
            ProviderSchedule schedule = ScheduleReads.schedule(stores, providerId, facilityId, s -> true);
            if (schedule == null) {
                return null;
            }
            ResourceAccess.require(ctx, scheduleScope(schedule));
            return Map.of("providerId", providerId, "facilityId", schedule.getFacilityId(), "slots", reads.freeSlots(stores, schedule, range.from(), range.to(), type));
        });
    }

    private void conflicts(Context ctx) {
        String providerId = ctx.pathParam("providerId");
        Instant now = clock.get();
        String facilityId = ctx.queryParam(FACILITY_PARAM);
        service().respondFromOwner(ctx, SchedulingTopology.SCHEDULES_STORE, providerId, stores -> {
            // Conflicts name bookings: only staff of the provider's facility see them, checked on the stored schedule.
            // Another facility's provider answers as an unknown one (404).
            ProviderSchedule schedule = ScheduleReads.schedule(stores, providerId, facilityId, s -> ResourceAccess.permits(ctx, scheduleScope(s)));
            if (schedule == null) {
                return null;
            }
            ResourceAccess.require(ctx, scheduleScope(schedule));
            List<Map<String, Object>> conflicts = new ArrayList<>();
            try (KeyValueIterator<String, SlotState> it = ScheduleReads.slots(stores).range(SlotKeys.slot(schedule.getFacilityId(), providerId, now),
                SlotKeys.slot(schedule.getFacilityId(), providerId, Instant.ofEpochMilli(999_999_999_999_999L)))) {
                it.forEachRemaining(kv -> {
                    if (kv.value.getOutsideSchedule()) {
                        conflicts.add(Map.of("start", kv.value.getStart(), "end", kv.value.getEnd(),
                            "status", kv.value.getStatus().name(), "bookingId", kv.value.getBookingId()));
                    }
                });
            }
            return Map.of("providerId", providerId, "facilityId", schedule.getFacilityId(), "conflicts", conflicts);
        });
    }

    private void facilitySlots(Context ctx) {
        String facilityId = ctx.pathParam("facilityId");
        Range range = range(ctx);
        String type = ctx.queryParam("type");
        Comparator<JsonNode> byTime = Comparator.<JsonNode, String>comparing(n -> n.get("start").asText())
            .thenComparing(n -> n.get("providerId").asText());
        service().respondFromAll(ctx, SchedulingTopology.FACILITY_PROVIDERS_STORE, stores -> {
            List<FreeSlot> free = new ArrayList<>();
            for (ProviderSchedule schedule : ScheduleReads.facilitySchedules(stores, facilityId)) {
                free.addAll(reads.freeSlots(stores, schedule, range.from(), range.to(), type));
            }
            return free;
        }, byTime);
    }

    private void appointments(Context ctx) {
        String patientId = ctx.pathParam("patientId");
        Range range = new Range(instant(ctx, "from", Instant.EPOCH), instant(ctx, "to", Instant.ofEpochMilli(253_402_300_799_000L)));
        service().respondFromOwner(ctx, SchedulingTopology.PATIENT_APPOINTMENTS_STORE, patientId, stores -> {
            PatientAppointments stored = stores.store(SchedulingTopology.PATIENT_APPOINTMENTS_STORE,
                QueryableStoreTypes.<String, PatientAppointments>keyValueStore()).get(patientId);
            List<Map<String, Object>> list = new ArrayList<>();
            List<PatientAppointment> visible = ResourceAccess.filter(ctx, stored == null ? List.<PatientAppointment>of() : stored.getAppointments(),
                a -> appointmentScope(patientId, a), ResourceScope.patient(patientId));
            for (PatientAppointment a : visible) {
                if (a.getConfirmed() && a.getStart().isBefore(range.to()) && a.getEnd().isAfter(range.from())) {
                    list.add(Map.of("bookingId", a.getBookingId(), "providerId", a.getProviderId(), "start", a.getStart(),
                        "end", a.getEnd(), "appointmentType", a.getAppointmentType(), "status", a.getCancelled() ? "CANCELLED" : "BOOKED"));
                }
            }
            list.sort(Comparator.comparing(m -> (Instant) m.get("start")));
            return Map.of("patientId", patientId, "appointments", list);
        });
    }

    private void decision(Context ctx) {
        String requestId = ctx.pathParam("requestId");
        service().respondFromOwner(ctx, SchedulingTopology.DECISIONS_STORE, requestId, stores -> {
            SchedulingDecision decision = stores.store(SchedulingTopology.DECISIONS_STORE,
                QueryableStoreTypes.<String, SchedulingDecision>keyValueStore()).get(requestId);
            if (decision == null || !ResourceAccess.permits(ctx, decisionScope(decision))) {
                return null;
            }
            ResourceAccess.require(ctx, decisionScope(decision));
            return DecisionView.of(decision);
        });
    }


    /** Who may read a decision: the patient it names and the facilities it names or the caller acted for. */
    static ResourceScope decisionScope(SchedulingDecision decision) {
        Set<String> facilities = new HashSet<>();
        if (decision.getFacilityId() != null) {
            facilities.add(decision.getFacilityId());
        }
        if (decision.getCallerFacilityIds() != null && decision.getFacilityId() == null) {
            facilities.addAll(decision.getCallerFacilityIds());
        }
        return new ResourceScope(facilities, decision.getPatientId());
    }

    /** What a booking belongs to: a rejected booking has no facility and is its patient's alone. */
    static ResourceScope bookingScope(BookingOutcome booking) {
        return ResourceScope.of(booking.getFacilityId(), booking.getPatientId());
    }

    /** What a provider's schedule belongs to: its facility; none when there is no schedule. */
    static ResourceScope scheduleScope(ProviderSchedule schedule) {
        return schedule == null ? new ResourceScope(Set.of(), null) : ResourceScope.of(schedule.getFacilityId(), null);
    }

    /** What a patient's appointment belongs to: its facility and the patient. */
    static ResourceScope appointmentScope(String patientId, PatientAppointment appointment) {
        return ResourceScope.of(appointment.getFacilityId(), patientId);
    }




    private record Range(Instant from, Instant to) {
    }

    private Range range(Context ctx) {
        Instant from = instant(ctx, "from", clock.get());
        Instant to = instant(ctx, "to", from.plus(DEFAULT_RANGE));
        if (!from.isBefore(to) || Duration.between(from, to).compareTo(horizon.plusDays(1)) > 0) {
            throw ProblemException.invalid(List.of(new FieldError("to", "must be after 'from' and within the booking horizon")));
        }
        return new Range(from, to);
    }

    private static Instant instant(Context ctx, String name, Instant fallback) {
        return QueryParams.instant(ctx, name, fallback);
    }

    private InteractiveQueryService service() {
        return InteractiveQueryService.whenStarted(queries);
    }
}
