package org.careflow.scheduling.query;

import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.fhir.CapabilityStatements;
import org.careflow.fhir.FhirIds;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.http.FhirHttp;
import org.careflow.fhir.scheduling.SchedulingFhir;
import org.careflow.fhir.scheduling.SchedulingResources;
import org.careflow.fhir.search.DateBounds;
import org.careflow.fhir.search.SearchRequest;
import org.careflow.fhir.search.Tokens;
import org.careflow.http.ProblemException;
import org.careflow.query.InteractiveQueryService;
import org.careflow.query.ResourceAccess;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.scheduling.topology.SlotKeys;
import org.careflow.security.EndpointClass;
import org.careflow.security.FhirInteraction;
import org.careflow.security.SecurityGate;
import org.careflow.security.ResourceScope;
import org.careflow.state.scheduling.PatientAppointment;
import org.careflow.state.scheduling.PatientAppointments;
import org.careflow.state.scheduling.SlotState;
import org.careflow.validation.FieldError;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * streams-scheduling's FHIR R4 interface ({@code /fhir/R4}): schedules, slots, appointments and IHE's {@code $find}, from
 * the same stores, owners and access checks as its JSON routes ({@link SchedulingQueryRoutes}); what it serves is
 * declared once in {@link SchedulingFhir}.
 */
public final class SchedulingFhirRoutes {

    public static final String METADATA_PATH = FhirHttp.BASE_PATH + "/metadata";
    public static final String SCHEDULE_SEARCH_PATH = FhirHttp.BASE_PATH + "/Schedule";
    public static final String SCHEDULE_PATH = FhirHttp.BASE_PATH + "/Schedule/{id}";
    public static final String SLOT_SEARCH_PATH = FhirHttp.BASE_PATH + "/Slot";
    public static final String FIND_PATH = FhirHttp.BASE_PATH + "/Appointment/$find";
    public static final String APPOINTMENT_SEARCH_PATH = FhirHttp.BASE_PATH + "/Appointment";
    public static final String APPOINTMENT_PATH = FhirHttp.BASE_PATH + "/Appointment/{id}";

    private static final java.time.Duration DEFAULT_SLOT_RANGE = java.time.Duration.ofDays(7);

    private final Supplier<InteractiveQueryService> queries;
    private final ScheduleReads reads;
    private final CapabilityStatement capabilities;

    public SchedulingFhirRoutes(Supplier<InteractiveQueryService> queries, java.time.Duration horizon, Supplier<Instant> clock) {
        this.queries = queries;
        this.reads = new ScheduleReads(horizon, clock);
        this.capabilities = CapabilityStatements.of("streams-scheduling", SchedulingFhir.READS);
    }

    public void register(JavalinConfig config) {
        config.routes.get(METADATA_PATH, ctx -> FhirHttp.respond(ctx, 200, capabilities), EndpointClass.PUBLIC);
        config.routes.get(SCHEDULE_SEARCH_PATH, this::schedules, EndpointClass.PROVIDER_READ, FhirInteraction.search("Schedule"));
        config.routes.get(SCHEDULE_PATH, this::schedule, EndpointClass.PROVIDER_READ, FhirInteraction.read("Schedule"));
        config.routes.get(SLOT_SEARCH_PATH, this::slots, EndpointClass.PROVIDER_READ, FhirInteraction.search("Slot"));
        // Registered before Appointment/{id}, which would otherwise take "$find" for an id.
        config.routes.get(FIND_PATH, this::find, EndpointClass.PROVIDER_READ, FhirInteraction.search("Appointment"));
        config.routes.post(FIND_PATH, this::findPosted, EndpointClass.PROVIDER_READ, FhirInteraction.search("Appointment"));
        config.routes.get(APPOINTMENT_SEARCH_PATH, this::appointments, EndpointClass.BOOKING_READ, FhirInteraction.search("Appointment"));
        config.routes.get(APPOINTMENT_PATH, this::appointment, EndpointClass.BOOKING_READ, FhirInteraction.read("Appointment"));
    }

    private void schedules(Context ctx) {
        SearchRequest search = FhirHttp.search(ctx, SchedulingFhir.SCHEDULE);
        String providerId = search.value("actor");
        boolean inactiveOnly = search.values("active").stream().allMatch(v -> v.equals("false")) && !search.values("active").isEmpty();
        service().respondFromOwner(ctx, SchedulingTopology.SCHEDULES_STORE, providerId, stores -> {
            Instant now = reads.now();
            List<ProviderSchedule> all = inactiveOnly ? List.of() : ScheduleReads.visibleSchedules(stores, providerId, s -> true);
            List<Schedule> matches = ResourceAccess.filterSearch(ctx, all, SchedulingQueryRoutes::scheduleScope).stream()
                .map(s -> schedule(s, now)).toList();
            return FhirHttp.searchset(ctx, "Schedule", matches, search);
        });
    }

