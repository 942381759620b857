package org.careflow.triage.query;

import org.careflow.validation.FieldError;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.forms.BuiltInForms;
import org.careflow.query.InteractiveQueryService;
import org.careflow.query.InteractiveQueryService.LocalStores;
import org.careflow.http.ProblemException;
import org.careflow.http.QueryParams;
import org.careflow.query.ResourceAccess;
import org.careflow.security.EndpointClass;
import org.careflow.security.ResourceScope;
import org.careflow.state.triage.FacilityHourStats;
import org.careflow.state.triage.PatientTriageEntry;
import org.careflow.triage.topology.PatientEntries;
import org.careflow.state.triage.TriageQueueEntry;
import org.careflow.triage.topology.QueueKeys;
import org.careflow.triage.topology.TriageKeys;
import org.careflow.triage.topology.TriageTopology;

/** streams-triage's read API, answered from the stores of whichever instance owns the patient or facility. */
public final class TriageQueryRoutes {

    public static final String PATIENT_TRIAGE_PATH = "/v1/patients/{patientId}/triage";
    public static final String PATIENT_HISTORY_PATH = "/v1/patients/{patientId}/triage/history";
    public static final String FACILITY_QUEUE_PATH = "/v1/facilities/{facilityId}/queue";
    public static final String FACILITY_STATS_PATH = "/v1/facilities/{facilityId}/stats";
    public static final String FORM_PATH = "/v1/forms/{formId}";

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    static final Duration DEFAULT_STATS_RANGE = Duration.ofHours(24);
    static final Duration MAX_STATS_RANGE = Duration.ofDays(31);

    private final Supplier<InteractiveQueryService> queries;
    private final Supplier<Instant> clock;

    /** {@code queries} yields null until the stream processor exists; requests are answered 503 until then. */
    public TriageQueryRoutes(Supplier<InteractiveQueryService> queries, Supplier<Instant> clock) {
        this.queries = queries;
        this.clock = clock;
    }

    public TriageQueryRoutes(Supplier<InteractiveQueryService> queries) {
        this(queries, Instant::now);
    }

    public void register(JavalinConfig config) {
        config.routes.get(PATIENT_TRIAGE_PATH, this::latest, EndpointClass.PATIENT_TRIAGE_READ);
        config.routes.get(PATIENT_HISTORY_PATH, this::history, EndpointClass.PATIENT_TRIAGE_READ);
        // The path's facility is checked by the gate before the store is read.
        config.routes.get(FACILITY_QUEUE_PATH, this::queue, EndpointClass.FACILITY_TRIAGE_READ);
        config.routes.get(FACILITY_STATS_PATH, this::stats, EndpointClass.FACILITY_TRIAGE_READ);
        config.routes.get(FORM_PATH, this::form, EndpointClass.FORM_READ);
    }

    /** The versions of a form scoring can use here: what the global table of forms holds (plus built-ins). */
    private void form(Context ctx) {
        String formId = ctx.pathParam("formId");
        service().respondLocally(ctx, stores -> {
            List<Integer> versions = new ArrayList<>();
            BuiltInForms.find(formId, null).ifPresent(f -> versions.add(f.getVersion()));
            ReadOnlyKeyValueStore<String, ValueAndTimestamp<FormDefinition>> forms =
                stores.store(TriageTopology.FORMS_STORE, QueryableStoreTypes.<String, FormDefinition>timestampedKeyValueStore());
            try (KeyValueIterator<String, ValueAndTimestamp<FormDefinition>> it = forms.prefixScan(formId + "@", new StringSerializer())) {
                it.forEachRemaining(kv -> versions.add(kv.value.value().getVersion()));
            }
            versions.sort(null);
            return versions.isEmpty() ? null : Map.of("formId", formId, "versions", versions, "latest", versions.get(versions.size() - 1));
        });
    }

    /**
     * The newest assessment the caller may see: a clinician's is the newest received at one of their facilities. A
     * patient with no assessment the caller may read is 404, whether none exists or all are another facility's.
     */
    private void latest(Context ctx) {
        String patientId = ctx.pathParam("patientId");
        service().respondFromOwner(ctx, TriageTopology.PATIENT_HISTORY_STORE, patientId, stores -> {
            List<TriageAssessment> visible = visible(ctx, latestAssessments(stores, patientId));
            return visible.isEmpty() ? null : AssessmentView.of(visible.get(0));
        });
    }

    /** The caller's view of a patient's history, newest received first: a clinician sees only their facilities'. */
    private void history(Context ctx) {
        int limit = limit(ctx);
        String patientId = ctx.pathParam("patientId");
        service().respondFromOwner(ctx, TriageTopology.PATIENT_HISTORY_STORE, patientId, stores -> {
            List<TriageAssessment> visible = visible(ctx, assessments(stores, patientId));
            if (visible.isEmpty()) {
                return null;
            }
            List<AssessmentView> views = new ArrayList<>();
            for (TriageAssessment a : visible.subList(0, Math.min(limit, visible.size()))) {
                views.add(AssessmentView.of(a));
            }
            return Map.of("patientId", patientId, "assessments", views);
        });
    }

    /** The patient's newest assessment at each facility, newest received (assessed) first: one entry read per facility. */
    static List<TriageAssessment> latestAssessments(LocalStores stores, String patientId) {
        return assessments(stores, patientId, PatientEntries.LATEST);
    }

