package org.careflow.triage.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.state.triage.PatientTriageEntry;
import org.careflow.state.triage.PatientTriageHistory;

/**
 * A patient's triage state at one facility as small entries of one store ({@link PatientKeys}), so that what a
 * submission costs does not grow with the patient's history. A submission reads one value, the newest assessment with
 * the last {@value #MAX_SEEN_IDS} submission ids (which says whether its id was seen), and writes the new newest with
 * its id added; the assessment that was the newest becomes a history entry (a second write, none for a patient's first
 * submission at the facility), and the entry that fell out of the last {@value #MAX_HISTORY} is dropped. The history is
 * the newest entry's assessment and the history entries; values written by the previous version also keep the newest
 * assessment as an entry of its own, which readers count once ({@link PatientEntries}).
 *
 * <p>Two earlier layouts are read and moved on first touch, and in the background ({@link #migrateSome}): the first
 * kept each patient's whole history at a facility in one value; the second kept each seen id in two keys of its own
 * (the id, and its sequence number), four writes per submission where this layout makes two. Queries read the first
 * until its values are moved; the second's ids are never read by queries.
 */
final class PatientHistory {

    /** Assessments kept per patient and facility for the history endpoint. */
    static final int MAX_HISTORY = 20;
    /** Submission ids remembered per patient and facility, so that a client's retry is recognised. */
    static final int MAX_SEEN_IDS = 100;
    /** Where no id is known for a sequence number (never a submission id: the ingest API refuses empty ids). */
    private static final String NO_ID = "";

    private final KeyValueStore<String, PatientTriageEntry> store;
    /** Where the background move stopped; null before it starts and once it is done. */
    private String cursor;
    /** True once this task's store holds no value of an earlier layout: then no key needs looking up for one. */
    private boolean earlierLayoutsGone;

    PatientHistory(KeyValueStore<String, PatientTriageEntry> store) {
        this.store = store;
    }

    /**
     * What a patient's next submission at a facility is checked against and appended to: the newest entry (null for a
     * first submission) as read once.
     */
    static final class State {
        private final String patientId;
        private final String facilityId;
        private final PatientTriageEntry newest;

        private State(String patientId, String facilityId, PatientTriageEntry newest) {
            this.patientId = patientId;
            this.facilityId = facilityId;
            this.newest = newest;
        }

        String patientId() {
            return patientId;
        }

        /** Whether {@code submissionId} is among the last {@value #MAX_SEEN_IDS} the patient submitted at the facility. */
        boolean seen(String submissionId) {
            return newest != null && newest.getRecentSubmissionIds().contains(submissionId);
        }

        /** The sequence number {@code submissionId} last had, or -1. */
        private long sequenceOf(String submissionId) {
            if (newest == null) {
                return -1;
            }
            List<String> ids = newest.getRecentSubmissionIds();
            int at = ids.lastIndexOf(submissionId);
            return at < 0 ? -1 : newest.getSequence() - (ids.size() - 1 - at);
        }
    }

    /** The entry standing for a value of the first layout, as the store's serde reads it. */
    static PatientTriageEntry earlierLayout(PatientTriageHistory earlier) {
        return PatientTriageEntry.newBuilder().setEarlierAssessments(new ArrayList<>(earlier.getAssessments()))
            .setEarlierSeenSubmissionIds(new ArrayList<>(earlier.getSeenSubmissionIds())).build();
    }

    /** The patient's state at the facility, with what an earlier layout kept for them moved first. */
    State state(String patientId, String facilityId) {
        if (!earlierLayoutsGone) {
            String key = TriageKeys.history(patientId, facilityId);
            PatientTriageEntry earlier = store.get(key);
            if (earlier != null) {
                move(key, earlier);
            }
        }
        PatientTriageEntry newest = store.get(PatientKeys.latest(patientId, facilityId));
        if (newest != null && newest.getRecentSubmissionIds() == null) {
            newest = moveSeenIds(patientId, facilityId, newest);
        }
        return new State(patientId, facilityId, newest);
    }

