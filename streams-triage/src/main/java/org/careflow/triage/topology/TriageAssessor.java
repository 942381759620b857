package org.careflow.triage.topology;

import java.time.Instant;
import java.util.Objects;
import org.careflow.events.triage.News2Score;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.triage.news2.News2Calculator;

/** Turns a submission into its assessment: a pure function of the submission and the time of assessment. */
public final class TriageAssessor {

    private TriageAssessor() {
    }

    public static TriageAssessment assess(TriageSubmission submission, Instant assessedAt) {
        Objects.requireNonNull(submission, "submission");
        News2Score news2 = News2Calculator.score(submission.getVitals());
        return TriageAssessment.newBuilder()
            .setEventId("assessment-" + submission.getSubmissionId())
            .setOccurredAt(assessedAt)
            .setSubmissionId(submission.getSubmissionId())
            .setPatientId(submission.getPatientId())
            .setFacilityId(submission.getFacilityId())
            .setFormId(submission.getFormId())
            .setFormVersion(submission.getFormVersion())
            .setSubmittedAt(submission.getSubmittedAt())
            .setVitals(submission.getVitals())
            .setNews2(news2)
            .setFormScore(null)
            .setBand(news2.getBand())
            .setBandReason(bandReason(news2))
            .build();
    }

    private static String bandReason(News2Score news2) {
        if (news2.getBand() == RiskBand.INCOMPLETE) {
            return "NEWS2 is incomplete: the observations given already reach " + news2.getMinimumBand()
                + " (total " + news2.getTotal() + "); record the missing ones";
        }
        return switch (news2.getBand()) {
            case LOW_MEDIUM -> "NEWS2 total " + news2.getTotal() + " with a single parameter scoring 3";
            default -> "NEWS2 total " + news2.getTotal();
        };
    }
}