    /** Every assessment of the patient's histories at every facility, newest received (assessed) first. */
    static List<TriageAssessment> assessments(LocalStores stores, String patientId) {
        return assessments(stores, patientId, PatientEntries.HISTORY);
    }

    private static List<TriageAssessment> assessments(LocalStores stores, String patientId, PatientEntries kind) {
        ReadOnlyKeyValueStore<String, PatientTriageEntry> store =
            stores.store(TriageTopology.PATIENT_HISTORY_STORE, QueryableStoreTypes.<String, PatientTriageEntry>keyValueStore());
        return newestFirst(PatientEntries.read(store, patientId, kind));
    }

    private static List<TriageAssessment> newestFirst(List<TriageAssessment> inReceiptOrder) {
        return newestFirst(inReceiptOrder, TriageAssessment::getOccurredAt);
    }

    /**
     * Newest assessed first. Assessments of the same millisecond (a replay assesses many at once) keep the order careflow
     * received them in, newest received first: the store reads each facility's history oldest first.
     */
    static <T> List<T> newestFirst(List<T> inReceiptOrder, Function<T, Instant> assessedAt) {
        List<T> out = new ArrayList<>(inReceiptOrder);
        Collections.reverse(out);
        out.sort(Comparator.comparing(assessedAt).reversed());
        return out;
    }

    /** The assessments the caller may read; none readable though some exist is the same 404 as none at all. */
    static List<TriageAssessment> visible(Context ctx, List<TriageAssessment> assessments) {
        return ResourceAccess.filterConcealed(ctx, assessments, TriageQueryRoutes::scopeOf);
    }

    /** What an assessment belongs to: the facility it was made at and its patient. */
    static ResourceScope scopeOf(TriageAssessment assessment) {
        return ResourceScope.of(assessment.getFacilityId(), assessment.getPatientId());
    }

    private void queue(Context ctx) {
        String facilityId = ctx.pathParam("facilityId");
        int limit = limit(ctx);
        Instant now = clock.get();
        service().respondFromOwner(ctx, TriageTopology.QUEUE_STORE, facilityId, stores -> {
            List<QueueView.Entry> entries = new ArrayList<>();
            int waiting = 0;
            try (KeyValueIterator<String, TriageQueueEntry> it = queueStore(stores).prefixScan(QueueKeys.facilityPrefix(facilityId), new StringSerializer())) {
                while (it.hasNext()) {
                    TriageQueueEntry entry = it.next().value;
                    waiting++;
                    if (entries.size() < limit) {
                        entries.add(QueueView.Entry.of(entries.size() + 1, entry, now));
                    }
                }
            }
            return new QueueView(facilityId, now, waiting, entries);
        });
    }

    private void stats(Context ctx) {
        String facilityId = ctx.pathParam("facilityId");
        Instant now = clock.get();
        Instant to = instantParam(ctx, "to", now);
        Instant from = instantParam(ctx, "from", to.minus(DEFAULT_STATS_RANGE));
        if (!from.isBefore(to) || Duration.between(from, to).compareTo(MAX_STATS_RANGE) > 0) {
            throw ProblemException.invalid(List.of(new FieldError("from",
                "must be before 'to' and at most " + MAX_STATS_RANGE.toDays() + " days earlier")));
        }
        service().respondFromOwner(ctx, TriageTopology.FACILITY_STATS_STORE, facilityId, stores -> {
            ReadOnlyWindowStore<String, FacilityHourStats> window =
                stores.store(TriageTopology.FACILITY_STATS_STORE, QueryableStoreTypes.<String, FacilityHourStats>windowStore());
            List<StatsView.Hour> hours = new ArrayList<>();
            // Windows are found by their start: an hour overlapping 'from' starts up to an hour before it.
            try (WindowStoreIterator<FacilityHourStats> it = window.fetch(facilityId, from.minus(Duration.ofHours(1)).plusMillis(1), to.minusMillis(1))) {
                while (it.hasNext()) {
                    var kv = it.next();
                    FacilityHourStats s = kv.value;
                    hours.add(new StatsView.Hour(Instant.ofEpochMilli(kv.key), new TreeMap<>(s.getSubmissionsByBand()),
                        Math.max(s.getLeft(), s.getMinutesToBeSeen().size()), StatsView.percentile(s.getMinutesToBeSeen(), 50),
                        StatsView.percentile(s.getMinutesToBeSeen(), 90)));
                }
            }
            Map<String, Integer> waitingNow = new LinkedHashMap<>();
            try (KeyValueIterator<String, TriageQueueEntry> it = queueStore(stores).prefixScan(QueueKeys.facilityPrefix(facilityId), new StringSerializer())) {
                it.forEachRemaining(kv -> waitingNow.merge(kv.value.getBand().name(), 1, Integer::sum));
            }
            return new StatsView(facilityId, from, to, waitingNow, hours);
        });
    }

    private static ReadOnlyKeyValueStore<String, TriageQueueEntry> queueStore(LocalStores stores) {
        return stores.store(TriageTopology.QUEUE_STORE, QueryableStoreTypes.<String, TriageQueueEntry>keyValueStore());
    }

    private static int limit(Context ctx) {
        return QueryParams.limit(ctx, "limit", DEFAULT_LIMIT, MAX_LIMIT);
    }

    private static Instant instantParam(Context ctx, String name, Instant fallback) {
        return QueryParams.instant(ctx, name, fallback);
    }

    private InteractiveQueryService service() {
        return InteractiveQueryService.whenStarted(queries);
    }
}