    /**
     * Keeps {@code assessment} as the newest of the history {@code state} was read for (replacing an earlier assessment
     * of the same submission, as when a submission queued for review is scored once its form arrived) and returns the
     * assessment received before it, other than one of the same submission, or null.
     */
    TriageAssessment append(State state, TriageAssessment assessment) {
        String patientId = state.patientId;
        String facilityId = state.facilityId;
        String submissionId = assessment.getSubmissionId();
        PatientTriageEntry newest = state.newest;
        TriageAssessment previous = null;
        long sequence = 0;
        List<String> ids = new ArrayList<>(MAX_SEEN_IDS);
        if (newest != null) {
            sequence = newest.getSequence() + 1;
            TriageAssessment last = newest.getAssessment();
            boolean replacesNewest = last != null && last.getSubmissionId().equals(submissionId);
            previous = replacesNewest ? newestOtherThan(patientId, facilityId, submissionId) : last;
            long replaced = state.sequenceOf(submissionId);
            if (replaced >= 0) {
                store.delete(PatientKeys.entry(patientId, facilityId, replaced));
            }
            if (last != null && !replacesNewest) {
                // The newest so far joins the history entries; the new one is kept in the newest entry alone.
                store.put(PatientKeys.entry(patientId, facilityId, newest.getSequence()),
                    PatientTriageEntry.newBuilder().setSequence(newest.getSequence()).setAssessment(last).build());
            }
            List<String> before = newest.getRecentSubmissionIds();
            ids.addAll(before.subList(Math.max(0, before.size() - (MAX_SEEN_IDS - 1)), before.size()));
        }
        ids.add(submissionId);
        if (sequence >= MAX_HISTORY) {
            store.delete(PatientKeys.entry(patientId, facilityId, sequence - MAX_HISTORY));
        }
        store.put(PatientKeys.latest(patientId, facilityId),
            PatientTriageEntry.newBuilder().setSequence(sequence).setAssessment(assessment).setRecentSubmissionIds(ids).build());
        return previous;
    }

