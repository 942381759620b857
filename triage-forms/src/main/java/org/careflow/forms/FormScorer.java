package org.careflow.forms;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.careflow.events.triage.AnswerCondition;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.FormScore;
import org.careflow.events.triage.RedFlagRule;
import org.careflow.events.triage.RuleScore;
import org.careflow.events.triage.ScoringRule;

/**
 * Scores a submission's answers by its form's rules: the points of every matching scoring rule, and the red
 * flags raised. Pure and total: it never throws on odd answers (a non-number under a range rule simply does not
 * match), because it runs inside a stream thread on events that were validated by an older version of careflow.
 */
public final class FormScorer {

    /** Longer answers are never numbers careflow accepted; not parsing them bounds the work per answer. */
    private static final int MAX_NUMBER_TEXT_LENGTH = 64;

    private FormScorer() {
    }

    /**
     * The form score of {@code answers} (by question id, in the canonical text {@link AnswerValidator} writes):
     * one {@link RuleScore} per matching scoring rule in rule order, their sum, and the ids of the matching red-flag
     * rules in rule order. A question without an answer matches no rule.
     */
    public static FormScore score(FormDefinition form, Map<String, String> answers) {
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(answers, "answers");
        List<RuleScore> rules = new ArrayList<>();
        long points = 0;
        for (ScoringRule rule : form.getScoringRules()) {
            if (rule != null && matches(rule.getCondition(), answers.get(rule.getQuestionId()))) {
                rules.add(RuleScore.newBuilder().setRuleId(rule.getRuleId()).setPoints(rule.getPoints()).build());
                points += rule.getPoints();
            }
        }
        List<String> redFlags = new ArrayList<>();
        for (RedFlagRule rule : form.getRedFlagRules()) {
            if (rule != null && matches(rule.getCondition(), answers.get(rule.getQuestionId()))) {
                redFlags.add(rule.getRuleId());
            }
        }
        return FormScore.newBuilder()
            .setPoints(Math.clamp(points, Integer.MIN_VALUE, Integer.MAX_VALUE))
            .setRules(rules)
            .setRedFlags(redFlags)
            .build();
    }

    /**
     * Whether {@code answer} meets {@code condition}: with {@code equalTo} set, when the answer is exactly that
     * text; otherwise when the answer is a number in [min, max), a missing bound being open. A condition with
     * nothing set, a null answer and a bound that is not a number match nothing.
     */
    public static boolean matches(AnswerCondition condition, String answer) {
        if (condition == null || answer == null) {
            return false;
        }
        if (condition.getEqualTo() != null) {
            return condition.getEqualTo().equals(answer);
        }
        Double min = condition.getMin();
        Double max = condition.getMax();
        if (min == null && max == null) {
            return false;
        }
        BigDecimal value = number(answer);
        if (value == null) {
            return false;
        }
        return atLeast(value, min) && below(value, max);
    }

    private static boolean atLeast(BigDecimal value, Double min) {
        if (min == null || min == Double.NEGATIVE_INFINITY) {
            return true;
        }
        return Double.isFinite(min) && value.compareTo(BigDecimal.valueOf(min)) >= 0;
    }

    private static boolean below(BigDecimal value, Double max) {
        if (max == null || max == Double.POSITIVE_INFINITY) {
            return true;
        }
        return Double.isFinite(max) && value.compareTo(BigDecimal.valueOf(max)) < 0;
    }

    /** The answer as a number, or null when it is not one (or absurdly long). */
    static BigDecimal number(String answer) {
        String text = answer.strip();
        if (text.isEmpty() || text.length() > MAX_NUMBER_TEXT_LENGTH) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
