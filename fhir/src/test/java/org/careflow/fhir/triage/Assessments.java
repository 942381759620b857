package org.careflow.fhir.triage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.careflow.events.triage.ComponentScore;
import org.careflow.events.triage.ComponentStatus;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.FormScore;
import org.careflow.events.triage.MonitoringFrequency;
import org.careflow.events.triage.News2Score;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.RuleScore;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.VitalParameter;
import org.careflow.events.triage.VitalSigns;

/** Assessments as streams-triage stores them, for mapping tests: the points are given, not computed. */
final class Assessments {

    static final Instant SUBMITTED = Instant.parse("2026-12-01T09:00:00Z");
    static final Instant ASSESSED = Instant.parse("2026-12-01T09:00:02Z");

    private Assessments() {
    }

    /** Every vital sign measured: RR 24 (2), SpO2 95 scale 1 (1), air (0), SBP 105 (1), HR 112 (2), CONFUSION (3), 38.6 (1). */
    static TriageAssessment complete() {
        VitalSigns vitals = VitalSigns.newBuilder().setRespiratoryRate(24).setSpo2(95).setSpo2Scale(1).setOnSupplementalOxygen(false)
            .setSystolicBp(105).setHeartRate(112).setConsciousness(Consciousness.CONFUSION).setTemperature(38.6).build();
        List<ComponentScore> components = List.of(scored(VitalParameter.RESPIRATION_RATE, 2), scored(VitalParameter.SPO2, 1),
            scored(VitalParameter.AIR_OR_OXYGEN, 0), scored(VitalParameter.SYSTOLIC_BP, 1), scored(VitalParameter.PULSE, 2),
            scored(VitalParameter.CONSCIOUSNESS, 3), scored(VitalParameter.TEMPERATURE, 1));
        return assessment(vitals, components, 10, true, RiskBand.HIGH, List.of("chest-pain"));
    }

    /** Only the heart rate (HR 95: 1 point) and temperature (37.0: 0) measured. */
    static TriageAssessment incomplete() {
        VitalSigns vitals = VitalSigns.newBuilder().setHeartRate(95).setTemperature(37.0).build();
        List<ComponentScore> components = new ArrayList<>();
        for (VitalParameter p : VitalParameter.values()) {
            components.add(switch (p) {
                case PULSE -> scored(p, 1);
                case TEMPERATURE -> scored(p, 0);
                default -> ComponentScore.newBuilder().setParameter(p).setStatus(ComponentStatus.MISSING).setPoints(null).build();
            });
        }
        return assessment(vitals, components, 1, false, RiskBand.INCOMPLETE, List.of());
    }

    private static ComponentScore scored(VitalParameter parameter, int points) {
        return ComponentScore.newBuilder().setParameter(parameter).setStatus(ComponentStatus.SCORED).setPoints(points).build();
    }

    private static TriageAssessment assessment(VitalSigns vitals, List<ComponentScore> components, int total, boolean complete,
                                               RiskBand band, List<String> redFlags) {
        return TriageAssessment.newBuilder()
            .setEventId("assessment-Ab_cdEFghIJklMNopQRst_u")
            .setOccurredAt(ASSESSED)
            .setSubmissionId("s-1")
            .setPatientId("p:1_x")
            .setFacilityId("f-1")
            .setFormId("general")
            .setFormVersion(1)
            .setSubmittedAt(SUBMITTED)
            .setVitals(vitals)
            .setNews2(News2Score.newBuilder().setTotal(total).setComplete(complete).setComponents(components)
                .setBand(band).setMinimumBand(band).setMonitoring(MonitoringFrequency.CONTINUOUS).build())
            .setFormScore(FormScore.newBuilder().setPoints(2).setRules(List.of(RuleScore.newBuilder().setRuleId("r1").setPoints(2).build()))
                .setRedFlags(redFlags).build())
            .setBand(band)
            .setBandReason("NEWS2 total " + total)
            .setReview(null)
            .setReceivedAt(ASSESSED)
            .build();
    }
}
