package org.careflow.fhir.triage;

import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.VitalParameter;
import org.careflow.fhir.FhirCodes;

/**
 * How each NEWS2 parameter is coded: the Observation of the measured value (the R4 vital-signs profile's LOINC code and
 * UCUM unit where the profile has one; SNOMED CT as UK Core codes the rest) and the NEWS2 sub-score (SNOMED CT, as UK
 * Core's NEWS2 example).
 */
enum VitalCodes {
    RESPIRATORY_RATE(VitalParameter.RESPIRATION_RATE, "resp-rate", FhirCodes.LOINC, "9279-1", "Respiratory rate",
        "http://hl7.org/fhir/StructureDefinition/resprate", "/min", "breaths/minute", "1104301000000104", "Respiratory rate score"),
    OXYGEN_SATURATION(VitalParameter.SPO2, "spo2", FhirCodes.LOINC, "2708-6", "Oxygen saturation in Arterial blood",
        "http://hl7.org/fhir/StructureDefinition/oxygensat", "%", "%", "1104311000000102", "Oxygen saturation scale 1 score"),
    ON_OXYGEN(VitalParameter.AIR_OR_OXYGEN, "on-oxygen", FhirCodes.SNOMED, FhirCodes.ON_OXYGEN, "Patient on oxygen",
        null, null, null, "1104331000000105", "Air or oxygen score"),
    BLOOD_PRESSURE(VitalParameter.SYSTOLIC_BP, "blood-pressure", FhirCodes.LOINC, "85354-9", "Blood pressure panel with all children optional",
        "http://hl7.org/fhir/StructureDefinition/bp", "mm[Hg]", "mmHg", "1104341000000101", "Systolic blood pressure score"),
    HEART_RATE(VitalParameter.PULSE, "heart-rate", FhirCodes.LOINC, "8867-4", "Heart rate",
        "http://hl7.org/fhir/StructureDefinition/heartrate", "/min", "beats/minute", "1104351000000103", "Pulse rate score"),
    CONSCIOUSNESS(VitalParameter.CONSCIOUSNESS, "consciousness", FhirCodes.SNOMED, FhirCodes.ACVPU,
        "ACVPU (Alert Confusion Voice Pain Unresponsive) scale score", null, null, null, "1104361000000100", "Consciousness score"),
    TEMPERATURE(VitalParameter.TEMPERATURE, "temperature", FhirCodes.LOINC, "8310-5", "Body temperature",
        "http://hl7.org/fhir/StructureDefinition/bodytemp", "Cel", "C", "1104371000000107", "Temperature score");

    /** SNOMED CT: the NEWS2 sub-score of SpO2 on scale 2 (hypercapnic respiratory failure). */
    static final String SPO2_SCALE_2_SCORE = "1104321000000108";
    static final String SPO2_SCALE_2_SCORE_DISPLAY = "Oxygen saturation scale 2 score";
    /** LOINC: the pulse-oximetry code US Core asks for beside 2708-6. */
    static final String PULSE_OXIMETRY = "59408-5";
    static final String PULSE_OXIMETRY_DISPLAY = "Oxygen saturation in Arterial blood by Pulse oximetry";
    static final String SYSTOLIC = "8480-6";
    static final String DIASTOLIC = "8462-4";

    final VitalParameter parameter;
    final String idSuffix;
    final String system;
    final String code;
    final String display;
    /** The R4 vital-signs profile the Observation meets, or null. */
    final String profile;
    final String unitCode;
    final String unit;
    final String scoreCode;
    final String scoreDisplay;

    VitalCodes(VitalParameter parameter, String idSuffix, String system, String code, String display, String profile,
               String unitCode, String unit, String scoreCode, String scoreDisplay) {
        this.parameter = parameter;
        this.idSuffix = idSuffix;
        this.system = system;
        this.code = code;
        this.display = display;
        this.profile = profile;
        this.unitCode = unitCode;
        this.unit = unit;
        this.scoreCode = scoreCode;
        this.scoreDisplay = scoreDisplay;
    }

    static VitalCodes of(VitalParameter parameter) {
        for (VitalCodes c : values()) {
            if (c.parameter == parameter) {
                return c;
            }
        }
        throw new IllegalArgumentException("No coding for " + parameter);
    }

    /** SNOMED CT code and display of an ACVPU level, as UK Core's ACVPU value set. */
    static String[] acvpu(Consciousness level) {
        return switch (level) {
            case ALERT -> new String[] {"248234008", "Mentally alert"};
            case CONFUSION -> new String[] {"130987000", "Acute confusion"};
            case VOICE -> new String[] {"300202002", "Responds to voice"};
            case PAIN -> new String[] {"450847001", "Responds to pain"};
            case UNRESPONSIVE -> new String[] {"422768004", "Unresponsive"};
        };
    }
}
