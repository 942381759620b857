package org.careflow.triage;

import java.time.Instant;
import java.util.Map;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;

/** Submissions for tests. */
public final class TriageFixtures {

    private TriageFixtures() {
    }

    /** The README's example: RR 22, SpO2 93 on air, SBP 105, HR 95, alert, 38.4 °C, which the NEWS2 chart scores 7 (HIGH). */
    public static VitalSigns exampleVitals() {
        return VitalSigns.newBuilder()
            .setRespiratoryRate(22).setSpo2(93).setSpo2Scale(1).setOnSupplementalOxygen(false)
            .setSystolicBp(105).setHeartRate(95).setConsciousness(Consciousness.ALERT).setTemperature(38.4)
            .build();
    }

    /** Normal observations, which the chart scores 0 (LOW). */
    public static VitalSigns normalVitals() {
        return VitalSigns.newBuilder()
            .setRespiratoryRate(16).setSpo2(98).setSpo2Scale(1).setOnSupplementalOxygen(false)
            .setSystolicBp(120).setHeartRate(70).setConsciousness(Consciousness.ALERT).setTemperature(37.0)
            .build();
    }

    public static TriageSubmission submission(String submissionId, String patientId, Instant submittedAt, VitalSigns vitals) {
        return TriageSubmission.newBuilder()
            .setEventId(submissionId).setSubmissionId(submissionId).setOccurredAt(submittedAt.plusSeconds(1))
            .setPatientId(patientId).setFacilityId("f-1").setFormId("general-v1").setChannel(SubmissionChannel.WHATSAPP)
            .setSubmittedAt(submittedAt).setVitals(vitals).setAnswers(Map.of())
            .build();
    }
}
