package org.careflow.triage.query;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.fhir.CapabilityStatements;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.http.FhirHttp;
import org.careflow.fhir.search.SearchRequest;
import org.careflow.fhir.search.Tokens;
import org.careflow.fhir.triage.AssessmentResources;
import org.careflow.fhir.triage.QueueEncounters;
import org.careflow.fhir.triage.Questionnaires;
import org.careflow.fhir.triage.TriageFhir;
import org.careflow.forms.BuiltInForms;
import org.careflow.forms.FormKey;
import org.careflow.http.ProblemException;
import org.careflow.query.InteractiveQueryService;
import org.careflow.query.InteractiveQueryService.LocalStores;
import org.careflow.query.ResourceAccess;
import org.careflow.security.EndpointClass;
import org.careflow.security.FhirInteraction;
import org.careflow.security.ResourceScope;
import org.careflow.state.triage.TriageQueueEntry;
import org.careflow.triage.topology.QueueKeys;
import org.careflow.triage.topology.TriageAssessor;
import org.careflow.triage.topology.TriageTopology;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * streams-triage's FHIR R4 interface ({@code /fhir/R4}): the same stores, owners, access checks and audit as its JSON
 * routes ({@link TriageQueryRoutes}), answered as FHIR resources. What it serves is declared once in {@link TriageFhir}.
 */
public final class TriageFhirRoutes {

    public static final String METADATA_PATH = FhirHttp.BASE_PATH + "/metadata";
    public static final String OBSERVATION_PATH = FhirHttp.BASE_PATH + "/Observation";
    public static final String RISK_ASSESSMENT_PATH = FhirHttp.BASE_PATH + "/RiskAssessment";
    public static final String QUESTIONNAIRE_SEARCH_PATH = FhirHttp.BASE_PATH + "/Questionnaire";
    public static final String QUESTIONNAIRE_PATH = FhirHttp.BASE_PATH + "/Questionnaire/{id}";
    public static final String ENCOUNTER_PATH = FhirHttp.BASE_PATH + "/Encounter";

    private final Supplier<InteractiveQueryService> queries;
    private final CapabilityStatement capabilities;

    public TriageFhirRoutes(Supplier<InteractiveQueryService> queries) {
        this.queries = queries;
        this.capabilities = CapabilityStatements.of("streams-triage", TriageFhir.ALL);
    }

    public void register(JavalinConfig config) {
        config.routes.get(METADATA_PATH, ctx -> FhirHttp.respond(ctx, 200, capabilities), EndpointClass.PUBLIC);
        config.routes.get(OBSERVATION_PATH, this::observations, EndpointClass.PATIENT_TRIAGE_READ, FhirInteraction.search("Observation"));
        config.routes.get(RISK_ASSESSMENT_PATH, this::riskAssessments, EndpointClass.PATIENT_TRIAGE_READ, FhirInteraction.search("RiskAssessment"));
        config.routes.get(QUESTIONNAIRE_SEARCH_PATH, this::questionnaires, EndpointClass.FORM_READ, FhirInteraction.search("Questionnaire"));
        config.routes.get(QUESTIONNAIRE_PATH, this::questionnaire, EndpointClass.FORM_READ, FhirInteraction.read("Questionnaire"));
        // The facility is a search parameter, not a path segment: checked against the caller on the owner, before the read.
        config.routes.get(ENCOUNTER_PATH, this::queue, EndpointClass.FACILITY_TRIAGE_READ, FhirInteraction.search("Encounter"));
    }

    private void observations(Context ctx) {
        SearchRequest search = FhirHttp.search(ctx, TriageFhir.OBSERVATION);
        String patientId = search.value("patient");
        service().respondFromOwner(ctx, TriageTopology.PATIENT_HISTORY_STORE, patientId, stores -> {
            List<Observation> matches = new ArrayList<>();
            for (TriageAssessment assessment : visible(ctx, stores, patientId)) {
                AssessmentResources resources = AssessmentResources.of(assessment);
                List<Observation> observations = new ArrayList<>();
                observations.add(resources.news2());
                observations.addAll(resources.vitals());
                for (Observation o : observations) {
                    if (Tokens.anyMatches(search.values("category"), o.getCategory())
                        && Tokens.anyMatches(search.values("code"), List.of(o.getCode()))
                        && search.dates("date").contains(assessment.getSubmittedAt())) {
                        matches.add(o);
                    }
                }
            }
            return FhirHttp.searchset(ctx, "Observation", matches, search);
        });
    }

    private void riskAssessments(Context ctx) {
        SearchRequest search = FhirHttp.search(ctx, TriageFhir.RISK_ASSESSMENT);
        String patientId = search.value("patient");
        service().respondFromOwner(ctx, TriageTopology.PATIENT_HISTORY_STORE, patientId, stores -> {
            List<RiskAssessment> matches = new ArrayList<>();
            for (TriageAssessment assessment : visible(ctx, stores, patientId)) {
                if (search.dates("date").contains(assessment.getOccurredAt())) {
                    matches.add(AssessmentResources.of(assessment).risk());
                }
            }
            return FhirHttp.searchset(ctx, "RiskAssessment", matches, search);
        });
    }

