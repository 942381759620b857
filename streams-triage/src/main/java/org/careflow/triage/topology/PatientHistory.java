package org.careflow.triage.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.state.triage.LatestTriageAssessment;
import org.careflow.state.triage.PatientTriageHistory;

/**
 * A patient's triage state at one facility, in three stores so that what a submission costs does not grow with the
 * patient's history: the newest assessment and its sequence number ({@link TriageTopology#LATEST_STORE}), one entry
 * per assessment, the newest {@value #MAX_HISTORY} kept ({@link TriageTopology#HISTORY_STORE}), and the submission ids
 * seen, for a bounded time ({@link TriageTopology#SEEN_STORE}). A submission reads one small value and writes three.
 *
 * <p>State an earlier version kept as one value per patient and facility ({@link TriageTopology#LEGACY_HISTORY_STORE})
 * is moved into these stores the first time the patient's key is touched, or by {@link #migrateSome}.
 */
final class PatientHistory {

    /** Assessments kept per patient and facility for the history endpoint. */
    static final int MAX_HISTORY = 20;

    private final KeyValueStore<String, LatestTriageAssessment> latest;
    private final KeyValueStore<String, TriageAssessment> entries;
    private final WindowStore<String, Long> seen;
    private final KeyValueStore<String, PatientTriageHistory> legacy;

    PatientHistory(KeyValueStore<String, LatestTriageAssessment> latest, KeyValueStore<String, TriageAssessment> entries,
                   WindowStore<String, Long> seen, KeyValueStore<String, PatientTriageHistory> legacy) {
        this.latest = latest;
        this.entries = entries;
        this.seen = seen;
        this.legacy = legacy;
    }

    /** The key of entry {@code sequence} of the history under {@code historyKey}: ordered as the numbers are. */
    static String entryKey(String historyKey, long sequence) {
        return entryPrefix(historyKey) + String.format(Locale.ROOT, "%016x", sequence);
    }

    static String entryPrefix(String historyKey) {
        return historyKey + TriageKeys.SEPARATOR;
    }

    private static String seenKey(String historyKey, String submissionId) {
        return entryPrefix(historyKey) + submissionId;
    }

    /** Whether {@code submissionId} was assessed at this patient's facility within the de-duplication window. */
    boolean seen(String historyKey, String submissionId, Instant now) {
        newest(historyKey, now);
        return sequenceOf(historyKey, submissionId) != null;
    }

    private Long sequenceOf(String historyKey, String submissionId) {
        Long sequence = null;
        try (WindowStoreIterator<Long> it = seen.fetch(seenKey(historyKey, submissionId), 0L, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                sequence = it.next().value;
            }
        }
        return sequence;
    }

    /**
     * Keeps {@code assessment} as the newest of its history (replacing an earlier assessment of the same submission, as
     * when a submission queued for review is scored once its form arrived) and returns the assessment received before
     * it, other than one of the same submission, or null.
     *
     * @param maybeSeen false when {@link #seen} just said the submission was not seen, which saves looking again
     */
    TriageAssessment append(String historyKey, TriageAssessment assessment, boolean maybeSeen, Instant now) {
        LatestTriageAssessment newest = newest(historyKey, now);
        String submissionId = assessment.getSubmissionId();
        TriageAssessment previous = null;
        long sequence = 0;
        if (newest != null) {
            sequence = newest.getSequence() + 1;
            previous = newest.getAssessment().getSubmissionId().equals(submissionId)
                ? newestOtherThan(historyKey, submissionId)
                : newest.getAssessment();
        }
        Long replaced = maybeSeen ? sequenceOf(historyKey, submissionId) : null;
        if (replaced != null && replaced >= 0) {
            entries.delete(entryKey(historyKey, replaced));
        }
        entries.put(entryKey(historyKey, sequence), assessment);
        if (sequence >= MAX_HISTORY) {
            entries.delete(entryKey(historyKey, sequence - MAX_HISTORY));
        }
        latest.put(historyKey, new LatestTriageAssessment(sequence, assessment));
        seen.put(seenKey(historyKey, submissionId), sequence, now.toEpochMilli());
        return previous;
    }

    private TriageAssessment newestOtherThan(String historyKey, String submissionId) {
        String prefix = entryPrefix(historyKey);
        try (KeyValueIterator<String, TriageAssessment> it = entries.reverseRange(prefix, prefix + Character.MAX_VALUE)) {
            while (it.hasNext()) {
                TriageAssessment a = it.next().value;
                if (!a.getSubmissionId().equals(submissionId)) {
                    return a;
                }
            }
        }
        return null;
    }

    /** The newest assessment under {@code historyKey}, after moving the legacy value there, if any. */
    private LatestTriageAssessment newest(String historyKey, Instant now) {
        LatestTriageAssessment newest = latest.get(historyKey);
        if (newest != null) {
            return newest;
        }
        PatientTriageHistory old = legacy.get(historyKey);
        if (old == null) {
            return null;
        }
        migrate(historyKey, old, now);
        return latest.get(historyKey);
    }

    private void migrate(String historyKey, PatientTriageHistory old, Instant now) {
        List<TriageAssessment> newestFirst = old.getAssessments();
        int count = Math.min(newestFirst.size(), MAX_HISTORY);
        for (int i = 0; i < count; i++) {
            long sequence = count - 1 - i;
            TriageAssessment a = newestFirst.get(i);
            entries.put(entryKey(historyKey, sequence), a);
            seen.put(seenKey(historyKey, a.getSubmissionId()), sequence, now.toEpochMilli());
        }
        for (String id : old.getSeenSubmissionIds()) {
            if (sequenceOf(historyKey, id) == null) {
                // Seen once but no longer in the history: remembered, with no entry of its own.
                seen.put(seenKey(historyKey, id), -1L, now.toEpochMilli());
            }
        }
        if (count > 0) {
            latest.put(historyKey, new LatestTriageAssessment((long) count - 1, newestFirst.get(0)));
        }
        legacy.delete(historyKey);
    }

    /** Moves up to {@code limit} legacy values into the new stores; returns how many it moved. */
    int migrateSome(int limit, Instant now) {
        List<KeyValue<String, PatientTriageHistory>> batch = new ArrayList<>();
        try (KeyValueIterator<String, PatientTriageHistory> it = legacy.all()) {
            while (it.hasNext() && batch.size() < limit) {
                batch.add(it.next());
            }
        }
        for (KeyValue<String, PatientTriageHistory> kv : batch) {
            if (latest.get(kv.key) == null) {
                migrate(kv.key, kv.value, now);
            } else {
                legacy.delete(kv.key);
            }
        }
        return batch.size();
    }
}
