package org.careflow.triage.topology;

import java.util.Objects;

/**
 * Keys of the patient store ({@link TriageTopology#PATIENT_HISTORY_STORE}): the patient first (the submissions topic is
 * keyed by patientId, so all of a patient's keys live in one task), then the kind of entry as one control character,
 * then the facility, then what the kind needs. Kinds sort apart, so a query reads one kind of a patient with one prefix
 * scan: the newest assessment at each facility, or the history. Ids never contain control characters (the ingest API's
 * id pattern excludes them), so no key of one kind is a prefix of another's, and keys the earlier layout wrote
 * (patient, NUL, facility) sort after every kind.
 */
final class PatientKeys {

    /** The newest assessment at a facility and its sequence number. */
    static final char LATEST = '\u0001';
    /** One assessment of the history, by sequence number. */
    static final char ENTRY = '\u0002';
    /** A submission id seen, and its sequence number. */
    static final char SEEN = '\u0003';
    /** Which submission id a sequence number had, so that the oldest seen id can be forgotten. */
    static final char ORDER = '\u0004';
    /** Written in a task's store once no value of the earlier layout is left in it (no patient id is empty). */
    static final String MIGRATED = TriageKeys.SEPARATOR + "earlier-layout-moved";

    private static final char SEPARATOR = TriageKeys.SEPARATOR;

    private PatientKeys() {
    }

    /** The prefix of every key of one kind of {@code patientId}, all facilities. */
    static String kindPrefix(String patientId, char kind) {
        return TriageKeys.patientPrefix(patientId) + kind;
    }

    static String latest(String patientId, String facilityId) {
        return kindPrefix(patientId, LATEST) + Objects.requireNonNull(facilityId, "facilityId");
    }

    /** The prefix of the history of {@code patientId} at {@code facilityId}: its entries in sequence order. */
    static String entryPrefix(String patientId, String facilityId) {
        return kindPrefix(patientId, ENTRY) + Objects.requireNonNull(facilityId, "facilityId") + SEPARATOR;
    }

    static String entry(String patientId, String facilityId, long sequence) {
        return entryPrefix(patientId, facilityId) + hex(sequence);
    }

    static String seen(String patientId, String facilityId, String submissionId) {
        return kindPrefix(patientId, SEEN) + facilityId + SEPARATOR + Objects.requireNonNull(submissionId, "submissionId");
    }

    static String order(String patientId, String facilityId, long sequence) {
        return kindPrefix(patientId, ORDER) + facilityId + SEPARATOR + hex(sequence);
    }

    /** The first key the earlier layout may have used for {@code patientId}; see {@link #earlierLayoutTo}. */
    static String earlierLayoutFrom(String patientId) {
        return TriageKeys.patientPrefix(patientId) + ' ';
    }

    /** Beyond every key of {@code patientId}: no patient id contains {@code \u0001}. */
    static String earlierLayoutTo(String patientId) {
        return Objects.requireNonNull(patientId, "patientId") + '\u0001';
    }

    /** Whether {@code key} is one the earlier layout wrote: patient, NUL, facility, and nothing else. */
    static boolean isEarlierLayout(String key) {
        int separator = key.indexOf(SEPARATOR);
        return separator > 0 && separator + 1 < key.length() && key.charAt(separator + 1) >= ' '
            && key.indexOf(SEPARATOR, separator + 1) < 0;
    }

    /** {@code sequence} as 16 hexadecimal digits, so that keys sort as the numbers do (String.format is slow here). */
    static String hex(long sequence) {
        String digits = Long.toHexString(sequence);
        return "0000000000000000".substring(digits.length()) + digits;
    }
}
