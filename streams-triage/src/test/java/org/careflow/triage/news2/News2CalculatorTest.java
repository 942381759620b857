package org.careflow.triage.news2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.function.Consumer;
import org.careflow.events.triage.ComponentScore;
import org.careflow.events.triage.ComponentStatus;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.MonitoringFrequency;
import org.careflow.events.triage.News2Score;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.VitalParameter;
import org.careflow.events.triage.VitalSigns;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Expected points are literals read off the RCP NEWS2 (2017) chart, never computed. */
class News2CalculatorTest {

    /** Every parameter present and scoring 0 on the chart. */
    private static VitalSigns.Builder allZero() {
        return VitalSigns.newBuilder()
                .setRespiratoryRate(16)
                .setSpo2(97)
                .setSpo2Scale(1)
                .setOnSupplementalOxygen(false)
                .setSystolicBp(120)
                .setHeartRate(70)
                .setConsciousness(Consciousness.ALERT)
                .setTemperature(37.0);
    }

    private static VitalSigns only(Consumer<VitalSigns.Builder> set) {
        VitalSigns.Builder builder = VitalSigns.newBuilder();
        set.accept(builder);
        return builder.build();
    }

    private static ComponentScore component(News2Score score, VitalParameter parameter) {
        return score.getComponents().stream()
                .filter(c -> c.getParameter() == parameter)
                .findFirst()
                .orElseThrow();
    }

    private static void assertScored(News2Score score, VitalParameter parameter, int points) {
        ComponentScore component = component(score, parameter);
        assertThat(component.getStatus()).isEqualTo(ComponentStatus.SCORED);
        assertThat(component.getPoints()).isEqualTo(points);
    }

    @Nested
    class RespirationRate {

