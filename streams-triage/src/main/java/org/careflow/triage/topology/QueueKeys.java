package org.careflow.triage.topology;

import org.careflow.state.triage.TriageQueueEntry;

/**
 * Keys of the queue stores. An order key sorts, as bytes, exactly as the queue is read: facility, then band
 * (HIGH first), then score (highest first; an entry for review sorts above every score of its band, HIGH), then
 * waiting since (longest first), then patient id for ties.
 * Ids never contain the control characters used as separators (the ingest API's id pattern excludes them).
 */
public final class QueueKeys {

    private static final char SEPARATOR = '\u0000';
    private static final int MAX_SCORE = 9999;

    private QueueKeys() {
    }

    /** The prefix every order key of {@code facilityId} starts with, for a range scan of its queue. */
    public static String facilityPrefix(String facilityId) {
        return facilityId + SEPARATOR;
    }

    /** Where {@code entry} sits in its facility's queue. An entry for review (its form never arrived) heads it. */
    public static String orderKey(TriageQueueEntry entry) {
        int bandRank = 3 - RiskBands.rank(entry.getQueueBand());
        int inverted = entry.getReview() ? 0 : MAX_SCORE - Math.max(0, Math.min(MAX_SCORE, entry.getScore() + 1000));
        return facilityPrefix(entry.getFacilityId())
            + bandRank
            + zeroPadded(inverted, 4)
            + zeroPadded(Math.max(0, entry.getWaitingSince().toEpochMilli()), 15)
            + SEPARATOR
            + entry.getPatientId();
    }

    /**
     * {@code value} (not negative) in decimal, zero-padded to {@code width} digits, as {@code String.format("%0<width>d")}
     * writes it and several times faster (each assessment and disposition makes two order keys).
     */
    static String zeroPadded(long value, int width) {
        String digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    /** The patient index key: which entry (if any) a patient has on a facility's queue. */
    public static String patientKey(String facilityId, String patientId) {
        return facilityId + SEPARATOR + patientId;
    }
}
