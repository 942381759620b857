package org.careflow.triage.query;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careflow.events.triage.ComponentScore;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.VitalSigns;
import org.careflow.triage.topology.TriageAssessor;

/**
 * The JSON shape of an assessment for dashboards: {@code score} is the NEWS2 total plus form points,
 * {@code news2Total} the NEWS2 part alone: NEWS2 components keyed by the same names the ingest API
 * takes the observations under, each with its value and points, or marked missing. {@code review} is null unless a
 * person must review the assessment ({@code FORM_UNAVAILABLE}); {@code receivedAt} is careflow's clock, {@code submittedAt}
 * the client's.
 */
public record AssessmentView(String patientId, String submissionId, String facilityId, String formId, Integer formVersion,
                             int score, int news2Total, String band, String minimumBand, boolean complete, String monitoring,
                             Map<String, Component> components, FormPart form, String bandReason, String review,
                             Instant submittedAt, Instant receivedAt, Instant assessedAt) {

    /** One NEWS2 parameter: its observed value and points; {@code status} says MISSING or NOT_SCORABLE when points is null. */
    public record Component(Object value, Integer points, String status) {
    }

    /** Points and red flags from the facility's form rules. */
    public record FormPart(int points, Map<String, Integer> rules, List<String> redFlags) {
    }

    public static AssessmentView of(TriageAssessment a) {
        Map<String, Component> components = new LinkedHashMap<>();
        for (ComponentScore c : a.getNews2().getComponents()) {
            String name = fieldName(c);
            components.put(name, new Component(value(a.getVitals(), c), c.getPoints(), c.getStatus().name()));
        }
        FormPart form = null;
        if (a.getFormScore() != null) {
            Map<String, Integer> rules = new LinkedHashMap<>();
            a.getFormScore().getRules().forEach(r -> rules.put(r.getRuleId(), r.getPoints()));
            form = new FormPart(a.getFormScore().getPoints(), rules, List.copyOf(a.getFormScore().getRedFlags()));
        }
        return new AssessmentView(a.getPatientId(), a.getSubmissionId(), a.getFacilityId(), a.getFormId(), a.getFormVersion(),
            TriageAssessor.score(a), a.getNews2().getTotal(), a.getBand().name(), a.getNews2().getMinimumBand().name(), a.getNews2().getComplete(),
            a.getNews2().getMonitoring().name(), components, form, a.getBandReason(), a.getReview() == null ? null : a.getReview().name(),
            a.getSubmittedAt(), a.getReceivedAt(), a.getOccurredAt());
    }

    private static String fieldName(ComponentScore c) {
        return switch (c.getParameter()) {
            case RESPIRATION_RATE -> "respiratoryRate";
            case SPO2 -> "spo2";
            case AIR_OR_OXYGEN -> "onSupplementalOxygen";
            case SYSTOLIC_BP -> "systolicBp";
            case PULSE -> "heartRate";
            case CONSCIOUSNESS -> "consciousness";
            case TEMPERATURE -> "temperature";
        };
    }

    private static Object value(VitalSigns v, ComponentScore c) {
        return switch (c.getParameter()) {
            case RESPIRATION_RATE -> v.getRespiratoryRate();
            case SPO2 -> v.getSpo2();
            case AIR_OR_OXYGEN -> v.getOnSupplementalOxygen();
            case SYSTOLIC_BP -> v.getSystolicBp();
            case PULSE -> v.getHeartRate();
            case CONSCIOUSNESS -> v.getConsciousness() == null ? null : v.getConsciousness().name();
            case TEMPERATURE -> v.getTemperature();
        };
    }
}
