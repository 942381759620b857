package org.careflow.triage.news2;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.careflow.events.triage.ComponentScore;
import org.careflow.events.triage.ComponentStatus;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.MonitoringFrequency;
import org.careflow.events.triage.News2Score;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.VitalParameter;
import org.careflow.events.triage.VitalSigns;

/**
 * Scores vital signs with the Royal College of Physicians NEWS2 (2017) chart. A pure function: a
 * missing observation is reported as MISSING and never counted as zero, so an incomplete score's
 * total and minimum band are lower bounds.
 */
public final class News2Calculator {

    static final PointsChart RESPIRATION_RATE =
            PointsChart.atOrBelow(8, 3).atOrBelow(11, 1).atOrBelow(20, 0).atOrBelow(24, 2).above(3);

    static final PointsChart SPO2_SCALE_1 =
            PointsChart.atOrBelow(91, 3).atOrBelow(93, 2).atOrBelow(95, 1).above(0);

    /** Scale 2 up to its 88-92% target scores the same on air and on oxygen. */
    static final int SPO2_SCALE_2_TARGET_UPPER = 92;

    static final PointsChart SPO2_SCALE_2_ON_AIR =
            PointsChart.atOrBelow(83, 3).atOrBelow(85, 2).atOrBelow(87, 1).above(0);

    static final PointsChart SPO2_SCALE_2_ON_OXYGEN = PointsChart.atOrBelow(83, 3)
            .atOrBelow(85, 2)
            .atOrBelow(87, 1)
            .atOrBelow(SPO2_SCALE_2_TARGET_UPPER, 0)
            .atOrBelow(94, 1)
            .atOrBelow(96, 2)
            .above(3);

    static final int ON_OXYGEN_POINTS = 2;
    static final int ON_AIR_POINTS = 0;

    static final PointsChart SYSTOLIC_BP =
            PointsChart.atOrBelow(90, 3).atOrBelow(100, 2).atOrBelow(110, 1).atOrBelow(219, 0).above(3);

    static final PointsChart PULSE = PointsChart.atOrBelow(40, 3)
            .atOrBelow(50, 1)
            .atOrBelow(90, 0)
            .atOrBelow(110, 1)
            .atOrBelow(130, 2)
            .above(3);

    static final int ALERT_POINTS = 0;
    static final int NOT_ALERT_POINTS = 3;

    /** In tenths of a degree Celsius, so that 35.0 is 350: compared exactly after rounding. */
    static final PointsChart TEMPERATURE_TENTHS =
            PointsChart.atOrBelow(350, 3).atOrBelow(360, 1).atOrBelow(380, 0).atOrBelow(390, 1).above(2);

    private News2Calculator() {}

    /**
     * Scores the given observations.
     *
     * @throws NullPointerException if {@code vitals} is null
     * @throws IllegalArgumentException if {@code spo2Scale} is neither null, 1 nor 2
     */
    public static News2Score score(VitalSigns vitals) {
        Objects.requireNonNull(vitals, "vitals");
        List<ComponentScore> components = List.of(
                respirationRate(vitals.getRespiratoryRate()),
                spo2(vitals.getSpo2(), vitals.getSpo2Scale(), vitals.getOnSupplementalOxygen()),
                airOrOxygen(vitals.getOnSupplementalOxygen()),
                systolicBp(vitals.getSystolicBp()),
                pulse(vitals.getHeartRate()),
                consciousness(vitals.getConsciousness()),
                temperature(vitals.getTemperature()));

        int total = 0;
        boolean anyRedScore = false;
        boolean complete = true;
        for (ComponentScore component : components) {
            if (component.getStatus() == ComponentStatus.SCORED) {
                total += component.getPoints();
                anyRedScore |= News2Bands.isRedScore(component.getPoints());
            } else {
                complete = false;
            }
        }
        RiskBand minimumBand = News2Bands.forTotal(total, anyRedScore);
        return News2Score.newBuilder()
                .setTotal(total)
                .setComplete(complete)
                // Mutable like a deserialized record's list, so consumers see one kind of list.
                .setComponents(new ArrayList<>(components))
                .setBand(complete ? minimumBand : RiskBand.INCOMPLETE)
                .setMinimumBand(minimumBand)
                .setMonitoring(monitoring(minimumBand, total))
                .build();
    }

    static ComponentScore respirationRate(Integer breathsPerMinute) {
        return breathsPerMinute == null
                ? missing(VitalParameter.RESPIRATION_RATE)
                : scored(VitalParameter.RESPIRATION_RATE, RESPIRATION_RATE.pointsFor(breathsPerMinute));
    }