        @ParameterizedTest(name = "RR {0} -> {1}")
        @CsvSource({"8,3", "9,1", "11,1", "12,0", "20,0", "21,2", "24,2", "25,3"})
        void shouldScoreChartPointsWhenRespirationRateIsAtABandEdge(int rate, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setRespiratoryRate(rate));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.RESPIRATION_RATE, points);
            assertThat(score.getTotal()).isEqualTo(points);
        }
    }

    @Nested
    class Spo2Scale1 {

        @ParameterizedTest(name = "SpO2 {0} scale 1 -> {1}")
        @CsvSource({"91,3", "92,2", "93,2", "94,1", "95,1", "96,0"})
        void shouldScoreChartPointsWhenSpo2OnScale1IsAtABandEdge(int spo2, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setSpo2(spo2).setSpo2Scale(1));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.SPO2, points);
        }

        @ParameterizedTest(name = "SpO2 {0} scale null -> {1}")
        @CsvSource({"91,3", "92,2", "93,2", "94,1", "95,1", "96,0"})
        void shouldUseScale1WhenSpo2ScaleIsNull(int spo2, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setSpo2(spo2));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.SPO2, points);
        }

        @ParameterizedTest(name = "SpO2 {0} scale 1 on oxygen -> {1}")
        @CsvSource({"91,3", "94,1", "96,0", "100,0"})
        void shouldIgnoreOxygenForSpo2PointsWhenOnScale1(int spo2, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setSpo2(spo2).setSpo2Scale(1).setOnSupplementalOxygen(true));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.SPO2, points);
            assertScored(score, VitalParameter.AIR_OR_OXYGEN, 2);
        }
    }

    @Nested
    class Spo2Scale2 {

        @ParameterizedTest(name = "SpO2 {0} scale 2 on air -> {1}")
        @CsvSource({"83,3", "84,2", "85,2", "86,1", "87,1", "88,0",
                "92,0", "93,0", "94,0", "95,0", "96,0", "97,0", "100,0"})
        void shouldScoreChartPointsWhenSpo2OnScale2IsOnAir(int spo2, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setSpo2(spo2).setSpo2Scale(2).setOnSupplementalOxygen(false));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.SPO2, points);
        }

        @ParameterizedTest(name = "SpO2 {0} scale 2 on oxygen -> {1}")
        @CsvSource({"83,3", "84,2", "85,2", "86,1", "87,1", "88,0",
                "92,0", "93,1", "94,1", "95,2", "96,2", "97,3", "100,3"})
        void shouldScoreChartPointsWhenSpo2OnScale2IsOnOxygen(int spo2, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setSpo2(spo2).setSpo2Scale(2).setOnSupplementalOxygen(true));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.SPO2, points);
        }

        @Test
        void shouldScoreSameSaturationDifferentlyWhenScale2IsOnAirVersusOxygen() {
            // Given
            VitalSigns onAir = allZero().setSpo2(97).setSpo2Scale(2).setOnSupplementalOxygen(false).build();
            VitalSigns onOxygen = allZero().setSpo2(97).setSpo2Scale(2).setOnSupplementalOxygen(true).build();

            // When
            News2Score airScore = News2Calculator.score(onAir);
            News2Score oxygenScore = News2Calculator.score(onOxygen);

            // Then
            assertScored(airScore, VitalParameter.SPO2, 0);
            assertScored(airScore, VitalParameter.AIR_OR_OXYGEN, 0);
            assertThat(airScore.getTotal()).isEqualTo(0);
            assertScored(oxygenScore, VitalParameter.SPO2, 3);
            assertScored(oxygenScore, VitalParameter.AIR_OR_OXYGEN, 2);
            assertThat(oxygenScore.getTotal()).isEqualTo(5);
            assertThat(oxygenScore.getBand()).isEqualTo(RiskBand.MEDIUM);
        }

        @ParameterizedTest(name = "SpO2 {0} scale 2, oxygen unknown -> NOT_SCORABLE")
        @ValueSource(ints = {93, 94, 95, 96, 97, 100})
        void shouldBeNotScorableWhenScale2AtOrAbove93AndOxygenUnknown(int spo2) {
            // Given
            VitalSigns vitals = allZero().setSpo2(spo2).setSpo2Scale(2).setOnSupplementalOxygen(null).build();

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            ComponentScore component = component(score, VitalParameter.SPO2);
            assertThat(component.getStatus()).isEqualTo(ComponentStatus.NOT_SCORABLE);
            assertThat(component.getPoints()).isNull();
            assertThat(component(score, VitalParameter.AIR_OR_OXYGEN).getStatus()).isEqualTo(ComponentStatus.MISSING);
            assertThat(score.getComplete()).isFalse();
            assertThat(score.getBand()).isEqualTo(RiskBand.INCOMPLETE);
            assertThat(score.getMinimumBand()).isEqualTo(RiskBand.LOW);
            assertThat(score.getTotal()).isEqualTo(0);
        }

        @ParameterizedTest(name = "SpO2 {0} scale 2, oxygen unknown -> {1}")
        @CsvSource({"83,3", "84,2", "86,1", "88,0", "92,0"})
        void shouldScoreWhenScale2AtOrBelow92AndOxygenUnknown(int spo2, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setSpo2(spo2).setSpo2Scale(2));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.SPO2, points);
        }
    }

    @Nested
    class Spo2ScaleValidation {

        @ParameterizedTest(name = "spo2Scale {0} is rejected")
        @ValueSource(ints = {0, 3, -1, 12})
        void shouldRejectWhenSpo2ScaleIsNeither1Nor2(int scale) {
            // Given
            VitalSigns vitals = allZero().setSpo2Scale(scale).build();

            // When / Then
            assertThatThrownBy(() -> News2Calculator.score(vitals))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("spo2Scale");
        }

        @Test
        void shouldRejectWhenSpo2ScaleIsInvalidEvenIfSpo2IsMissing() {
            // Given
            VitalSigns vitals = only(b -> b.setSpo2Scale(3));

            // When / Then
            assertThatThrownBy(() -> News2Calculator.score(vitals))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("spo2Scale");
        }

        @Test
        void shouldRejectWhenVitalsAreNull() {
            // When / Then
            assertThatThrownBy(() -> News2Calculator.score(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Nested
    class AirOrOxygen {

        @ParameterizedTest(name = "on oxygen {0} -> {1}")
        @CsvSource({"true,2", "false,0"})
        void shouldScoreChartPointsWhenAirOrOxygenIsKnown(boolean onOxygen, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setOnSupplementalOxygen(onOxygen));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.AIR_OR_OXYGEN, points);
        }
    }

    @Nested
    class SystolicBp {

        @ParameterizedTest(name = "SBP {0} -> {1}")
        @CsvSource({"90,3", "91,2", "100,2", "101,1", "110,1", "111,0", "219,0", "220,3"})
        void shouldScoreChartPointsWhenSystolicBpIsAtABandEdge(int mmHg, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setSystolicBp(mmHg));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.SYSTOLIC_BP, points);
        }
    }

    @Nested
    class Pulse {

        @ParameterizedTest(name = "HR {0} -> {1}")
        @CsvSource({"40,3", "41,1", "50,1", "51,0", "90,0", "91,1", "110,1", "111,2", "130,2", "131,3"})
        void shouldScoreChartPointsWhenPulseIsAtABandEdge(int beatsPerMinute, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setHeartRate(beatsPerMinute));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.PULSE, points);
        }
    }

    @Nested
    class ConsciousnessLevel {

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({"ALERT,0", "CONFUSION,3", "VOICE,3", "PAIN,3", "UNRESPONSIVE,3"})
        void shouldScoreChartPointsForEveryAcvpuValue(Consciousness acvpu, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setConsciousness(acvpu));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.CONSCIOUSNESS, points);
        }
    }

    @Nested
    class Temperature {

        @ParameterizedTest(name = "{0} C -> {1}")
        @CsvSource({"35.0,3", "35.1,1", "36.0,1", "36.1,0", "38.0,0", "38.1,1", "39.0,1", "39.1,2"})
        void shouldScoreChartPointsWhenTemperatureIsAtABandEdge(double celsius, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setTemperature(celsius));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.TEMPERATURE, points);
        }

        @ParameterizedTest(name = "{0} C rounds to {1} -> {2}")
        @CsvSource({
            "35.04, 35.0, 3", "35.05, 35.1, 1",
            "35.95, 36.0, 1", "36.04, 36.0, 1", "36.05, 36.1, 0",
            "38.04, 38.0, 0", "38.05, 38.1, 1",
            "39.04, 39.0, 1", "39.05, 39.1, 2",
            "34.96, 35.0, 3", "36.049999, 36.0, 1"})
        void shouldRoundHalfUpToOneDecimalWhenTemperatureHasMoreDecimals(
                double celsius, String roundedForReading, int points) {
            // Given
            VitalSigns vitals = only(b -> b.setTemperature(celsius));

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertScored(score, VitalParameter.TEMPERATURE, points);
        }
    }

    @Nested
    class MissingObservations {

        @ParameterizedTest(name = "{0} missing")
        @EnumSource(VitalParameter.class)
        void shouldReportMissingAndIncompleteWhenOneObservationIsNull(VitalParameter parameter) {
            // Given
            VitalSigns.Builder builder = allZero();
            switch (parameter) {
                case RESPIRATION_RATE -> builder.setRespiratoryRate(null);
                case SPO2 -> builder.setSpo2(null);
                case AIR_OR_OXYGEN -> builder.setOnSupplementalOxygen(null);
                case SYSTOLIC_BP -> builder.setSystolicBp(null);
                case PULSE -> builder.setHeartRate(null);
                case CONSCIOUSNESS -> builder.setConsciousness(null);
                case TEMPERATURE -> builder.setTemperature(null);
            }

            // When
            News2Score score = News2Calculator.score(builder.build());

            // Then
            ComponentScore missing = component(score, parameter);
            assertThat(missing.getStatus()).isEqualTo(ComponentStatus.MISSING);
            assertThat(missing.getPoints()).isNull();
            assertThat(score.getComponents())
                    .filteredOn(c -> c.getParameter() != parameter)
                    .allSatisfy(c -> {
                        assertThat(c.getStatus()).isEqualTo(ComponentStatus.SCORED);
                        assertThat(c.getPoints()).isEqualTo(0);
                    });
            assertThat(score.getComplete()).isFalse();
            assertThat(score.getTotal()).isEqualTo(0);
            assertThat(score.getBand()).isEqualTo(RiskBand.INCOMPLETE);
            assertThat(score.getMinimumBand()).isEqualTo(RiskBand.LOW);
            assertThat(score.getMonitoring()).isEqualTo(MonitoringFrequency.TWELVE_HOURLY);
        }

        @Test
        void shouldGiveMinimumBandHighWhenKnownValuesAlreadyTotalSevenButOneIsMissing() {
            // Given: RR 26 (3) + SBP 85 (3) + HR 45 (1) = 7, temperature not taken
            VitalSigns vitals = allZero()
                    .setRespiratoryRate(26)
                    .setSystolicBp(85)
                    .setHeartRate(45)
                    .setTemperature(null)
                    .build();

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertThat(score.getTotal()).isEqualTo(7);
            assertThat(score.getComplete()).isFalse();
            assertThat(score.getBand()).isEqualTo(RiskBand.INCOMPLETE);
            assertThat(score.getMinimumBand()).isEqualTo(RiskBand.HIGH);
            assertThat(score.getMonitoring()).isEqualTo(MonitoringFrequency.CONTINUOUS);
        }

        @Test
        void shouldGiveMinimumBandLowMediumWhenKnownValuesHaveASingleThreeAndOneIsMissing() {
            // Given: VOICE (3), SpO2 missing
            VitalSigns vitals = allZero().setConsciousness(Consciousness.VOICE).setSpo2(null).build();

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertThat(score.getTotal()).isEqualTo(3);
            assertThat(score.getBand()).isEqualTo(RiskBand.INCOMPLETE);
            assertThat(score.getMinimumBand()).isEqualTo(RiskBand.LOW_MEDIUM);
            assertThat(score.getMonitoring()).isEqualTo(MonitoringFrequency.HOURLY);
        }

        @Test
        void shouldGiveMinimumBandMediumWhenKnownValuesTotalFiveAndOneIsMissing() {
            // Given: RR 22 (2) + SBP 95 (2) + HR 45 (1) = 5, pulse present, consciousness missing
            VitalSigns vitals = allZero()
                    .setRespiratoryRate(22)
                    .setSystolicBp(95)
                    .setHeartRate(45)
                    .setConsciousness(null)
                    .build();

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertThat(score.getTotal()).isEqualTo(5);
            assertThat(score.getBand()).isEqualTo(RiskBand.INCOMPLETE);
            assertThat(score.getMinimumBand()).isEqualTo(RiskBand.MEDIUM);
            assertThat(score.getMonitoring()).isEqualTo(MonitoringFrequency.HOURLY);
        }

        @Test
        void shouldReportEverythingMissingWhenAllVitalsAreNull() {
            // Given
            VitalSigns vitals = VitalSigns.newBuilder().build();

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertThat(score.getTotal()).isEqualTo(0);
            assertThat(score.getComplete()).isFalse();
            assertThat(score.getBand()).isEqualTo(RiskBand.INCOMPLETE);
            assertThat(score.getMinimumBand()).isEqualTo(RiskBand.LOW);
            assertThat(score.getMonitoring()).isEqualTo(MonitoringFrequency.TWELVE_HOURLY);
            assertThat(score.getComponents())
                    .extracting(ComponentScore::getParameter)
                    .containsExactly(
                            VitalParameter.RESPIRATION_RATE,
                            VitalParameter.SPO2,
                            VitalParameter.AIR_OR_OXYGEN,
                            VitalParameter.SYSTOLIC_BP,
                            VitalParameter.PULSE,
                            VitalParameter.CONSCIOUSNESS,
                            VitalParameter.TEMPERATURE);
            assertThat(score.getComponents()).allSatisfy(c -> {
                assertThat(c.getStatus()).isEqualTo(ComponentStatus.MISSING);
                assertThat(c.getPoints()).isNull();
            });
        }
    }

    @Nested
    class AggregateBands {

        @ParameterizedTest(name = "{0}: total {1} -> {2} / {3}")
        @CsvSource({
            // description,                     RR, SpO2, O2,   SBP, HR,  ACVPU,     temp, total, band,       monitoring
            "'all zero',                        16, 97,  false, 120, 70,  ALERT,     37.0, 0, LOW,        TWELVE_HOURLY",
            "'one point (HR 45)',               16, 97,  false, 120, 45,  ALERT,     37.0, 1, LOW,        FOUR_TO_SIX_HOURLY",
            "'four ones',                       10, 95,  false, 105, 45,  ALERT,     37.0, 4, LOW,        FOUR_TO_SIX_HOURLY",
            "'two twos',                        22, 97,  false,  95, 70,  ALERT,     37.0, 4, LOW,        FOUR_TO_SIX_HOURLY",
            "'single 3 (RR 8), total 3',         8, 97,  false, 120, 70,  ALERT,     37.0, 3, LOW_MEDIUM, HOURLY",
            "'single 3 (CONFUSION), total 4',   16, 97,  false, 120, 45,  CONFUSION, 37.0, 4, LOW_MEDIUM, HOURLY",
            "'single 3 (temp 35.0), total 4',   16, 95,  false, 120, 70,  ALERT,     35.0, 4, LOW_MEDIUM, HOURLY",
            "'single 3 + a 2, total 5',          8, 97,  false,  95, 70,  ALERT,     37.0, 5, MEDIUM,     HOURLY",
            "'no 3, total 5',                   22, 97,  false,  95, 45,  ALERT,     37.0, 5, MEDIUM,     HOURLY",
            "'total 6',                         22, 97,  false,  95, 115, ALERT,     37.0, 6, MEDIUM,     HOURLY",
            "'total 7',                         22, 97,  false,  95, 115, ALERT,     38.5, 7, HIGH,       CONTINUOUS",
            "'two 3s, total 6',                  8, 97,  false,  85, 70,  ALERT,     37.0, 6, MEDIUM,     HOURLY",
            "'chart maximum',                    5, 80,  true,   80, 150, UNRESPONSIVE, 34.0, 20, HIGH,   CONTINUOUS"})
        void shouldBandTotalPerChartWhenAllObservationsArePresent(
                String description,
                int respiratoryRate,
                int spo2,
                boolean onOxygen,
                int systolicBp,
                int heartRate,
                Consciousness consciousness,
                double temperature,
                int total,
                RiskBand band,
                MonitoringFrequency monitoring) {
            // Given
            VitalSigns vitals = VitalSigns.newBuilder()
                    .setRespiratoryRate(respiratoryRate)
                    .setSpo2(spo2)
                    .setSpo2Scale(1)
                    .setOnSupplementalOxygen(onOxygen)
                    .setSystolicBp(systolicBp)
                    .setHeartRate(heartRate)
                    .setConsciousness(consciousness)
                    .setTemperature(temperature)
                    .build();

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertThat(score.getTotal()).isEqualTo(total);
            assertThat(score.getComplete()).isTrue();
            assertThat(score.getBand()).isEqualTo(band);
            assertThat(score.getMinimumBand()).isEqualTo(band);
            assertThat(score.getMonitoring()).isEqualTo(monitoring);
        }

        @Test
        void shouldScoreSevenAndBandHighWhenGivenTheWorkedExample() {
            // Given: RR 22, SpO2 93 on scale 1, air, SBP 105, HR 95, alert, 38.4 C
            VitalSigns vitals = VitalSigns.newBuilder()
                    .setRespiratoryRate(22)
                    .setSpo2(93)
                    .setSpo2Scale(1)
                    .setOnSupplementalOxygen(false)
                    .setSystolicBp(105)
                    .setHeartRate(95)
                    .setConsciousness(Consciousness.ALERT)
                    .setTemperature(38.4)
                    .build();

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then: 2 + 2 + 0 + 1 + 1 + 0 + 1 = 7
            assertThat(score.getComponents())
                    .extracting(ComponentScore::getParameter, ComponentScore::getStatus, ComponentScore::getPoints)
                    .containsExactly(
                            tuple(VitalParameter.RESPIRATION_RATE, ComponentStatus.SCORED, 2),
                            tuple(VitalParameter.SPO2, ComponentStatus.SCORED, 2),
                            tuple(VitalParameter.AIR_OR_OXYGEN, ComponentStatus.SCORED, 0),
                            tuple(VitalParameter.SYSTOLIC_BP, ComponentStatus.SCORED, 1),
                            tuple(VitalParameter.PULSE, ComponentStatus.SCORED, 1),
                            tuple(VitalParameter.CONSCIOUSNESS, ComponentStatus.SCORED, 0),
                            tuple(VitalParameter.TEMPERATURE, ComponentStatus.SCORED, 1));
            assertThat(score.getTotal()).isEqualTo(7);
            assertThat(score.getComplete()).isTrue();
            assertThat(score.getBand()).isEqualTo(RiskBand.HIGH);
            assertThat(score.getMinimumBand()).isEqualTo(RiskBand.HIGH);
            assertThat(score.getMonitoring()).isEqualTo(MonitoringFrequency.CONTINUOUS);
        }

        @Test
        void shouldListAllSevenParametersInEnumOrderWhenComplete() {
            // Given
            VitalSigns vitals = allZero().build();

            // When
            News2Score score = News2Calculator.score(vitals);

            // Then
            assertThat(score.getComponents())
                    .extracting(ComponentScore::getParameter)
                    .containsExactly(
                            VitalParameter.RESPIRATION_RATE,
                            VitalParameter.SPO2,
                            VitalParameter.AIR_OR_OXYGEN,
                            VitalParameter.SYSTOLIC_BP,
                            VitalParameter.PULSE,
                            VitalParameter.CONSCIOUSNESS,
                            VitalParameter.TEMPERATURE);
        }
    }
}
