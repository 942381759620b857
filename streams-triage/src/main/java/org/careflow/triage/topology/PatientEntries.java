package org.careflow.triage.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.state.triage.PatientTriageEntry;

/**
 * Reads a patient's assessments from the patient store for the queries: one kind of entry with one prefix scan, plus
 * whatever the earlier layout still holds for the patient (one more seek, empty once the task's values were moved).
 */
public enum PatientEntries {

    /** The newest assessment at each facility. */
    LATEST(PatientKeys.LATEST),
    /** Every assessment kept, at every facility. */
    HISTORY(PatientKeys.ENTRY);

    private final char kind;

    PatientEntries(char kind) {
        this.kind = kind;
    }

    /** The patient's assessments of this kind at every facility, in no particular order. */
    public static List<TriageAssessment> read(ReadOnlyKeyValueStore<String, PatientTriageEntry> store, String patientId,
                                              PatientEntries kind) {
        List<TriageAssessment> all = new ArrayList<>();
        try (KeyValueIterator<String, PatientTriageEntry> it = store.prefixScan(PatientKeys.kindPrefix(patientId, kind.kind),
            new StringSerializer())) {
            it.forEachRemaining(kv -> {
                // A newest entry without an assessment only keeps ids (a history moved from the first layout had none).
                if (kv.value.getAssessment() != null) {
                    all.add(kv.value.getAssessment());
                }
            });
        }
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
}
