package org.careflow.triage.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.state.triage.PatientTriageEntry;
import org.careflow.state.triage.PatientTriageHistory;

/**
 * A patient's triage state at one facility as small entries of one store ({@link PatientKeys}), so that what a
 * submission costs does not grow with the patient's history: it reads the newest assessment and whether its id was
 * seen, and writes the new newest, one history entry and its id, dropping the entry and the id that fell out of the
 * bounds ({@value #MAX_HISTORY} assessments, {@value #MAX_SEEN_IDS} ids).
 *
 * <p>The earlier layout kept each patient's whole history at a facility in one value under the same store and
 * changelog. Such a value is moved into entries the first time the patient's key is touched, and every value of a
 * task is moved in the background ({@link #migrateSome}); queries read the earlier layout until then.
 */
final class PatientHistory {

    /** Assessments kept per patient and facility for the history endpoint. */
    static final int MAX_HISTORY = 20;
    /** Submission ids remembered per patient and facility, so that a client's retry is recognised. */
    static final int MAX_SEEN_IDS = 100;

    private final KeyValueStore<String, PatientTriageEntry> store;
    /** Where the background move stopped; null before it starts and once it is done. */
    private String cursor;
    /** True once this task's store holds no value of the earlier layout: then no key needs looking up for one. */
    private boolean earlierLayoutGone;

    PatientHistory(KeyValueStore<String, PatientTriageEntry> store) {
        this.store = store;
    }

    /** The entry standing for a value of the earlier layout, as the store's serde reads it. */
    static PatientTriageEntry earlierLayout(PatientTriageHistory earlier) {
        return PatientTriageEntry.newBuilder().setEarlierAssessments(new ArrayList<>(earlier.getAssessments()))
            .setEarlierSeenSubmissionIds(new ArrayList<>(earlier.getSeenSubmissionIds())).build();
    }

    /** Whether {@code submissionId} is among the last {@value #MAX_SEEN_IDS} the patient submitted at the facility. */
    boolean seen(String patientId, String facilityId, String submissionId) {
        moveEarlierLayout(patientId, facilityId);
        return store.get(PatientKeys.seen(patientId, facilityId, submissionId)) != null;
    }

    /**
     * Keeps {@code assessment} as the newest of its history (replacing an earlier assessment of the same submission, as
     * when a submission queued for review is scored once its form arrived) and returns the assessment received before
     * it, other than one of the same submission, or null.
     *
     * @param maybeSeen false when {@link #seen} just said the submission was not seen, which saves looking again
     */
    TriageAssessment append(String patientId, TriageAssessment assessment, boolean maybeSeen) {
        String facilityId = assessment.getFacilityId();
        String submissionId = assessment.getSubmissionId();
        moveEarlierLayout(patientId, facilityId);
        PatientTriageEntry newest = store.get(PatientKeys.latest(patientId, facilityId));
        TriageAssessment previous = null;
        long sequence = 0;
        if (newest != null) {
            sequence = newest.getSequence() + 1;
            previous = newest.getAssessment().getSubmissionId().equals(submissionId)
                ? newestOtherThan(patientId, facilityId, submissionId)
                : newest.getAssessment();
        }
        PatientTriageEntry replaced = maybeSeen ? store.get(PatientKeys.seen(patientId, facilityId, submissionId)) : null;
        if (replaced != null && replaced.getSequence() >= 0) {
            store.delete(PatientKeys.entry(patientId, facilityId, replaced.getSequence()));
        }
        PatientTriageEntry entry = PatientTriageEntry.newBuilder().setSequence(sequence).setAssessment(assessment).build();
        store.put(PatientKeys.entry(patientId, facilityId, sequence), entry);
        if (sequence >= MAX_HISTORY) {
            store.delete(PatientKeys.entry(patientId, facilityId, sequence - MAX_HISTORY));
        }
        store.put(PatientKeys.latest(patientId, facilityId), entry);
        remember(patientId, facilityId, submissionId, sequence);
        return previous;
    }

    /** Remembers {@code submissionId} as seen with {@code sequence}, forgetting the id {@value #MAX_SEEN_IDS} before it. */
    private void remember(String patientId, String facilityId, String submissionId, long sequence) {
        store.put(PatientKeys.seen(patientId, facilityId, submissionId), PatientTriageEntry.newBuilder().setSequence(sequence).build());
        store.put(PatientKeys.order(patientId, facilityId, sequence), PatientTriageEntry.newBuilder().setSequence(sequence)
            .setSubmissionId(submissionId).build());
        if (sequence >= MAX_SEEN_IDS) {
            String orderKey = PatientKeys.order(patientId, facilityId, sequence - MAX_SEEN_IDS);
            PatientTriageEntry forgotten = store.get(orderKey);
            if (forgotten != null) {
                String seenKey = PatientKeys.seen(patientId, facilityId, forgotten.getSubmissionId());
                PatientTriageEntry seen = store.get(seenKey);
                // The id may have been seen again since (a review scored later): forget it only at this number.
                if (seen != null && seen.getSequence() == sequence - MAX_SEEN_IDS) {
                    store.delete(seenKey);
                }
                store.delete(orderKey);
            }
        }
    }

