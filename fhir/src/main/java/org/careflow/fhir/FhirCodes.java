package org.careflow.fhir;

/** The code systems, identifier systems and fixed codes careflow's FHIR resources use, each named once. */
public final class FhirCodes {

    /** careflow's own canonical base. */
    public static final String BASE = "https://careflow.org/fhir";
    public static final String PATIENT_ID_SYSTEM = BASE + "/sid/patient";
    public static final String FACILITY_ID_SYSTEM = BASE + "/sid/facility";
    public static final String PROVIDER_ID_SYSTEM = BASE + "/sid/provider";
    public static final String SUBMISSION_ID_SYSTEM = BASE + "/sid/submission";
    public static final String FORM_ID_SYSTEM = BASE + "/sid/form";
    public static final String BOOKING_ID_SYSTEM = BASE + "/sid/booking";
    /** careflow's appointment types, as each provider's schedule names them ({@code follow-up}). */
    public static final String APPOINTMENT_TYPE_SYSTEM = BASE + "/CodeSystem/appointment-type";
    /** Why careflow rejected a booking (SLOT_TAKEN, PATIENT_OVERLAP, ...), as the JSON API names it. */
    public static final String REJECTION_REASON_SYSTEM = BASE + "/CodeSystem/rejection-reason";
    /** careflow's risk bands (LOW, LOW_MEDIUM, MEDIUM, HIGH, INCOMPLETE), as the JSON API names them. */
    public static final String RISK_BAND_SYSTEM = BASE + "/CodeSystem/risk-band";
    /** careflow's monitoring frequencies (TWELVE_HOURLY ... CONTINUOUS), as the JSON API names them. */
    public static final String MONITORING_SYSTEM = BASE + "/CodeSystem/monitoring-frequency";
    /** The facility a QuestionnaireResponse is submitted at (valueReference to the Organization). */
    public static final String FACILITY_EXTENSION = BASE + "/StructureDefinition/facility";
    /** The channel a QuestionnaireResponse came by (valueCode: WHATSAPP, SMS, WEB, MOBILE_APP, KIOSK, STAFF). */
    public static final String CHANNEL_EXTENSION = BASE + "/StructureDefinition/channel";

    public static final String LOINC = "http://loinc.org";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String UCUM = "http://unitsofmeasure.org";
    public static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    public static final String DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    public static final String RISK_PROBABILITY = "http://terminology.hl7.org/CodeSystem/risk-probability";

    /** SNOMED CT: Royal College of Physicians NEWS2 (National Early Warning Score 2) total score. */
    public static final String NEWS2_TOTAL = "1104051000000101";
    /** SNOMED CT: ACVPU (Alert Confusion Voice Pain Unresponsive) scale score. */
    public static final String ACVPU = "1104441000000107";
    /** SNOMED CT: Patient on oxygen (valueBoolean false: breathing room air). */
    public static final String ON_OXYGEN = "371825009";

    private FhirCodes() {
    }
}
