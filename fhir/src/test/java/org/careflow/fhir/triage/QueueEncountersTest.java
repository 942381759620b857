package org.careflow.fhir.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.careflow.events.triage.RiskBand;
import org.careflow.fhir.FhirResources;
import org.careflow.state.triage.TriageQueueEntry;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IntegerType;
import org.junit.jupiter.api.Test;

class QueueEncountersTest {

    @Test
    void shouldGiveAValidTriagedEncounterWithItsPriorityAndPlace() {
        TriageQueueEntry entry = TriageQueueEntry.newBuilder().setFacilityId("f-1").setPatientId("p-1").setSubmissionId("s-1")
            .setBand(RiskBand.HIGH).setQueueBand(RiskBand.HIGH).setScore(9).setRedFlags(List.of("chest-pain"))
            .setWaitingSince(Instant.parse("2026-12-01T09:00:00Z")).setSubmittedAt(Instant.parse("2026-12-01T09:00:00Z"))
            .setAssessedAt(Instant.parse("2026-12-01T09:00:01Z")).setReview(false).setReceivedAt(null).setLeftAt(null).build();

        Encounter encounter = QueueEncounters.of(entry, "assessment-abc_def", 2);

        assertThat(FhirResources.errors(encounter)).isEmpty();
        assertThat(encounter.getStatus()).isEqualTo(Encounter.EncounterStatus.TRIAGED);
        assertThat(encounter.getPriority().getCoding()).extracting("code").containsExactly("HIGH", "EM");
        assertThat(((IntegerType) encounter.getExtensionByUrl(QueueEncounters.POSITION_EXTENSION).getValue()).getValue()).isEqualTo(2);
        assertThat(encounter.getReasonReferenceFirstRep().getReference()).isEqualTo("Observation/assessment-abc.def-news2");
        assertThat(encounter.getReasonCodeFirstRep().getText()).isEqualTo("Red flag: chest-pain");
    }
}