    private TriageAssessment newestOtherThan(String patientId, String facilityId, String submissionId) {
        String prefix = PatientKeys.entryPrefix(patientId, facilityId);
        try (KeyValueIterator<String, PatientTriageEntry> it = store.reverseRange(prefix, prefix + Character.MAX_VALUE)) {
            while (it.hasNext()) {
                TriageAssessment a = it.next().value.getAssessment();
                if (!a.getSubmissionId().equals(submissionId)) {
                    return a;
                }
            }
        }
        return null;
    }

    private void moveEarlierLayout(String patientId, String facilityId) {
        if (earlierLayoutGone) {
            return;
        }
        String key = TriageKeys.history(patientId, facilityId);
        PatientTriageEntry earlier = store.get(key);
        if (earlier != null) {
            move(key, earlier);
        }
    }

    /** Moves the earlier layout's value under {@code key} into entries, oldest first, and deletes it. */
    private void move(String key, PatientTriageEntry earlier) {
        String patientId = key.substring(0, key.indexOf(TriageKeys.SEPARATOR));
        String facilityId = TriageKeys.facilityOf(key);
        List<TriageAssessment> newestFirst = earlier.getEarlierAssessments() == null ? List.of() : earlier.getEarlierAssessments();
        List<String> seenNewestFirst = earlier.getEarlierSeenSubmissionIds() == null ? List.of() : earlier.getEarlierSeenSubmissionIds();
        int ids = Math.min(seenNewestFirst.size(), MAX_SEEN_IDS);
        int count = Math.min(newestFirst.size(), MAX_HISTORY);
        // The ids get the numbers 0.. in the order they were seen, the assessments the numbers of their ids.
        long next = 0;
        java.util.Map<String, Long> numbers = new java.util.HashMap<>();
        for (int i = ids - 1; i >= 0; i--) {
            numbers.put(seenNewestFirst.get(i), next);
            remember(patientId, facilityId, seenNewestFirst.get(i), next++);
        }
        for (int i = count - 1; i >= 0; i--) {
            TriageAssessment a = newestFirst.get(i);
            Long sequence = numbers.get(a.getSubmissionId());
            if (sequence == null) {
                sequence = next;
                remember(patientId, facilityId, a.getSubmissionId(), next++);
            }
            PatientTriageEntry entry = PatientTriageEntry.newBuilder().setSequence(sequence).setAssessment(a).build();
            store.put(PatientKeys.entry(patientId, facilityId, sequence), entry);
            if (i == 0) {
                store.put(PatientKeys.latest(patientId, facilityId), PatientTriageEntry.newBuilder(entry)
                    .setSequence(Math.max(sequence, next - 1)).build());
            }
        }
        store.delete(key);
    }

    /**
     * Moves up to {@code limit} of this task's values of the earlier layout into entries, going through the store once
     * (keys of other kinds are passed over); when it has been through, it says so in the store, so that a restarted
     * task does not go through it again. Returns how many keys it went through.
     */
    int migrateSome(int limit) {
        if (earlierLayoutGone || cursor == null && store.get(PatientKeys.MIGRATED) != null) {
            earlierLayoutGone = true;
            return 0;
        }
        List<KeyValue<String, PatientTriageEntry>> earlier = new ArrayList<>();
        int visited = 0;
        String last = null;
        boolean done;
        try (KeyValueIterator<String, PatientTriageEntry> it = store.range(cursor, null)) {
            while (it.hasNext() && visited < limit) {
                KeyValue<String, PatientTriageEntry> kv = it.next();
                visited++;
                last = kv.key;
                if (PatientKeys.isEarlierLayout(kv.key)) {
                    earlier.add(kv);
                }
            }
            done = !it.hasNext();
        }
        earlier.forEach(kv -> move(kv.key, kv.value));
        if (done) {
            store.put(PatientKeys.MIGRATED, PatientTriageEntry.newBuilder().build());
            cursor = null;
            earlierLayoutGone = true;
        } else {
            cursor = last + '\u0000';
        }
        return visited;
    }
}
