package org.careflow.masterdata.query;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.masterdata.topology.MasterDataTopology;
import org.careflow.query.InteractiveQueryService;
import org.careflow.query.ResourceAccess;
import org.careflow.security.EndpointClass;
import org.careflow.security.ResourceScope;

/** streams-masterdata's read API: the schedule master data last published for a provider, from any instance. */
public final class MasterDataQueryRoutes {

    public static final String PROVIDER_PATH = "/v1/masterdata/providers/{providerId}";

    private final Supplier<InteractiveQueryService> queries;

    public MasterDataQueryRoutes(Supplier<InteractiveQueryService> queries) {
        this.queries = Objects.requireNonNull(queries, "queries");
    }

    public void register(JavalinConfig config) {
        config.routes.get(PROVIDER_PATH, this::provider, EndpointClass.MASTERDATA_READ);
    }

    private void provider(Context ctx) {
        InteractiveQueryService.whenStarted(queries).<ProviderSchedule>respondWithValue(ctx, MasterDataTopology.SCHEDULES_STORE,
            ctx.pathParam("providerId"), schedule -> {
                ResourceAccess.require(ctx, scope(schedule));
                return view(schedule);
            });
    }

    /** What a provider's master data belongs to: the facility of the schedule. */
    static ResourceScope scope(ProviderSchedule schedule) {
        return ResourceScope.of(schedule.getFacilityId(), null);
    }

    /** The schedule as JSON, in the shape the ingest API's {@code PUT /v1/providers/{id}/schedule} takes, with its event. */
    static Map<String, Object> view(ProviderSchedule schedule) {
        Map<String, List<Map<String, String>>> weekly = new LinkedHashMap<>();
        for (WeeklySession session : schedule.getWeeklyTemplate()) {
            weekly.computeIfAbsent(session.getDay().name(), d -> new ArrayList<>()).add(Map.of(
                "start", session.getHours().getStartTime().toString(), "end", session.getHours().getEndTime().toString()));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("providerId", schedule.getProviderId());
        view.put("facilityId", schedule.getFacilityId());
        view.put("timeZone", schedule.getTimeZone());
        view.put("slotMinutes", schedule.getSlotMinutes());
        view.put("appointmentTypes", List.copyOf(schedule.getAppointmentTypes()));
        view.put("weekly", weekly);
        view.put("eventId", schedule.getEventId());
        view.put("occurredAt", schedule.getOccurredAt().toString());
        return view;
    }
}
