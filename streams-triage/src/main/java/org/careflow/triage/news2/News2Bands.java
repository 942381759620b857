package org.careflow.triage.news2;

import java.util.Objects;
import org.careflow.events.triage.News2Score;
import org.careflow.events.triage.RiskBand;

/**
 * The NEWS2 clinical-risk thresholds (Royal College of Physicians, 2017): an aggregate of 7 or more is HIGH, 5-6 is
 * MEDIUM, a single parameter scoring 3 (a "red score") raises a lower aggregate to LOW_MEDIUM, anything else is LOW.
 * The only place the thresholds are written: the calculator bands a NEWS2 score with it, and triage bands NEWS2 plus
 * form points with it, so that the two can never disagree about where a band starts.
 */
public final class News2Bands {

    static final int HIGH_TOTAL = 7;
    static final int MEDIUM_TOTAL = 5;
    /** A single parameter scoring this much is a red score. */
    static final int RED_SCORE = 3;

    private News2Bands() {
    }

    /** The band of an aggregate {@code total}; {@code anyRedScore} when a single parameter scored 3. */
    public static RiskBand forTotal(int total, boolean anyRedScore) {
        if (total >= HIGH_TOTAL) {
            return RiskBand.HIGH;
        }
        if (total >= MEDIUM_TOTAL) {
            return RiskBand.MEDIUM;
        }
        return anyRedScore ? RiskBand.LOW_MEDIUM : RiskBand.LOW;
    }

    /** Whether one parameter's points make a red score. */
    public static boolean isRedScore(int points) {
        return points >= RED_SCORE;
    }

    /** Whether any scored parameter of {@code news2} is a red score; parameters not scored count for nothing. */
    public static boolean hasRedScore(News2Score news2) {
        Objects.requireNonNull(news2, "news2");
        return news2.getComponents().stream().anyMatch(c -> c.getPoints() != null && isRedScore(c.getPoints()));
    }
}
