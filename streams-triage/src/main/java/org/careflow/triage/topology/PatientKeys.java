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

    /** The newest assessment at a facility, its sequence number and the last submission ids. */
    static final char LATEST = '\u0001';
    /** One assessment of the history, by sequence number. */
    static final char ENTRY = '\u0002';
    /** Written by the second layout only: a submission id seen, and its sequence number. */
    static final char SEEN = '\u0003';
    /** Written by the second layout only: which submission id a sequence number had. */
    static final char ORDER = '\u0004';
    /**
     * Written in a task's store by the second layout once no value of the first was left in it (no patient id is
     * empty); read no more, deleted with the second layout's keys.
     */
    static final String MIGRATED = TriageKeys.SEPARATOR + "earlier-layout-moved";
    /** Written in a task's store once no value of either earlier layout is left in it. */
    static final String MIGRATED_IDS = TriageKeys.SEPARATOR + "seen-ids-moved";

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

    /** The prefix of the second layout's seen ids of {@code patientId} at {@code facilityId}. */
    static String seenPrefix(String patientId, String facilityId) {
        return kindPrefix(patientId, SEEN) + Objects.requireNonNull(facilityId, "facilityId") + SEPARATOR;
    }

    static String seen(String patientId, String facilityId, String submissionId) {
        return seenPrefix(patientId, facilityId) + Objects.requireNonNull(submissionId, "submissionId");
    }

    /** The prefix of the second layout's sequence numbers of {@code patientId} at {@code facilityId}. */
    static String orderPrefix(String patientId, String facilityId) {
        return kindPrefix(patientId, ORDER) + Objects.requireNonNull(facilityId, "facilityId") + SEPARATOR;
    }

    static String order(String patientId, String facilityId, long sequence) {
        return orderPrefix(patientId, facilityId) + hex(sequence);
    }

    /** Whether {@code key} is one made by {@link #latest}. */
    static boolean isLatest(String key) {
        int separator = key.indexOf(SEPARATOR);
        return separator > 0 && separator + 1 < key.length() && key.charAt(separator + 1) == LATEST;
    }

    /** The patient of a key of this store other than the markers. */
    static String patientOf(String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }

    /** The facility of a key made by {@link #latest}. */
    static String facilityOfLatest(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 2);
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
