package org.careflow.triage.topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.state.triage.PatientTriageEntry;

/**
 * Reads a patient's assessments from the patient store for the queries: the newest entries with one prefix scan (and,
 * for the history, the history entries with another), plus whatever the first layout still holds for the patient (one
 * more seek, empty once the task's values were moved).
 */
public enum PatientEntries {

    /** The newest assessment at each facility. */
    LATEST,
    /** Every assessment kept, at every facility. */
    HISTORY;

    /** The patient's assessments of this kind at every facility, in no particular order. */
    public static List<TriageAssessment> read(ReadOnlyKeyValueStore<String, PatientTriageEntry> store, String patientId,
                                              PatientEntries kind) {
        List<TriageAssessment> all = new ArrayList<>();
        // The history is the history entries and each facility's newest: the newest is kept in the newest entry alone,
        // but values the previous version wrote keep it as a history entry too, which is counted once.
        Set<String> entries = new HashSet<>();
        if (kind == HISTORY) {
            scan(store, patientId, PatientKeys.ENTRY, entry -> {
                all.add(entry.getAssessment());
                entries.add(entry.getAssessment().getFacilityId() + TriageKeys.SEPARATOR + entry.getSequence());
            });
        }
        scan(store, patientId, PatientKeys.LATEST, newest -> {
            if (!entries.contains(newest.getAssessment().getFacilityId() + TriageKeys.SEPARATOR + newest.getSequence())) {
                all.add(newest.getAssessment());
            }
        });
        try (KeyValueIterator<String, PatientTriageEntry> it = store.range(PatientKeys.earlierLayoutFrom(patientId),
            PatientKeys.earlierLayoutTo(patientId))) {
            it.forEachRemaining(kv -> {
                List<TriageAssessment> earlier = kv.value.getEarlierAssessments();
                if (PatientKeys.isEarlierLayout(kv.key) && earlier != null && !earlier.isEmpty()) {
                    all.addAll(kind == LATEST ? earlier.subList(0, 1) : earlier);
                }
            });
        }
        return all;
    }

    /** Each entry of {@code kind} of the patient, at every facility, that holds an assessment. */
    private static void scan(ReadOnlyKeyValueStore<String, PatientTriageEntry> store, String patientId, char kind,
                             Consumer<PatientTriageEntry> each) {
        try (KeyValueIterator<String, PatientTriageEntry> it = store.prefixScan(PatientKeys.kindPrefix(patientId, kind),
            new StringSerializer())) {
            it.forEachRemaining(kv -> {
                // A newest entry without an assessment only keeps ids (a history moved from the first layout had none).
                if (kv.value.getAssessment() != null) {
                    each.accept(kv.value);
                }
            });
        }
    }
}
