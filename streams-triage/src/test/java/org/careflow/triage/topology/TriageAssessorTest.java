package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.careflow.events.triage.MonitoringFrequency;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.triage.TriageFixtures;
import org.careflow.triage.query.AssessmentView;
import org.junit.jupiter.api.Test;

class TriageAssessorTest {

    private static final Instant SUBMITTED = Instant.parse("2026-11-21T10:15:00Z");
    private static final Instant ASSESSED = Instant.parse("2026-11-21T10:15:02Z");

    @Test
    void shouldCarrySubmissionAndScoreWhenAssessing() {
        TriageAssessment a = TriageAssessor.assess(TriageFixtures.submission("s-1", "p-1", SUBMITTED, TriageFixtures.exampleVitals()), ASSESSED);

        assertThat(a.getPatientId()).isEqualTo("p-1");
        assertThat(a.getSubmittedAt()).isEqualTo(SUBMITTED);
        assertThat(a.getOccurredAt()).isEqualTo(ASSESSED);
        assertThat(a.getNews2().getTotal()).isEqualTo(7);
        assertThat(a.getNews2().getMonitoring()).isEqualTo(MonitoringFrequency.CONTINUOUS);
        assertThat(a.getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(a.getBandReason()).contains("7");
    }

    @Test
    void shouldRenderComponentsWithValuesAndPointsWhenViewed() {
        TriageAssessment a = TriageAssessor.assess(TriageFixtures.submission("s-1", "p-1", SUBMITTED, TriageFixtures.exampleVitals()), ASSESSED);

        AssessmentView view = AssessmentView.of(a);

        assertThat(view.score()).isEqualTo(7);
        assertThat(view.components()).containsOnlyKeys("respiratoryRate", "spo2", "onSupplementalOxygen", "systolicBp",
            "heartRate", "consciousness", "temperature");
        assertThat(view.components().get("respiratoryRate")).isEqualTo(new AssessmentView.Component(22, 2, "SCORED"));
        assertThat(view.components().get("temperature")).isEqualTo(new AssessmentView.Component(38.4, 1, "SCORED"));
        assertThat(view.components().get("consciousness")).isEqualTo(new AssessmentView.Component("ALERT", 0, "SCORED"));
    }

    @Test
    void shouldSayWhatIsKnownWhenIncomplete() {
        var vitals = TriageFixtures.exampleVitals();
        vitals.setHeartRate(null);

        AssessmentView view = AssessmentView.of(TriageAssessor.assess(TriageFixtures.submission("s-1", "p-1", SUBMITTED, vitals), ASSESSED));

        assertThat(view.band()).isEqualTo("INCOMPLETE");
        assertThat(view.complete()).isFalse();
        assertThat(view.components().get("heartRate")).isEqualTo(new AssessmentView.Component(null, null, "MISSING"));
        assertThat(view.bandReason()).contains("missing");
    }

    @Test
    void shouldForceHighWithReasonWhenRedFlagIsRaised() {
        var form = TriageFixtures.chestPainForm("chest", 1, 2);

        TriageAssessment a = TriageAssessor.assess(TriageFixtures.formSubmission("s-1", "p-1", SUBMITTED, TriageFixtures.normalVitals(),
            "chest", 1, java.util.Map.of("chest_pain", "yes")), form, ASSESSED);

        assertThat(a.getNews2().getBand()).isEqualTo(RiskBand.LOW);
        assertThat(a.getFormScore().getRedFlags()).containsExactly("chest_pain_flag");
        assertThat(a.getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(a.getBandReason()).contains("red flag").contains("chest_pain_flag");
    }

    @Test
    void shouldRaiseBandByCombinedScoreWhenFormPointsCrossAThreshold() {
        var form = TriageFixtures.chestPainForm("chest", 1, 3);

        TriageAssessment a = TriageAssessor.assess(TriageFixtures.formSubmission("s-1", "p-1", SUBMITTED, TriageFixtures.mediumVitals(),
            "chest", 1, java.util.Map.of("chest_pain", "no", "pain", "8")), form, ASSESSED);

        assertThat(a.getNews2().getTotal()).isEqualTo(5);
        assertThat(TriageAssessor.score(a)).isEqualTo(8);
        assertThat(a.getBand()).isEqualTo(RiskBand.HIGH);
    }

    @Test
    void shouldNeverLowerNews2BandWhenFormPointsAreNegative() {
        var form = TriageFixtures.chestPainForm("chest", 1, -4);

        TriageAssessment a = TriageAssessor.assess(TriageFixtures.formSubmission("s-1", "p-1", SUBMITTED, TriageFixtures.exampleVitals(),
            "chest", 1, java.util.Map.of("chest_pain", "no", "pain", "8")), form, ASSESSED);

        assertThat(TriageAssessor.score(a)).isEqualTo(3);
        assertThat(a.getBand()).isEqualTo(RiskBand.HIGH);
    }
}
