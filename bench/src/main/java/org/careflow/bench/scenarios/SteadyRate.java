package org.careflow.bench.scenarios;

/**
 * The open-loop rate of the latency scenarios: a share of a measured maximum, so that latency is measured with the app
 * keeping up (above the maximum, it would measure a growing backlog), and send times fixed in advance at that rate, so
 * that a slow answer does not slow the sender down and hide the delay it caused.
 */
final class SteadyRate {

    /** Share of the maximum rate sent, unless {@value #FRACTION_PROPERTY} says otherwise. */
    static final double DEFAULT_FRACTION = 0.5;
    /** System property overriding {@link #DEFAULT_FRACTION}, e.g. {@code -Dcareflow.bench.latency.fraction=0.8}. */
    static final String FRACTION_PROPERTY = "careflow.bench.latency.fraction";

    private SteadyRate() {
    }

    /** The share of the maximum rate to send at: {@value #FRACTION_PROPERTY}, or {@link #DEFAULT_FRACTION}. */
    static double fraction() {
        return fraction(System.getProperty(FRACTION_PROPERTY));
    }

    /** {@code text} as a share in (0, 1], or {@link #DEFAULT_FRACTION} when it is null or blank. */
    static double fraction(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_FRACTION;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (value > 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below, with what is expected.
        }
        throw new IllegalArgumentException(FRACTION_PROPERTY + " must be a number in (0, 1], was '" + text + "'");
    }

    /** When send number {@code n} (from 0) is due, sending {@code perSecond} evenly from {@code startNanos}. */
    static long dueNanos(long startNanos, long n, double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("A steady rate is positive, was " + perSecond);
        }
        return startNanos + (long) (n * 1e9 / perSecond);
    }

    /** Sends in {@code seconds} at {@code perSecond}, at least one. */
    static long sends(double perSecond, double seconds) {
        return Math.max(1, Math.round(perSecond * seconds));
    }
}