    /** The patient's assessments the caller may read, newest first; those of other facilities are left out, never hinted at. */
    private static List<TriageAssessment> visible(Context ctx, LocalStores stores, String patientId) {
        return ResourceAccess.filterSearch(ctx, TriageQueryRoutes.assessments(stores, patientId), TriageQueryRoutes::scopeOf);
    }

    private void queue(Context ctx) {
        SearchRequest search = FhirHttp.search(ctx, TriageFhir.ENCOUNTER);
        String facilityId = search.value("service-provider");
        List<String> statuses = search.values("status");
        service().respondFromOwner(ctx, TriageTopology.QUEUE_STORE, facilityId, stores -> {
            ResourceAccess.require(ctx, ResourceScope.of(facilityId, null));
            List<Encounter> waiting = new ArrayList<>();
            if (statuses.isEmpty() || statuses.stream().anyMatch(s -> Tokens.matches(s, "http://hl7.org/fhir/encounter-status", "triaged"))) {
                ReadOnlyKeyValueStore<String, TriageQueueEntry> queue =
                    stores.store(TriageTopology.QUEUE_STORE, QueryableStoreTypes.<String, TriageQueueEntry>keyValueStore());
                try (KeyValueIterator<String, TriageQueueEntry> it = queue.prefixScan(QueueKeys.facilityPrefix(facilityId), new StringSerializer())) {
                    while (it.hasNext()) {
                        TriageQueueEntry e = it.next().value;
                        String assessmentId = TriageAssessor.eventId(e.getFacilityId(), e.getPatientId(), e.getSubmissionId());
                        waiting.add(QueueEncounters.of(e, assessmentId, waiting.size() + 1));
                    }
                }
            }
            return FhirHttp.searchset(ctx, "Encounter", waiting, search);
        });
    }

    private void questionnaire(Context ctx) {
        String id = ctx.pathParam("id");
        int dot = id.lastIndexOf('.');
        Integer version = dot < 0 ? null : parseVersion(id.substring(dot + 1));
        if (version == null) {
            throw ProblemException.notFound("Questionnaire ids are {formId}.{version}; no form has the id " + id);
        }
        String formId = id.substring(0, dot);
        service().respondLocally(ctx, stores -> form(stores, formId, version)
            .map(form -> (Object) FhirHttp.rendered(Questionnaires.of(form))).orElse(null));
    }

    private void questionnaires(Context ctx) {
        SearchRequest search = FhirHttp.search(ctx, TriageFhir.QUESTIONNAIRE);
        List<String> facilities = search.values("facility");
        List<String> formIds = search.values("identifier");
        service().respondLocally(ctx, stores -> {
            // The newest version of each form usable at the facilities asked for (the global forms included).
            Map<String, FormDefinition> newest = new TreeMap<>();
            List<FormDefinition> all = new ArrayList<>();
            BuiltInForms.find(BuiltInForms.GENERAL_V1_ID, null).ifPresent(all::add);
            try (KeyValueIterator<String, ValueAndTimestamp<FormDefinition>> it = forms(stores).all()) {
                it.forEachRemaining(kv -> all.add(kv.value.value()));
            }
            for (FormDefinition form : all) {
                boolean facilityOk = facilities.isEmpty() || form.getFacilityId() == null || facilities.contains(form.getFacilityId());
                boolean idOk = formIds.isEmpty() || formIds.stream().anyMatch(t -> Tokens.matches(t, FhirCodes.FORM_ID_SYSTEM, form.getFormId()));
                if (facilityOk && idOk) {
                    newest.merge(form.getFormId(), form, (a, b) -> a.getVersion() >= b.getVersion() ? a : b);
                }
            }
            List<Questionnaire> matches = newest.values().stream().map(Questionnaires::of).toList();
            return FhirHttp.searchset(ctx, "Questionnaire", matches, search);
        });
    }

    private static Optional<FormDefinition> form(LocalStores stores, String formId, int version) {
        Optional<FormDefinition> builtIn = BuiltInForms.find(formId, version);
        if (builtIn.isPresent()) {
            return builtIn;
        }
        ValueAndTimestamp<FormDefinition> stored = forms(stores).get(FormKey.of(formId, version));
        return Optional.ofNullable(stored).map(ValueAndTimestamp::value);
    }

    private static ReadOnlyKeyValueStore<String, ValueAndTimestamp<FormDefinition>> forms(LocalStores stores) {
        return stores.store(TriageTopology.FORMS_STORE, QueryableStoreTypes.<String, FormDefinition>timestampedKeyValueStore());
    }

    private static Integer parseVersion(String digits) {
        try {
            int version = Integer.parseInt(digits);
            return version >= 1 ? version : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private InteractiveQueryService service() {
        return InteractiveQueryService.whenStarted(queries);
    }

}
