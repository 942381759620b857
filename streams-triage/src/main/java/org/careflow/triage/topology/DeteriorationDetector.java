package org.careflow.triage.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.careflow.events.triage.AssessmentSummary;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.DeteriorationReason;
import org.careflow.events.triage.TriageAssessment;

/**
 * Compares a patient's consecutive assessments at one facility, in the order careflow received them (a client's clock
 * cannot reorder them): the band rose, the score rose by {@value #SCORE_RISE} or more within {@link #SCORE_RISE_WINDOW},
 * or a red flag appeared. A first assessment alerts only for red flags. An assessment that needs review (its form never
 * arrived) always alerts.
 */
public final class DeteriorationDetector {

    public static final int SCORE_RISE = 2;
    public static final Duration SCORE_RISE_WINDOW = Duration.ofHours(24);

    private DeteriorationDetector() {
    }

    /** The alert for {@code current} after {@code previous} (null for a first assessment), or null when nothing got worse. */
    public static DeteriorationAlert detect(TriageAssessment previous, TriageAssessment current, Instant detectedAt) {
        List<DeteriorationReason> reasons = new ArrayList<>();
        List<String> newRedFlags = new ArrayList<>(TriageAssessor.redFlags(current));
        if (previous != null) {
            newRedFlags.removeAll(TriageAssessor.redFlags(previous));
            if (RiskBands.rank(TriageAssessor.effectiveBand(current)) > RiskBands.rank(TriageAssessor.effectiveBand(previous))) {
                reasons.add(DeteriorationReason.BAND_ROSE);
            }
            // The window is measured on careflow's clock where both were received with it; the clients' clocks otherwise.
            boolean within = !received(current).isAfter(received(previous).plus(SCORE_RISE_WINDOW));
            if (within && TriageAssessor.score(current) - TriageAssessor.score(previous) >= SCORE_RISE) {
                reasons.add(DeteriorationReason.SCORE_ROSE);
            }
        }
        if (!newRedFlags.isEmpty()) {
            reasons.add(DeteriorationReason.RED_FLAG);
        }
        if (current.getReview() != null) {
            // Unscored answers may hide a red flag: escalate, even for a first assessment.
            reasons.add(DeteriorationReason.REVIEW_NEEDED);
        }
        if (reasons.isEmpty()) {
            return null;
        }
        return DeteriorationAlert.newBuilder()
            .setEventId(ScopedIds.of("alert-", current.getFacilityId(), current.getPatientId(), current.getSubmissionId()))
            .setOccurredAt(detectedAt)
            .setFacilityId(current.getFacilityId())
            .setPatientId(current.getPatientId())
            .setReasons(reasons)
            .setPrevious(previous == null ? null : summary(previous))
            .setCurrent(summary(current))
            .setNewRedFlags(newRedFlags)
            .build();
    }

    private static java.time.Instant received(TriageAssessment a) {
        return a.getReceivedAt() != null ? a.getReceivedAt() : a.getSubmittedAt();
    }

    static AssessmentSummary summary(TriageAssessment a) {
        return AssessmentSummary.newBuilder()
            .setSubmissionId(a.getSubmissionId())
            .setSubmittedAt(a.getSubmittedAt())
            .setBand(a.getBand())
            .setScore(TriageAssessor.score(a))
            .setRedFlags(new ArrayList<>(TriageAssessor.redFlags(a)))
            .build();
    }
}