    private void schedule(Context ctx) {
        List<String> parts = SchedulingResources.scheduleParts(ctx.pathParam("id"));
        if (parts == null) {
            throw ProblemException.notFound(ResourceAccess.NOTHING_STORED);
        }
        service().respondFromOwner(ctx, SchedulingTopology.SCHEDULES_STORE, parts.get(1), stores -> {
            ProviderSchedule schedule = ScheduleReads.schedules(stores).get(SlotKeys.provider(parts.get(0), parts.get(1)));
            if (schedule == null || ResourceAccess.filterConcealed(ctx, List.of(schedule), SchedulingQueryRoutes::scheduleScope).isEmpty()) {
                return null;
            }
            return FhirHttp.rendered(schedule(schedule, reads.now()));
        });
    }

    private Schedule schedule(ProviderSchedule s, Instant now) {
        return SchedulingResources.schedule(s.getFacilityId(), s.getProviderId(), s.getAppointmentTypes(), s.getTimeZone(), s.getSlotMinutes(),
            now, now.plus(reads.horizon()));
    }

    private void slots(Context ctx) {
        SearchRequest search = FhirHttp.search(ctx, SchedulingFhir.SLOT);
        List<String> parts = SchedulingResources.scheduleParts(search.value("schedule"));
        if (parts == null) {
            throw ProblemException.invalid(List.of(new FieldError("Slot.schedule", "schedule: not a schedule careflow gave out")));
        }
        List<String> types = search.values("service-type");
        if (types.size() > 1) {
            throw ProblemException.notSupported(List.of(new FieldError("Slot.serviceType", "service-type: give one appointment type")));
        }
        List<String> statuses = search.values("status");
        Instant now = reads.now();
        DateBounds start = search.hasDates("start") ? search.dates("start") : new DateBounds(now, now.plus(DEFAULT_SLOT_RANGE));
        service().respondFromOwner(ctx, SchedulingTopology.SCHEDULES_STORE, parts.get(1), stores -> {
            ProviderSchedule schedule = ScheduleReads.schedules(stores).get(SlotKeys.provider(parts.get(0), parts.get(1)));
            List<Slot> matches = new ArrayList<>();
            if (schedule != null && !ResourceAccess.filterSearch(ctx, List.of(schedule), SchedulingQueryRoutes::scheduleScope).isEmpty()) {
                String type = types.isEmpty() ? null : code(types.get(0));
                for (ScheduleReads.SlotView view : reads.slots(stores, schedule, start.from(), start.to(), type)) {
                    Slot.SlotStatus status = view.free() ? Slot.SlotStatus.FREE
                        : view.state().getStatus() == org.careflow.state.scheduling.SlotStatus.BOOKED ? Slot.SlotStatus.BUSY : Slot.SlotStatus.BUSYTENTATIVE;
                    if (statuses.isEmpty() || statuses.stream().anyMatch(s -> Tokens.matches(s, "http://hl7.org/fhir/slotstatus", status.toCode()))) {
                        matches.add(SchedulingResources.slot(schedule.getFacilityId(), schedule.getProviderId(), view.slot().start(),
                            view.slot().end(), status, type == null ? schedule.getAppointmentTypes() : List.of(type)));
                    }
                }
            }
            return FhirHttp.searchset(ctx, "Slot", matches, search);
        });
    }

