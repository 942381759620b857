package org.careflow.fhir.triage;

import java.util.List;
import org.careflow.fhir.search.ResourceSupport;
import org.careflow.fhir.search.SearchParam;

/** What streams-triage's FHIR interface serves, for its routes and its CapabilityStatement alike. */
public final class TriageFhir {

    public static final ResourceSupport OBSERVATION = ResourceSupport.of("Observation")
        .search(SearchParam.reference("patient", "Patient", "Observation.subject", "The patient (careflow's patient id): required"),
            SearchParam.of("category", SearchParam.Type.TOKEN, "Observation.category", "vital-signs (each vital sign) or survey (the NEWS2 total)"),
            SearchParam.of("code", SearchParam.Type.TOKEN, "Observation.code", "LOINC or SNOMED CT code, e.g. http://loinc.org|9279-1"),
            SearchParam.of("date", SearchParam.Type.DATE, "Observation.effective", "When the vital signs were taken (the submission's time)"))
        .requireOneOf("patient")
        .documentation("Vital signs and NEWS2 totals of the patient's assessments the caller may see, newest first; the "
            + "NEWS2 total's components are each parameter's points, or a data-absent reason when it could not be scored.")
        .build();

    public static final ResourceSupport RISK_ASSESSMENT = ResourceSupport.of("RiskAssessment")
        .search(SearchParam.reference("patient", "Patient", "RiskAssessment.subject", "The patient (careflow's patient id): required"),
            SearchParam.of("date", SearchParam.Type.DATE, "RiskAssessment.occurrence", "When careflow assessed the submission"))
        .requireOneOf("patient")
        .documentation("Each assessment's risk band (careflow's code and the nearest standard likelihood), monitoring "
            + "frequency as mitigation, red flags as notes; basis: the NEWS2 total and the vital signs. Newest first.")
        .build();

    public static final ResourceSupport QUESTIONNAIRE = ResourceSupport.of("Questionnaire").read()
        .search(SearchParam.of("facility", SearchParam.Type.TOKEN, "Questionnaire.useContext",
                "careflow's facility id: the forms a patient may submit there (the facility's own and the global ones)"),
            SearchParam.of("identifier", SearchParam.Type.TOKEN, "Questionnaire.identifier", "careflow's form id"))
        .requireOneOf("facility", "identifier")
        .documentation("Triage forms, newest version of each; read a version as Questionnaire/{formId}.{version}. The vital "
            + "signs are items of the group 'vitals', linkIds as the JSON API names them.")
        .build();

    public static final ResourceSupport ENCOUNTER = ResourceSupport.of("Encounter")
        .search(SearchParam.reference("service-provider", "Organization", "Encounter.serviceProvider", "The facility (careflow's facility id): required"),
            SearchParam.of("status", SearchParam.Type.TOKEN, "Encounter.status", "triaged: the patients waiting"))
        .requireOneOf("service-provider")
        .documentation("The facility's live triage queue, in careflow's order (band, then waiting time): one triaged "
            + "Encounter per waiting patient, its priority from the band and its reason the NEWS2 total.")
        .build();

    /** Served by the ingest API, which writes submissions. */
    public static final ResourceSupport QUESTIONNAIRE_RESPONSE = ResourceSupport.of("QuestionnaireResponse").create()
        .documentation("A completed triage form: becomes the same event as POST /v1/triage-submissions, checked by the "
            + "same rules. 202 once Kafka holds it (the assessment follows as RiskAssessment and Observations on "
            + "streams-triage); not stored as a resource, so there is no read.")
        .build();

    /** Everything streams-triage serves. */
    public static final List<ResourceSupport> ALL = List.of(OBSERVATION, RISK_ASSESSMENT, QUESTIONNAIRE, ENCOUNTER);

    private TriageFhir() {
    }
}
