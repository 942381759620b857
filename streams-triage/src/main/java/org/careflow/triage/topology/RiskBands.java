package org.careflow.triage.topology;

import org.careflow.events.triage.News2Score;
import org.careflow.events.triage.RiskBand;

/** Orders risk bands and derives the band a queue and an alert compare by. */
public final class RiskBands {

    /** NEWS2 aggregate thresholds, applied to the combined score as well. */
    static final int HIGH_TOTAL = 7;
    static final int MEDIUM_TOTAL = 5;

    private RiskBands() {
    }

    /** 3 for HIGH down to 0 for LOW; INCOMPLETE has no rank of its own (use {@link #effective}). */
    public static int rank(RiskBand band) {
        return switch (band) {
            case HIGH -> 3;
            case MEDIUM -> 2;
            case LOW_MEDIUM -> 1;
            case LOW -> 0;
            case INCOMPLETE -> throw new IllegalArgumentException("INCOMPLETE has no rank; use the minimum band");
        };
    }

    public static RiskBand max(RiskBand a, RiskBand b) {
        return rank(a) >= rank(b) ? a : b;
    }

    /** The band for a total, with {@code redScore} when a single NEWS2 parameter scored 3. */
    static RiskBand forTotal(int total, boolean redScore) {
        if (total >= HIGH_TOTAL) {
            return RiskBand.HIGH;
        }
        if (total >= MEDIUM_TOTAL) {
            return RiskBand.MEDIUM;
        }
        return redScore ? RiskBand.LOW_MEDIUM : RiskBand.LOW;
    }

    /** Whether any NEWS2 parameter scored 3. */
    static boolean hasRedScore(News2Score news2) {
        return news2.getComponents().stream().anyMatch(c -> c.getPoints() != null && c.getPoints() >= 3);
    }
}
