package org.careflow.triage.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.state.triage.PatientTriageEntry;

/** What the tests read back from the patient store. */
final class PatientStoreReads {

    private PatientStoreReads() {
    }

    /**
     * A patient's history at a facility, newest received first: the newest entry's assessment, then the history entries'
     * (an entry numbered as the newest, which the previous version also wrote, counted once).
     */
    static List<TriageAssessment> historyNewestFirst(ReadOnlyKeyValueStore<String, PatientTriageEntry> store, String patientId,
                                                     String facilityId) {
        String prefix = PatientKeys.entryPrefix(patientId, facilityId);
        List<TriageAssessment> newestFirst = new ArrayList<>();
        PatientTriageEntry newest = store.get(PatientKeys.latest(patientId, facilityId));
        boolean hasNewest = newest != null && newest.getAssessment() != null;
        if (hasNewest) {
            newestFirst.add(newest.getAssessment());
        }
        try (KeyValueIterator<String, PatientTriageEntry> it = store.reverseRange(prefix, prefix + Character.MAX_VALUE)) {
            it.forEachRemaining(kv -> {
                if (!hasNewest || kv.value.getSequence() != newest.getSequence()) {
                    newestFirst.add(kv.value.getAssessment());
                }
            });
        }
        return newestFirst;
    }
}
