package org.careflow.triage.topology;

import java.util.Objects;

/**
 * Keys of the patient-side stores. A patient's triage state belongs to the facility it was made at, so every key
 * holds both: the patient first (the submissions topic is keyed by patientId, so all of a patient's keys live in one
 * task and a prefix scan reads them), then the facility. Ids never contain the separator (the ingest API's id
 * pattern excludes control characters).
 */
public final class TriageKeys {

    static final char SEPARATOR = '\u0000';

    private TriageKeys() {
    }

    /** The key of a patient's history at one facility. */
    public static String history(String patientId, String facilityId) {
        return patientPrefix(patientId) + Objects.requireNonNull(facilityId, "facilityId");
    }

    /** The prefix of every key of {@code patientId}: its histories at every facility, its parked submissions. */
    public static String patientPrefix(String patientId) {
        return Objects.requireNonNull(patientId, "patientId") + SEPARATOR;
    }

    /** The key of a parked submission: its patient, its facility, its submission id. */
    public static String awaiting(String patientId, String facilityId, String submissionId) {
        return history(patientId, facilityId) + SEPARATOR + Objects.requireNonNull(submissionId, "submissionId");
    }

    /** The facility named in a key made by {@link #history}. */
    public static String facilityOf(String historyKey) {
        return historyKey.substring(historyKey.indexOf(SEPARATOR) + 1);
    }
}
