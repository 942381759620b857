package org.careflow.triage.topology;

import org.careflow.events.triage.RiskBand;

/** Orders risk bands, for the queue and for alerts; where each band starts is {@link org.careflow.triage.news2.News2Bands}. */
public final class RiskBands {

    private RiskBands() {
    }

    /** 3 for HIGH down to 0 for LOW; INCOMPLETE has no rank of its own (use {@link TriageAssessor#effectiveBand}). */
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
}