    private void findPosted(Context ctx) {
        Parameters parameters;
        try {
            parameters = FhirJson.parse(Parameters.class, ctx.body());
        } catch (DataFormatException | ClassCastException e) {
            throw ProblemException.invalid(List.of(new FieldError("Parameters", "the body is not a FHIR R4 Parameters resource in JSON")));
        }
        // The same operation as GET with these parameters as its query: what other instances are asked, too.
        StringJoiner query = new StringJoiner("&");
        for (Parameters.ParametersParameterComponent p : parameters.getParameter()) {
            String value = p.getValue() instanceof Reference r ? r.getReference() : p.getValue() == null ? null : p.getValue().primitiveValue();
            if (value == null) {
                throw ProblemException.invalid(List.of(new FieldError("Parameters.parameter.where(name = '" + p.getName() + "')",
                    p.getName() + ": takes a primitive value or a reference")));
            }
            query.add(URLEncoder.encode(p.getName(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        Map<String, List<String>> asked = new LinkedHashMap<>();
        for (Parameters.ParametersParameterComponent p : parameters.getParameter()) {
            String value = p.getValue() instanceof Reference r ? r.getReference() : p.getValue().primitiveValue();
            asked.computeIfAbsent(p.getName(), k -> new ArrayList<>()).add(value);
        }
        InteractiveQueryService.forwardAsGet(ctx, query.toString());
        find(ctx, asked);
    }

    private void find(Context ctx) {
        find(ctx, ctx.queryParamMap());
    }

    private void find(Context ctx, Map<String, List<String>> asked) {
        SearchRequest.Parsed parsed = SearchRequest.parse(SchedulingFhir.FIND_PARAMETERS, asked);
        if (parsed instanceof SearchRequest.Parsed.Refused refused) {
            throw refused.unsupported() ? ProblemException.notSupported(refused.errors()) : ProblemException.invalid(refused.errors());
        }
        SearchRequest search = ((SearchRequest.Parsed.Ok) parsed).request();
        List<FieldError> errors = new ArrayList<>();
        for (String required : List.of("start", "end")) {
            if (!search.hasDates(required)) {
                errors.add(new FieldError(required, required + ": is required"));
            }
        }
        for (String single : List.of("practitioner", "organization", "visit-type", "patient-reference")) {
            if (search.values(single).size() > 1) {
                errors.add(new FieldError(single, single + ": careflow takes one value"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Instant from = search.dates("start").from();
        Instant to = search.dates("end").to();
        String providerId = search.value("practitioner");
        String facilityId = search.value("organization");
        String type = search.value("visit-type") == null ? null : code(search.value("visit-type"));
        String patientId = search.value("patient-reference");
        if (providerId != null) {
            service().respondFromOwner(ctx, SchedulingTopology.SCHEDULES_STORE, providerId, stores -> {
                ProviderSchedule schedule = ScheduleReads.schedule(stores, providerId, facilityId, s -> true);
                List<Appointment> proposed = new ArrayList<>();
                if (schedule != null && !ResourceAccess.filterSearch(ctx, List.of(schedule), SchedulingQueryRoutes::scheduleScope).isEmpty()) {
                    for (String offered : type == null ? schedule.getAppointmentTypes() : List.of(type)) {
                        for (SchedulingQueryRoutes.FreeSlot slot : reads.freeSlots(stores, schedule, from, to, offered)) {
                            proposed.add(proposed(schedule.getFacilityId(), slot, offered, patientId, from, to));
                        }
                    }
                }
                proposed.sort(Comparator.comparing(Appointment::getStart).thenComparing(a -> a.getIdElement().getIdPart()));
                return FhirHttp.searchset(ctx, "Appointment", proposed, search);
            });
            return;
        }
        // A facility's providers live in every task: each instance offers its part, merged in time order.
        SecurityGate.require(ctx, ResourceScope.of(facilityId, null));
        Comparator<JsonNode> byTime = Comparator.<JsonNode, String>comparing(n -> n.get("start").asText())
            .thenComparing(n -> n.get("providerId").asText()).thenComparing(n -> n.get("type").asText());
        service().respondFromAll(ctx, SchedulingTopology.FACILITY_PROVIDERS_STORE, stores -> {
            List<Map<String, Object>> free = new ArrayList<>();
            for (ProviderSchedule schedule : ScheduleReads.facilitySchedules(stores, facilityId)) {
                for (String offered : type == null ? schedule.getAppointmentTypes() : List.of(type)) {
                    for (SchedulingQueryRoutes.FreeSlot slot : reads.freeSlots(stores, schedule, from, to, offered)) {
                        free.add(Map.of("providerId", slot.providerId(), "start", slot.start().toString(), "end", slot.end().toString(),
                            "type", offered));
                    }
                }
            }
            return free;
        }, byTime, gathered -> {
            List<Appointment> proposed = new ArrayList<>();
            for (JsonNode n : gathered) {
                proposed.add(proposed(facilityId, new SchedulingQueryRoutes.FreeSlot(n.get("providerId").asText(),
                    Instant.parse(n.get("start").asText()), Instant.parse(n.get("end").asText())), n.get("type").asText(), patientId, from, to));
            }
            return FhirHttp.searchset(ctx, "Appointment", proposed, search);
        });
    }

    private static Appointment proposed(String facilityId, SchedulingQueryRoutes.FreeSlot slot, String type, String patientId, Instant from, Instant to) {
        return SchedulingResources.proposed(new SchedulingResources.ProposedSlot(facilityId, slot.providerId(), slot.start(), type),
            slot.end(), patientId, from, to);
    }

    private void appointment(Context ctx) {
        String bookingId = FhirIds.opaque(ctx.pathParam("id"));
        service().respondFromOwner(ctx, SchedulingTopology.BOOKINGS_STORE, bookingId, stores -> {
            ValueAndTimestamp<BookingOutcome> booking = stores.store(SchedulingTopology.BOOKINGS_STORE,
                QueryableStoreTypes.<String, BookingOutcome>timestampedKeyValueStore()).get(bookingId);
            // Another's booking answers as none does (404), as on the JSON route.
            if (booking == null || booking.value() == null
                || ResourceAccess.filterConcealed(ctx, List.of(booking.value()), SchedulingQueryRoutes::bookingScope).isEmpty()) {
                return null;
            }
            return FhirHttp.rendered(SchedulingResources.appointment(booking.value()));
        });
    }

    private void appointments(Context ctx) {
        SearchRequest search = FhirHttp.search(ctx, SchedulingFhir.APPOINTMENT);
        String patientId = search.value("patient");
        String providerId = search.value("practitioner");
        DateBounds date = search.dates("date");
        List<String> statuses = search.values("status");
        if (patientId != null) {
            service().respondFromOwner(ctx, SchedulingTopology.PATIENT_APPOINTMENTS_STORE, patientId, stores -> {
                PatientAppointments stored = stores.store(SchedulingTopology.PATIENT_APPOINTMENTS_STORE,
                    QueryableStoreTypes.<String, PatientAppointments>keyValueStore()).get(patientId);
                List<PatientAppointment> visible = ResourceAccess.filterSearch(ctx, stored == null ? List.of() : stored.getAppointments(),
                    a -> SchedulingQueryRoutes.appointmentScope(patientId, a));
                List<Appointment> matches = new ArrayList<>();
                for (PatientAppointment a : visible) {
                    Appointment appointment = SchedulingResources.appointment(patientId, a.getBookingId(), a.getProviderId(), a.getFacilityId(),
                        a.getStart(), a.getEnd(), a.getAppointmentType(), a.getConfirmed(), a.getCancelled());
                    if (date.overlaps(a.getStart(), a.getEnd()) && (providerId == null || providerId.equals(a.getProviderId())) && status(statuses, appointment)) {
                        matches.add(appointment);
                    }
                }
                matches.sort(Comparator.comparing(Appointment::getStart));
                return FhirHttp.searchset(ctx, "Appointment", matches, search);
            });
            return;
        }
        service().respondFromOwner(ctx, SchedulingTopology.SCHEDULES_STORE, providerId, stores -> {
            // A provider's day for staff of its facility: its held and booked slots; the patient is not named here.
            List<ProviderSchedule> schedules = ResourceAccess.filterSearch(ctx, ScheduleReads.visibleSchedules(stores, providerId, s -> true),
                SchedulingQueryRoutes::scheduleScope);
            List<Appointment> matches = new ArrayList<>();
            for (ProviderSchedule schedule : schedules) {
                try (KeyValueIterator<String, SlotState> it = ScheduleReads.slots(stores).range(
                        SlotKeys.slot(schedule.getFacilityId(), providerId, date.from()), SlotKeys.slot(schedule.getFacilityId(), providerId, date.to()))) {
                    it.forEachRemaining(kv -> {
                        SlotState slot = kv.value;
                        if (slot.getBookingId() != null) {
                            Appointment appointment = SchedulingResources.providerAppointment(slot.getBookingId(), providerId, slot.getFacilityId(),
                                slot.getStart(), slot.getEnd(), slot.getStatus() == org.careflow.state.scheduling.SlotStatus.BOOKED);
                            if (status(statuses, appointment)) {
                                matches.add(appointment);
                            }
                        }
                    });
                }
            }
            matches.sort(Comparator.comparing(Appointment::getStart));
            return FhirHttp.searchset(ctx, "Appointment", matches, search);
        });
    }

    private static boolean status(List<String> statuses, Appointment appointment) {
        return statuses.isEmpty() || statuses.stream().anyMatch(s -> Tokens.matches(s, "http://hl7.org/fhir/appointmentstatus", appointment.getStatus().toCode()));
    }

    /** The code of a token ({@code system|code} or {@code code}). */
    private static String code(String token) {
        int bar = token.indexOf('|');
        return bar < 0 ? token : token.substring(bar + 1);
    }

    private InteractiveQueryService service() {
        return InteractiveQueryService.whenStarted(queries);
    }
}
