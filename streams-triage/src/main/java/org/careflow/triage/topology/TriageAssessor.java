package org.careflow.triage.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.FormScore;
import org.careflow.events.triage.News2Score;
import org.careflow.events.triage.ReviewReason;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.forms.FormScorer;
import org.careflow.triage.news2.News2Bands;
import org.careflow.triage.news2.News2Calculator;

/**
 * Turns a submission into its assessment, a pure function of the submission, its form and the time.
 * The NEWS2 part and the form part stay apart; the final band is HIGH when a red flag is raised, else the
 * NEWS2 band, raised (never lowered) by the band the combined score reaches on the NEWS2 thresholds.
 */
public final class TriageAssessor {

    private TriageAssessor() {
    }

    /** Scores on NEWS2 only: for submissions whose form is built in and has no questions. */
    public static TriageAssessment assess(TriageSubmission submission, Instant assessedAt) {
        return assess(submission, null, assessedAt);
    }

    /**
     * @param form the form version the patient answered, or null when it is not available (then only NEWS2
     *             scores, and the reason says so)
     */
    public static TriageAssessment assess(TriageSubmission submission, FormDefinition form, Instant assessedAt) {
        Objects.requireNonNull(submission, "submission");
        News2Score news2 = News2Calculator.score(submission.getVitals());
        FormScore formScore = form == null ? null : FormScorer.score(form, submission.getAnswers());
        Decision decision = decide(news2, formScore, form == null ? submission.getFormId() : null);
        return base(submission, news2, assessedAt)
            .setFormVersion(form == null ? submission.getFormVersion() : Integer.valueOf(form.getVersion()))
            .setFormScore(formScore)
            .setBand(decision.band())
            .setBandReason(decision.reason())
            .build();
    }

    /**
     * The assessment of a submission whose form did not arrive within {@code waited}: its answers (and any red flag in
     * them) cannot be scored, so the band is HIGH whatever NEWS2 alone gives, and a person must review it. The reason
     * names what NEWS2 alone gives, so the reviewer starts from it.
     */
    public static TriageAssessment assessForReview(TriageSubmission submission, Duration waited, Instant assessedAt) {
        Objects.requireNonNull(submission, "submission");
        News2Score news2 = News2Calculator.score(submission.getVitals());
        String version = submission.getFormVersion() == null ? "(latest)" : "version " + submission.getFormVersion();
        return base(submission, news2, assessedAt)
            .setFormVersion(submission.getFormVersion())
            .setFormScore(null)
            .setBand(RiskBand.HIGH)
            .setBandReason("form unavailable, review: form " + submission.getFormId() + " " + version + " did not arrive within "
                + waited.toSeconds() + " s, so the answers and red flags are not scored; NEWS2 alone gives "
                + news2.getBand() + " (total " + news2.getTotal() + ")")
            .setReview(ReviewReason.FORM_UNAVAILABLE)
            .build();
    }

    private static TriageAssessment.Builder base(TriageSubmission submission, News2Score news2, Instant assessedAt) {
        return TriageAssessment.newBuilder()
            .setEventId(eventId(submission))
            .setOccurredAt(assessedAt)
            .setSubmissionId(submission.getSubmissionId())
            .setPatientId(submission.getPatientId())
            .setFacilityId(submission.getFacilityId())
            .setFormId(submission.getFormId())
            .setSubmittedAt(submission.getSubmittedAt())
            .setReceivedAt(submission.getOccurredAt())
            .setVitals(submission.getVitals())
            .setNews2(news2)
            .setReview(null);
    }

    /**
     * The assessment's event id: the same for every reprocessing of the submission, and distinct for each facility and
     * patient, since submission ids are chosen by clients (and so can repeat across them). Names no patient.
     */
    public static String eventId(TriageSubmission submission) {
        return eventId(submission.getFacilityId(), submission.getPatientId(), submission.getSubmissionId());
    }

    /** The event id of the assessment of {@code submissionId}, sent for {@code patientId} at {@code facilityId}. */
    public static String eventId(String facilityId, String patientId, String submissionId) {
        return ScopedIds.of("assessment-", facilityId, patientId, submissionId);
    }

    /** NEWS2 total plus form points: what the queue orders by after the band. */
    public static int score(TriageAssessment assessment) {
        FormScore form = assessment.getFormScore();
        return assessment.getNews2().getTotal() + (form == null ? 0 : form.getPoints());
    }

    /** The red flags (rule ids) the assessment raised. */
    public static List<String> redFlags(TriageAssessment assessment) {
        return assessment.getFormScore() == null ? List.of() : assessment.getFormScore().getRedFlags();
    }

    /** The band to order and compare by: the final band, or for INCOMPLETE what is already certain. */
    public static RiskBand effectiveBand(TriageAssessment assessment) {
        if (assessment.getBand() != RiskBand.INCOMPLETE) {
            return assessment.getBand();
        }
        int combined = score(assessment);
        return RiskBands.max(assessment.getNews2().getMinimumBand(),
            News2Bands.forTotal(combined, News2Bands.hasRedScore(assessment.getNews2())));
    }

    private record Decision(RiskBand band, String reason) {
    }

    private static Decision decide(News2Score news2, FormScore form, String unavailableFormId) {
        String formNote = unavailableFormId == null ? "" : "; form " + unavailableFormId + " was not available, so only NEWS2 was scored";
        if (form != null && !form.getRedFlags().isEmpty()) {
            return new Decision(RiskBand.HIGH, "red flag " + String.join(", ", form.getRedFlags()));
        }
        if (news2.getBand() == RiskBand.INCOMPLETE) {
            return new Decision(RiskBand.INCOMPLETE, "NEWS2 is incomplete: the observations given already reach "
                + news2.getMinimumBand() + " (total " + news2.getTotal() + "); record the missing ones" + formNote);
        }
        int points = form == null ? 0 : form.getPoints();
        RiskBand combined = News2Bands.forTotal(news2.getTotal() + points, News2Bands.hasRedScore(news2));
        if (points != 0 && RiskBands.rank(combined) > RiskBands.rank(news2.getBand())) {
            return new Decision(combined, "NEWS2 total " + news2.getTotal() + " plus " + points + " form points" + formNote);
        }
        String base = news2.getBand() == RiskBand.LOW_MEDIUM
            ? "NEWS2 total " + news2.getTotal() + " with a single parameter scoring 3"
            : "NEWS2 total " + news2.getTotal();
        return new Decision(news2.getBand(), base + (points != 0 ? " (form points " + points + ")" : "") + formNote);
    }
}
