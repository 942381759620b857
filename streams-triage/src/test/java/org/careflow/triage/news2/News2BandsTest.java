package org.careflow.triage.news2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.careflow.events.triage.ComponentScore;
import org.careflow.events.triage.ComponentStatus;
import org.careflow.events.triage.MonitoringFrequency;
import org.careflow.events.triage.News2Score;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.VitalParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class News2BandsTest {

    @ParameterizedTest(name = "total {0}, red score {1} -> {2}")
    @CsvSource({
        "0,  false, LOW",
        "4,  false, LOW",
        "0,  true,  LOW_MEDIUM",
        "3,  true,  LOW_MEDIUM",
        "4,  true,  LOW_MEDIUM",
        "5,  false, MEDIUM",
        "5,  true,  MEDIUM",
        "6,  false, MEDIUM",
        "6,  true,  MEDIUM",
        "7,  false, HIGH",
        "7,  true,  HIGH",
        "20, false, HIGH",
    })
    void shouldBandPerTheRcpChartWhenTotalIsAtAnEdge(int total, boolean redScore, RiskBand band) {
        // When / Then
        assertThat(News2Bands.forTotal(total, redScore)).isEqualTo(band);
    }

    @Test
    void shouldCallThreePointsARedScoreWhenOneParameterScoresThem() {
        // When / Then
        assertThat(News2Bands.isRedScore(2)).isFalse();
        assertThat(News2Bands.isRedScore(3)).isTrue();
    }

    @Test
    void shouldFindARedScoreOnlyAmongScoredParametersWhenSomeAreMissing() {
        // Given
        News2Score noRed = score(component(VitalParameter.PULSE, ComponentStatus.SCORED, 2),
            component(VitalParameter.SPO2, ComponentStatus.MISSING, null));
        News2Score red = score(component(VitalParameter.PULSE, ComponentStatus.SCORED, 1),
            component(VitalParameter.CONSCIOUSNESS, ComponentStatus.SCORED, 3));

        // When / Then
        assertThat(News2Bands.hasRedScore(noRed)).isFalse();
        assertThat(News2Bands.hasRedScore(red)).isTrue();
    }

    private static News2Score score(ComponentScore... components) {
        return News2Score.newBuilder()
            .setTotal(0)
            .setComplete(false)
            .setComponents(new ArrayList<>(List.of(components)))
            .setBand(RiskBand.INCOMPLETE)
            .setMinimumBand(RiskBand.LOW)
            .setMonitoring(MonitoringFrequency.TWELVE_HOURLY)
            .build();
    }

    private static ComponentScore component(VitalParameter parameter, ComponentStatus status, Integer points) {
        return ComponentScore.newBuilder().setParameter(parameter).setStatus(status).setPoints(points).build();
    }
}
