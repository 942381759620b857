package org.careflow.fhir.triage;

import java.util.Date;
import org.careflow.events.triage.RiskBand;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.FhirIds;
import org.careflow.state.triage.TriageQueueEntry;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * A patient waiting in a facility's triage queue as a {@code triaged} Encounter: its priority from the band it is queued
 * by, its reason the NEWS2 total of the assessment that placed it, its period starting when the patient began to wait,
 * and its place in the queue as an extension (the searchset is in queue order too).
 */
public final class QueueEncounters {

    /** The patient's place in the queue, from 1 (valueInteger). */
    public static final String POSITION_EXTENSION = FhirCodes.BASE + "/StructureDefinition/queue-position";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority";

    private QueueEncounters() {
    }

    /**
     * The Encounter of {@code entry}, at {@code position}.
     *
     * @param assessmentId the opaque id of the assessment that queued the patient (the same id its Observations carry)
     */
    public static Encounter of(TriageQueueEntry entry, String assessmentId, int position) {
        String id = FhirIds.logical(assessmentId);
        Encounter e = new Encounter();
        e.setId(id + "-encounter");
        e.setStatus(Encounter.EncounterStatus.TRIAGED);
        e.setClass_(new Coding(ACT_CODE, "AMB", "ambulatory"));
        e.setSubject(FhirIds.patient(entry.getPatientId()));
        e.setServiceProvider(FhirIds.facility(entry.getFacilityId()));
        e.setPeriod(new Period().setStart(Date.from(entry.getWaitingSince())));
        CodeableConcept priority = new CodeableConcept()
            .addCoding(new Coding(FhirCodes.RISK_BAND_SYSTEM, entry.getQueueBand().name(), null));
        String[] act = priority(entry.getQueueBand());
        priority.addCoding(new Coding(ACT_PRIORITY, act[0], act[1])).setText(entry.getQueueBand().name());
        e.setPriority(priority);
        e.addReasonReference(new Reference("Observation/" + id + AssessmentResources.NEWS2_SUFFIX));
        e.addExtension(new Extension(POSITION_EXTENSION, new IntegerType(position)));
        for (String flag : entry.getRedFlags()) {
            e.addReasonCode(new CodeableConcept().setText("Red flag: " + flag));
        }
        if (entry.getReview()) {
            e.addReasonCode(new CodeableConcept().setText("Needs review by a person"));
        }
        e.getText().setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED);
        e.getText().setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Position " + position + ", band "
            + entry.getQueueBand().name() + ", score " + entry.getScore() + "</div>");
        return e;
    }

    /** The v3 priority nearest a queue band: HIGH is an emergency, MEDIUM and LOW_MEDIUM urgent, LOW routine. */
    private static String[] priority(RiskBand band) {
        return switch (band) {
            case HIGH -> new String[] {"EM", "emergency"};
            case MEDIUM, LOW_MEDIUM -> new String[] {"UR", "urgent"};
            // An incomplete assessment is not known to be routine: it waits as urgent until a person reviews it.
            case INCOMPLETE -> new String[] {"UR", "urgent"};
            case LOW -> new String[] {"R", "routine"};
        };
    }
}
