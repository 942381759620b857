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
}
