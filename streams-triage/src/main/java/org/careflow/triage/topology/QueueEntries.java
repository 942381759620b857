package org.careflow.triage.topology;

import java.util.ArrayList;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.state.triage.TriageQueueEntry;

/** The queue entry an assessment makes: what the facility's queue and statistics need of it, and nothing else. */
public final class QueueEntries {

    private QueueEntries() {
    }

    /** The entry of a patient who starts waiting with {@code a}; the queue keeps an earlier start if they were waiting. */
    public static TriageQueueEntry of(TriageAssessment a) {
        return TriageQueueEntry.newBuilder()
            .setFacilityId(a.getFacilityId())
            .setPatientId(a.getPatientId())
            .setSubmissionId(a.getSubmissionId())
            .setBand(a.getBand())
            .setQueueBand(TriageAssessor.effectiveBand(a))
            .setScore(TriageAssessor.score(a))
            .setRedFlags(new ArrayList<>(TriageAssessor.redFlags(a)))
            .setWaitingSince(a.getSubmittedAt())
            .setSubmittedAt(a.getSubmittedAt())
            .setAssessedAt(a.getOccurredAt())
            .setReview(a.getReview() != null)
            .setReceivedAt(a.getReceivedAt())
            .setLeftAt(null)
            .build();
    }
}