    static ComponentScore spo2(Integer percent, Integer scale, Boolean onOxygen) {
        boolean scale2 = isScale2(scale);
        if (percent == null) {
            return missing(VitalParameter.SPO2);
        }
        if (!scale2) {
            return scored(VitalParameter.SPO2, SPO2_SCALE_1.pointsFor(percent));
        }
        if (percent <= SPO2_SCALE_2_TARGET_UPPER) {
            return scored(VitalParameter.SPO2, SPO2_SCALE_2_ON_AIR.pointsFor(percent));
        }
        if (onOxygen == null) {
            // Above the scale 2 target the points depend on air or oxygen, which is unknown.
            return component(VitalParameter.SPO2, ComponentStatus.NOT_SCORABLE, null);
        }
        PointsChart chart = onOxygen ? SPO2_SCALE_2_ON_OXYGEN : SPO2_SCALE_2_ON_AIR;
        return scored(VitalParameter.SPO2, chart.pointsFor(percent));
    }

    static boolean isScale2(Integer scale) {
        if (scale == null || scale == 1) {
            return false; // scale 1 is the chart's default; scale 2 only when prescribed
        }
        if (scale == 2) {
            return true;
        }
        throw new IllegalArgumentException("spo2Scale must be 1, 2 or null, was " + scale);
    }

    static ComponentScore airOrOxygen(Boolean onOxygen) {
        return onOxygen == null
                ? missing(VitalParameter.AIR_OR_OXYGEN)
                : scored(VitalParameter.AIR_OR_OXYGEN, onOxygen ? ON_OXYGEN_POINTS : ON_AIR_POINTS);
    }

    static ComponentScore systolicBp(Integer mmHg) {
        return mmHg == null
                ? missing(VitalParameter.SYSTOLIC_BP)
                : scored(VitalParameter.SYSTOLIC_BP, SYSTOLIC_BP.pointsFor(mmHg));
    }

    static ComponentScore pulse(Integer beatsPerMinute) {
        return beatsPerMinute == null
                ? missing(VitalParameter.PULSE)
                : scored(VitalParameter.PULSE, PULSE.pointsFor(beatsPerMinute));
    }

    static ComponentScore consciousness(Consciousness acvpu) {
        if (acvpu == null) {
            return missing(VitalParameter.CONSCIOUSNESS);
        }
        int points = switch (acvpu) {
            case ALERT -> ALERT_POINTS;
            case CONFUSION, VOICE, PAIN, UNRESPONSIVE -> NOT_ALERT_POINTS;
        };
        return scored(VitalParameter.CONSCIOUSNESS, points);
    }

    static ComponentScore temperature(Double celsius) {
        return celsius == null
                ? missing(VitalParameter.TEMPERATURE)
                : scored(VitalParameter.TEMPERATURE, TEMPERATURE_TENTHS.pointsFor(toTenthsOfDegree(celsius)));
    }

    /**
     * Rounds half-up to one decimal as the chart is read (36.05 is 36.1). BigDecimal.valueOf keeps
     * the double's shortest decimal form, so 36.05 is not taken as 36.0499999...
     */
    static int toTenthsOfDegree(double celsius) {
        return BigDecimal.valueOf(celsius)
                .setScale(1, RoundingMode.HALF_UP)
                .movePointRight(1)
                .intValueExact();
    }

    static MonitoringFrequency monitoring(RiskBand band, int total) {
        return switch (band) {
            case LOW -> total == 0 ? MonitoringFrequency.TWELVE_HOURLY : MonitoringFrequency.FOUR_TO_SIX_HOURLY;
            case LOW_MEDIUM, MEDIUM -> MonitoringFrequency.HOURLY;
            case HIGH -> MonitoringFrequency.CONTINUOUS;
            case INCOMPLETE -> throw new IllegalArgumentException("monitoring needs a scored band, not INCOMPLETE");
        };
    }

    private static ComponentScore scored(VitalParameter parameter, int points) {
        return component(parameter, ComponentStatus.SCORED, points);
    }

    private static ComponentScore missing(VitalParameter parameter) {
        return component(parameter, ComponentStatus.MISSING, null);
    }

    private static ComponentScore component(VitalParameter parameter, ComponentStatus status, Integer points) {
        return ComponentScore.newBuilder()
                .setParameter(parameter)
                .setStatus(status)
                .setPoints(points)
                .build();
    }
}
