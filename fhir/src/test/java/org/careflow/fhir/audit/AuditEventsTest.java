package org.careflow.fhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.careflow.events.security.AccessOutcome;
import org.careflow.events.security.AccessRole;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.fhir.FhirResources;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;

class AuditEventsTest {

    @Test
    void shouldGiveAValidAuditEventNamingTheCallerThePatientAndTheOutcome() {
        AuditEvent event = AuditEvents.of(audit(AccessOutcome.DENIED, "p-1", "instance-b:8081"));

        assertThat(FhirResources.errors(event)).isEmpty();
        assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(event.getAgentFirstRep().getAltId()).isEqualTo("clinician-7");
        assertThat(event.getAgent()).hasSize(2);
        assertThat(event.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("p-1");
        assertThat(event.getOutcomeDesc()).contains("facility-out-of-scope");
    }

    @Test
    void shouldStayValidForAReadOfNoPatientOrFacility() {
        DataAccessAudit audit = audit(AccessOutcome.ALLOWED, null, null);
        audit.setFacilityIds(List.of());

        assertThat(FhirResources.errors(AuditEvents.of(audit))).isEmpty();
    }

    private static DataAccessAudit audit(AccessOutcome outcome, String patientId, String forwardedBy) {
        return DataAccessAudit.newBuilder().setEventId("3f2a7c1e-0b9d-4c55-9a57-1d3c2b4a5e6f").setOccurredAt(Instant.parse("2026-12-01T09:00:00Z"))
            .setSubject("clinician-7").setClientId("ward-app").setRole(AccessRole.CLINICIAN).setTokenId("jti-1").setApp("streams-triage")
            .setInstance("instance-a:8081").setForwardedBy(forwardedBy).setMethod("GET").setEndpoint("/v1/patients/{patientId}/triage")
            .setEndpointClass("PATIENT_TRIAGE_READ").setPatientId(patientId).setFacilityIds(List.of("F1")).setResourceId(null)
            .setOutcome(outcome).setStatus(outcome == AccessOutcome.ALLOWED ? 200 : 404).setReason(outcome == AccessOutcome.ALLOWED ? null : "facility-out-of-scope")
            .build();
    }
}
