package org.careflow.fhir.audit;

import java.util.Date;
import java.util.List;
import org.careflow.events.security.AccessOutcome;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.FhirIds;
import org.careflow.fhir.search.ResourceSupport;
import org.careflow.fhir.search.SearchParam;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * careflow's data-access audit (one record per read of patient or facility data, whatever its outcome) as FHIR
 * AuditEvents: the caller as the requesting agent (its token's subject as {@code altId}, its role, the instance that
 * forwarded the read as a second agent), the app and instance as the source, the patient and facilities read as
 * entities, the outcome as FHIR's outcome codes with careflow's reason.
 */
public final class AuditEvents {

    static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    public static final String ROLE_SYSTEM = FhirCodes.BASE + "/CodeSystem/role";
    public static final String SUBJECT_SYSTEM = FhirCodes.BASE + "/sid/token-subject";

    public static final ResourceSupport SUPPORT = ResourceSupport.of("AuditEvent")
        .search(SearchParam.of("date", SearchParam.Type.DATE, "AuditEvent.recorded", "When the read was answered; the last 24 hours when not given, at most 31 days"),
            SearchParam.reference("patient", "Patient", "AuditEvent.entity.what", "Reads of this patient's data"),
            SearchParam.of("outcome", SearchParam.Type.TOKEN, "AuditEvent.outcome", "0 allowed, 4 refused or not found, 8 unavailable or failed"),
            SearchParam.of("altid", SearchParam.Type.TOKEN, "AuditEvent.agent.altId", "The caller: its token's subject"))
        .documentation("Every read of patient or facility data, by anyone, through any instance, newest first: ops only. "
            + "Kept for audit.retention.days by streams-masterdata; the complete archive is the audit_events table.")
        .build();

    private AuditEvents() {
    }

    /** The FHIR outcome code of careflow's outcome. */
    public static String outcome(AccessOutcome outcome) {
        return switch (outcome) {
            case ALLOWED -> "0";
            case DENIED, NOT_FOUND -> "4";
            case UNAVAILABLE, ERROR -> "8";
        };
    }

    public static AuditEvent of(DataAccessAudit audit) {
        AuditEvent event = new AuditEvent();
        event.setId(FhirIds.logical(audit.getEventId().replaceAll("[^A-Za-z0-9\\-_]", "-")));
        event.setType(new Coding(EVENT_TYPE, "rest", "RESTful Operation"));
        boolean read = "GET".equals(audit.getMethod());
        event.addSubtype(new Coding(INTERACTION, read ? "read" : "operation", read ? "read" : "operation"));
        event.setAction(read ? AuditEvent.AuditEventAction.R : AuditEvent.AuditEventAction.E);
        event.setRecorded(Date.from(audit.getOccurredAt()));
        event.setOutcome(AuditEvent.AuditEventOutcome.fromCode(outcome(audit.getOutcome())));
        event.setOutcomeDesc(audit.getOutcome().name() + " " + audit.getStatus() + (audit.getReason() == null ? "" : ": " + audit.getReason()));
        AuditEvent.AuditEventAgentComponent caller = event.addAgent().setRequestor(true).setAltId(audit.getSubject());
        caller.setWho(new Reference().setIdentifier(new Identifier().setSystem(SUBJECT_SYSTEM).setValue(audit.getSubject()))
            .setDisplay(audit.getClientId()));
        caller.addRole(new CodeableConcept().addCoding(new Coding(ROLE_SYSTEM, audit.getRole().name(), null)));
        if (audit.getForwardedBy() != null) {
            event.addAgent().setRequestor(false).setWho(new Reference().setDisplay("careflow instance " + audit.getForwardedBy()))
                .setType(new CodeableConcept().setText("forwarded the request"));
        }
        event.getSource().setSite(audit.getApp()).setObserver(new Reference().setDisplay(audit.getApp() + " " + audit.getInstance()))
            .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
        String described = audit.getMethod() + " " + audit.getEndpoint() + " (" + audit.getEndpointClass() + ")";
        if (audit.getPatientId() != null) {
            event.addEntity().setWhat(FhirIds.patient(audit.getPatientId())).setType(new Coding(ENTITY_TYPE, "1", "Person"))
                .setDescription(described);
        }
        List<String> facilities = audit.getFacilityIds();
        for (String facility : facilities) {
            event.addEntity().setWhat(FhirIds.facility(facility)).setType(new Coding(ENTITY_TYPE, "3", "Organization"));
        }
        if (audit.getPatientId() == null && facilities.isEmpty()) {
            event.addEntity().setDescription(described).setType(new Coding(ENTITY_TYPE, "4", "Other"));
        }
        return event;
    }
}