    private TriageAssessment newestOtherThan(String patientId, String facilityId, String submissionId) {
        String prefix = PatientKeys.entryPrefix(patientId, facilityId);
        try (KeyValueIterator<String, PatientTriageEntry> it = store.reverseRange(prefix, prefix + Character.MAX_VALUE)) {
            while (it.hasNext()) {
                TriageAssessment a = it.next().value.getAssessment();
                if (a != null && !a.getSubmissionId().equals(submissionId)) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Moves the first layout's value under {@code key} into entries, oldest first, and deletes it. */
    private void move(String key, PatientTriageEntry earlier) {
        String patientId = key.substring(0, key.indexOf(TriageKeys.SEPARATOR));
        String facilityId = TriageKeys.facilityOf(key);
        List<TriageAssessment> newestFirst = earlier.getEarlierAssessments() == null ? List.of() : earlier.getEarlierAssessments();
        List<String> seenNewestFirst = earlier.getEarlierSeenSubmissionIds() == null ? List.of() : earlier.getEarlierSeenSubmissionIds();
        int idCount = Math.min(seenNewestFirst.size(), MAX_SEEN_IDS);
        int count = Math.min(newestFirst.size(), MAX_HISTORY);
        // The ids get the numbers 0.. in the order they were seen, the assessments the numbers of their ids.
        List<String> ids = new ArrayList<>();
        Map<String, Long> numbers = new HashMap<>();
        for (int i = idCount - 1; i >= 0; i--) {
            numbers.put(seenNewestFirst.get(i), (long) ids.size());
            ids.add(seenNewestFirst.get(i));
        }
        TriageAssessment newestAssessment = null;
        for (int i = count - 1; i >= 0; i--) {
            TriageAssessment a = newestFirst.get(i);
            Long sequence = numbers.get(a.getSubmissionId());
            if (sequence == null) {
                sequence = (long) ids.size();
                ids.add(a.getSubmissionId());
            }
            store.put(PatientKeys.entry(patientId, facilityId, sequence),
                PatientTriageEntry.newBuilder().setSequence(sequence).setAssessment(a).build());
            newestAssessment = a;
        }
        if (!ids.isEmpty()) {
            store.put(PatientKeys.latest(patientId, facilityId), PatientTriageEntry.newBuilder().setSequence(ids.size() - 1L)
                .setAssessment(newestAssessment).setRecentSubmissionIds(lastSeenIds(ids)).build());
        }
        store.delete(key);
    }

    /**
     * Moves the second layout's seen ids of the patient at the facility (a key per id and one per sequence number) into
     * the newest entry, and returns it.
     */
    private PatientTriageEntry moveSeenIds(String patientId, String facilityId, PatientTriageEntry newest) {
        Map<Long, String> bySequence = new HashMap<>();
        List<String> keys = new ArrayList<>();
        String orderPrefix = PatientKeys.orderPrefix(patientId, facilityId);
        try (KeyValueIterator<String, PatientTriageEntry> it = store.prefixScan(orderPrefix, new StringSerializer())) {
            it.forEachRemaining(kv -> {
                keys.add(kv.key);
                if (kv.value.getSubmissionId() != null) {
                    bySequence.put(kv.value.getSequence(), kv.value.getSubmissionId());
                }
            });
        }
        try (KeyValueIterator<String, PatientTriageEntry> it = store.prefixScan(PatientKeys.seenPrefix(patientId, facilityId),
            new StringSerializer())) {
            it.forEachRemaining(kv -> {
                keys.add(kv.key);
                if (kv.value.getSequence() >= 0) {
                    bySequence.putIfAbsent(kv.value.getSequence(), kv.key.substring(kv.key.lastIndexOf(TriageKeys.SEPARATOR) + 1));
                }
            });
        }
        long last = newest.getSequence();
        List<String> ids = new ArrayList<>();
        for (long sequence = Math.max(0, last - MAX_SEEN_IDS + 1); sequence <= last; sequence++) {
            ids.add(bySequence.getOrDefault(sequence, NO_ID));
        }
        if (newest.getAssessment() != null && ids.get(ids.size() - 1).equals(NO_ID)) {
            ids.set(ids.size() - 1, newest.getAssessment().getSubmissionId());
        }
        PatientTriageEntry moved = PatientTriageEntry.newBuilder(newest).setRecentSubmissionIds(ids).build();
        store.put(PatientKeys.latest(patientId, facilityId), moved);
        keys.forEach(store::delete);
        return moved;
    }

    private static List<String> lastSeenIds(List<String> ids) {
        return new ArrayList<>(ids.subList(Math.max(0, ids.size() - MAX_SEEN_IDS), ids.size()));
    }

    /**
     * Moves up to {@code limit} keys' worth of this task's values of the earlier layouts, going through the store once;
     * when it has been through, it says so in the store, so that a restarted task does not go through it again.
     * Returns how many keys it went through.
     */
    int migrateSome(int limit) {
        if (earlierLayoutsGone || cursor == null && store.get(PatientKeys.MIGRATED_IDS) != null) {
            earlierLayoutsGone = true;
            return 0;
        }
        List<KeyValue<String, PatientTriageEntry>> first = new ArrayList<>();
        Set<String> secondLatestKeys = new LinkedHashSet<>();
        int visited = 0;
        String last = null;
        boolean done;
        try (KeyValueIterator<String, PatientTriageEntry> it = store.range(cursor, null)) {
            while (it.hasNext() && visited < limit) {
                KeyValue<String, PatientTriageEntry> kv = it.next();
                visited++;
                last = kv.key;
                if (PatientKeys.isEarlierLayout(kv.key)) {
                    first.add(kv);
                } else if (PatientKeys.isLatest(kv.key) && kv.value.getRecentSubmissionIds() == null) {
                    secondLatestKeys.add(kv.key);
                }
            }
            done = !it.hasNext();
        }
        first.forEach(kv -> move(kv.key, kv.value));
        for (String key : secondLatestKeys) {
            PatientTriageEntry newest = store.get(key);
            if (newest != null && newest.getRecentSubmissionIds() == null) {
                moveSeenIds(PatientKeys.patientOf(key), PatientKeys.facilityOfLatest(key), newest);
            }
        }
        if (done) {
            store.put(PatientKeys.MIGRATED_IDS, PatientTriageEntry.newBuilder().build());
            store.delete(PatientKeys.MIGRATED);
            cursor = null;
            earlierLayoutsGone = true;
        } else {
            cursor = last + '\u0000';
        }
        return visited;
    }
}
