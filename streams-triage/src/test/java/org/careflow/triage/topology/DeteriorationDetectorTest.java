package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.careflow.events.triage.DeteriorationReason;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.VitalSigns;
import org.careflow.triage.TriageFixtures;
import org.junit.jupiter.api.Test;

class DeteriorationDetectorTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void shouldNotAlertWhenFirstAssessmentHasNoRedFlag() {
        assertThat(DeteriorationDetector.detect(null, assess("s-1", T0, TriageFixtures.exampleVitals()), T0)).isNull();
    }

    @Test
    void shouldAlertScoreRiseWhenTwoPointsWithin24Hours() {
        TriageAssessment before = assess("s-1", T0, TriageFixtures.normalVitals());
        VitalSigns worse = TriageFixtures.normalVitals();
        worse.setRespiratoryRate(22);

        var alert = DeteriorationDetector.detect(before, assess("s-2", T0.plus(Duration.ofHours(24)), worse), T0);

        assertThat(alert.getReasons()).containsExactly(DeteriorationReason.SCORE_ROSE);
        assertThat(alert.getPrevious().getScore()).isZero();
        assertThat(alert.getCurrent().getScore()).isEqualTo(2);
    }

    @Test
    void shouldNotAlertScoreRiseWhenMoreThan24HoursApart() {
        TriageAssessment before = assess("s-1", T0, TriageFixtures.normalVitals());
        VitalSigns worse = TriageFixtures.normalVitals();
        worse.setRespiratoryRate(22);

        assertThat(DeteriorationDetector.detect(before, assess("s-2", T0.plus(Duration.ofHours(24)).plusMillis(1), worse), T0)).isNull();
    }

    @Test
    void shouldNotAlertWhenScoreRisesByOneOnly() {
        TriageAssessment before = assess("s-1", T0, TriageFixtures.normalVitals());

        assertThat(DeteriorationDetector.detect(before, assess("s-2", T0.plusSeconds(60), TriageFixtures.lowVitals()), T0)).isNull();
    }

    @Test
    void shouldAlertBandRiseWhenIncompleteMinimumBandExceedsPreviousBand() {
        TriageAssessment before = assess("s-1", T0, TriageFixtures.lowVitals());
        VitalSigns partial = TriageFixtures.exampleVitals();
        partial.setHeartRate(null);

        var alert = DeteriorationDetector.detect(before, assess("s-2", T0.plusSeconds(60), partial), T0);

        assertThat(alert.getReasons()).contains(DeteriorationReason.BAND_ROSE);
    }

    @Test
    void shouldAlertOnlyNewRedFlagsWhenSomeWereAlreadyRaised() {
        var form = TriageFixtures.chestPainForm("chest", 1, 2);
        TriageAssessment before = TriageAssessor.assess(TriageFixtures.formSubmission("s-1", "p-1", T0, TriageFixtures.normalVitals(),
            "chest", 1, Map.of("chest_pain", "yes")), form, T0);
        TriageAssessment after = TriageAssessor.assess(TriageFixtures.formSubmission("s-2", "p-1", T0.plusSeconds(60),
            TriageFixtures.normalVitals(), "chest", 1, Map.of("chest_pain", "yes")), form, T0);

        assertThat(DeteriorationDetector.detect(before, after, T0)).isNull();
    }

    private static TriageAssessment assess(String id, Instant at, VitalSigns vitals) {
        return TriageAssessor.assess(TriageFixtures.submission(id, "p-1", at, vitals), at);
    }
}
