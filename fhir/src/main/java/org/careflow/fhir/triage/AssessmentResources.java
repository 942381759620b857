package org.careflow.fhir.triage;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.careflow.events.triage.ComponentScore;
import org.careflow.events.triage.ComponentStatus;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.VitalSigns;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.FhirIds;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * One careflow assessment as FHIR: an Observation per vital sign that was measured (none for one that was not: a missing
 * observation is never a zero), the NEWS2 total as an Observation whose components are the seven parameters' points
 * (a parameter that could not be scored carries a data-absent reason instead), and the band as a RiskAssessment whose
 * basis is those observations, whose mitigation is the monitoring frequency and whose notes name the red flags.
 *
 * <p>Ids are the assessment's opaque event id ({@link FhirIds#logical}) plus a suffix per resource, so the same
 * assessment always gives the same resources.
 */
public record AssessmentResources(List<Observation> vitals, Observation news2, RiskAssessment risk) {

    public static final String NEWS2_SUFFIX = "-news2";
    static final String SCORE_UNIT = "{ScoreOf}";

    /** The resources of {@code assessment}. */
    public static AssessmentResources of(TriageAssessment assessment) {
        String id = FhirIds.logical(assessment.getEventId());
        List<Observation> vitals = new ArrayList<>();
        for (VitalCodes codes : VitalCodes.values()) {
            Observation vital = vital(assessment, id, codes);
            if (vital != null) {
                vitals.add(vital);
            }
        }
        Observation news2 = news2(assessment, id, vitals);
        return new AssessmentResources(List.copyOf(vitals), news2, risk(assessment, id, news2, vitals));
    }

    /** Every resource, the NEWS2 total and the vital signs first. */
    public List<org.hl7.fhir.r4.model.Resource> all() {
        List<org.hl7.fhir.r4.model.Resource> all = new ArrayList<>();
        all.add(news2);
        all.addAll(vitals);
        all.add(risk);
        return all;
    }

    /** The Observation of one measured vital sign; null when it was not measured. */
    private static Observation vital(TriageAssessment a, String id, VitalCodes codes) {
        VitalSigns v = a.getVitals();
        Observation o = observation(a, id + "-" + codes.idSuffix, "vital-signs", "Vital Signs");
        if (codes.profile != null) {
            o.getMeta().addProfile(codes.profile);
        }
        CodeableConcept code = new CodeableConcept().addCoding(new Coding(codes.system, codes.code, codes.display));
        o.setCode(code);
        switch (codes) {
            case RESPIRATORY_RATE -> {
                if (v.getRespiratoryRate() == null) {
                    return null;
                }
                o.setValue(quantity(v.getRespiratoryRate(), codes));
            }
            case OXYGEN_SATURATION -> {
                if (v.getSpo2() == null) {
                    return null;
                }
                code.addCoding(new Coding(FhirCodes.LOINC, VitalCodes.PULSE_OXIMETRY, VitalCodes.PULSE_OXIMETRY_DISPLAY));
                o.setValue(quantity(v.getSpo2(), codes));
            }
            case ON_OXYGEN -> {
                if (v.getOnSupplementalOxygen() == null) {
                    return null;
                }
                o.setValue(new BooleanType(v.getOnSupplementalOxygen()));
            }
            case BLOOD_PRESSURE -> {
                if (v.getSystolicBp() == null) {
                    return null;
                }
                o.addComponent().setCode(new CodeableConcept().addCoding(new Coding(FhirCodes.LOINC, VitalCodes.SYSTOLIC, "Systolic blood pressure")))
                    .setValue(quantity(v.getSystolicBp(), codes));
                // NEWS2 needs only the systolic pressure, so careflow never asks for the diastolic one.
                o.addComponent().setCode(new CodeableConcept().addCoding(new Coding(FhirCodes.LOINC, VitalCodes.DIASTOLIC, "Diastolic blood pressure")))
                    .setDataAbsentReason(absent("not-asked", "Not Asked"));
            }
            case HEART_RATE -> {
                if (v.getHeartRate() == null) {
                    return null;
                }
                o.setValue(quantity(v.getHeartRate(), codes));
            }
            case CONSCIOUSNESS -> {
                if (v.getConsciousness() == null) {
                    return null;
                }
                String[] level = VitalCodes.acvpu(v.getConsciousness());
                o.setValue(new CodeableConcept().addCoding(new Coding(FhirCodes.SNOMED, level[0], level[1]))
                    .setText(v.getConsciousness().name()));
            }
            case TEMPERATURE -> {
                if (v.getTemperature() == null) {
                    return null;
                }
                o.setValue(quantity(v.getTemperature(), codes));
            }
        }
        return o;
    }

