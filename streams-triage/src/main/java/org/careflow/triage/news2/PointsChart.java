package org.careflow.triage.news2;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the NEWS2 chart: ascending inclusive upper bounds, each with its points, and the
 * points for anything above the last bound. Reads left to right like the printed chart.
 */
final class PointsChart {

    private record Step(int atOrBelow, int points) {}

    private final List<Step> steps;
    private final int pointsAbove;

    private PointsChart(List<Step> steps, int pointsAbove) {
        this.steps = List.copyOf(steps);
        this.pointsAbove = pointsAbove;
    }

    static Builder atOrBelow(int bound, int points) {
        return new Builder().atOrBelow(bound, points);
    }

    int pointsFor(int value) {
        for (Step step : steps) {
            if (value <= step.atOrBelow()) {
                return step.points();
            }
        }
        return pointsAbove;
    }

    static final class Builder {
        private final List<Step> steps = new ArrayList<>();

        private Builder() {}

        Builder atOrBelow(int bound, int points) {
            if (!steps.isEmpty() && bound <= steps.getLast().atOrBelow()) {
                throw new IllegalArgumentException(
                        "chart bounds must ascend: " + bound + " after " + steps.getLast().atOrBelow());
            }
            steps.add(new Step(bound, points));
            return this;
        }

        PointsChart above(int points) {
            return new PointsChart(steps, points);
        }
    }
}