    private static Observation news2(TriageAssessment a, String id, List<Observation> vitals) {
        Observation o = observation(a, id + NEWS2_SUFFIX, "survey", "Survey");
        o.setCode(new CodeableConcept().addCoding(new Coding(FhirCodes.SNOMED, FhirCodes.NEWS2_TOTAL,
            "Royal College of Physicians NEWS2 (National Early Warning Score 2) total score")));
        o.setValue(score(a.getNews2().getTotal()));
        boolean scale2 = Integer.valueOf(2).equals(a.getVitals().getSpo2Scale());
        for (ComponentScore c : a.getNews2().getComponents()) {
            VitalCodes codes = VitalCodes.of(c.getParameter());
            Coding coding = codes == VitalCodes.OXYGEN_SATURATION && scale2
                ? new Coding(FhirCodes.SNOMED, VitalCodes.SPO2_SCALE_2_SCORE, VitalCodes.SPO2_SCALE_2_SCORE_DISPLAY)
                : new Coding(FhirCodes.SNOMED, codes.scoreCode, codes.scoreDisplay);
            Observation.ObservationComponentComponent component = o.addComponent().setCode(new CodeableConcept().addCoding(coding));
            if (c.getStatus() == ComponentStatus.SCORED && c.getPoints() != null) {
                component.setValue(score(c.getPoints()));
            } else if (c.getStatus() == ComponentStatus.NOT_SCORABLE) {
                // Measured, but its points depend on something not given (SpO2 on scale 2 without air or oxygen).
                component.setDataAbsentReason(absent("unknown", "Unknown"));
            } else {
                component.setDataAbsentReason(absent("not-performed", "Not Performed"));
            }
        }
        for (Observation vital : vitals) {
            o.addDerivedFrom(new Reference("Observation/" + vital.getIdElement().getIdPart()));
        }
        if (!a.getNews2().getComplete()) {
            o.addNote(new Annotation().setText("Incomplete: not every NEWS2 parameter could be scored; a missing one is never "
                + "counted as 0 points, and the risk assessment says what careflow concluded."));
        }
        return o;
    }

    private static RiskAssessment risk(TriageAssessment a, String id, Observation news2, List<Observation> vitals) {
        RiskAssessment r = new RiskAssessment();
        r.setId(id);
        r.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
        r.addIdentifier(new Identifier().setSystem(FhirCodes.SUBMISSION_ID_SYSTEM).setValue(a.getSubmissionId()));
        r.setSubject(FhirIds.patient(a.getPatientId()));
        r.setOccurrence(new DateTimeType(Date.from(a.getOccurredAt())));
        r.setMethod(new CodeableConcept().addCoding(new Coding(FhirCodes.SNOMED, FhirCodes.NEWS2_TOTAL,
            "Royal College of Physicians NEWS2 (National Early Warning Score 2) total score"))
            .setText("NEWS2, raised by the facility's form rules and red flags"));
        r.addBasis(new Reference("Observation/" + news2.getIdElement().getIdPart()));
        for (Observation vital : vitals) {
            r.addBasis(new Reference("Observation/" + vital.getIdElement().getIdPart()));
        }
        RiskAssessment.RiskAssessmentPredictionComponent prediction = r.addPrediction();
        prediction.setOutcome(new CodeableConcept().setText("Clinical deterioration"));
        CodeableConcept risk = new CodeableConcept().addCoding(new Coding(FhirCodes.RISK_BAND_SYSTEM, a.getBand().name(), bandDisplay(a.getBand())));
        String probability = probability(a.getBand());
        if (probability != null) {
            risk.addCoding(new Coding(FhirCodes.RISK_PROBABILITY, probability, probability.substring(0, 1).toUpperCase(Locale.ROOT) + probability.substring(1) + " likelihood"));
        }
        prediction.setQualitativeRisk(risk.setText(a.getBand().name()));
        prediction.setRationale(a.getBandReason());
        String monitoring = a.getNews2().getMonitoring().name();
        r.setMitigation("Minimum monitoring frequency: " + monitoring);
        if (a.getFormScore() != null) {
            for (String flag : a.getFormScore().getRedFlags()) {
                r.addNote(new Annotation().setText("Red flag: " + flag));
            }
        }
        if (a.getReview() != null) {
            r.addNote(new Annotation().setText("Needs review: " + a.getReview().name()));
        }
        return r;
    }

    private static Observation observation(TriageAssessment a, String id, String category, String categoryDisplay) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addIdentifier(new Identifier().setSystem(FhirCodes.SUBMISSION_ID_SYSTEM).setValue(a.getSubmissionId()));
        o.addCategory(new CodeableConcept().addCoding(new Coding(FhirCodes.OBSERVATION_CATEGORY, category, categoryDisplay)));
        o.setSubject(FhirIds.patient(a.getPatientId()));
        o.setEffective(new DateTimeType(Date.from(a.getSubmittedAt())));
        o.setIssuedElement(new InstantType(Date.from(a.getOccurredAt())));
        o.addPerformer(FhirIds.facility(a.getFacilityId()));
        return o;
    }

    private static Quantity quantity(Number value, VitalCodes codes) {
        Quantity q = new Quantity().setSystem(FhirCodes.UCUM).setCode(codes.unitCode).setUnit(codes.unit);
        return value instanceof Double d ? q.setValue(d) : q.setValue(value.longValue());
    }

    private static Quantity score(int points) {
        return new Quantity().setValue(points).setSystem(FhirCodes.UCUM).setCode(SCORE_UNIT).setUnit("score");
    }

    private static CodeableConcept absent(String code, String display) {
        return new CodeableConcept().addCoding(new Coding(FhirCodes.DATA_ABSENT_REASON, code, display));
    }

    /** The standard likelihood nearest careflow's band; none for INCOMPLETE, which is not a likelihood. */
    private static String probability(RiskBand band) {
        return switch (band) {
            case LOW -> "low";
            case LOW_MEDIUM, MEDIUM -> "moderate";
            case HIGH -> "high";
            case INCOMPLETE -> null;
        };
    }

    private static String bandDisplay(RiskBand band) {
        return switch (band) {
            case LOW -> "Low";
            case LOW_MEDIUM -> "Low-medium";
            case MEDIUM -> "Medium";
            case HIGH -> "High";
            case INCOMPLETE -> "Incomplete";
        };
    }
}
