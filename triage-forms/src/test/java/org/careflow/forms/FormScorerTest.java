package org.careflow.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.forms.FormJson.chestPain;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.careflow.events.triage.AnswerCondition;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.FormScore;
import org.careflow.events.triage.RedFlagRule;
import org.careflow.events.triage.RuleScore;
import org.careflow.events.triage.ScoringRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FormScorerTest {

    private final FormDefinition form = new FormDefinitionParser(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
        .parse("chest-pain", chestPain());

    @Test
    void shouldSumMatchingRulesAndRaiseRedFlagWhenAnswersMatch() {
        // Given
        Map<String, String> answers = Map.of("chest_pain", "yes", "pain_score", "8", "onset", "today");

        // When
        FormScore score = FormScorer.score(form, answers);

        // Then
        assertThat(score.getPoints()).isEqualTo(3);
        assertThat(score.getRules()).containsExactly(rule("severe_pain", 2), rule("sudden", 1));
        assertThat(score.getRedFlags()).containsExactly("chest_pain_flag");
    }

    @Test
    void shouldScoreNothingWhenNoRuleMatches() {
        FormScore score = FormScorer.score(form, Map.of("chest_pain", "no", "pain_score", "2", "onset", "longer"));

        assertThat(score.getPoints()).isZero();
        assertThat(score.getRules()).isEmpty();
        assertThat(score.getRedFlags()).isEmpty();
    }

    @Test
    void shouldScoreNothingWhenThereAreNoAnswers() {
        FormScore score = FormScorer.score(form, Map.of());

        assertThat(score.getPoints()).isZero();
        assertThat(score.getRules()).isEmpty();
        assertThat(score.getRedFlags()).isEmpty();
    }

    @Test
    void shouldScoreNothingWhenFormIsGeneralV1() {
        FormScore score = FormScorer.score(BuiltInForms.generalV1(), Map.of("chest_pain", "yes"));

        assertThat(score.getPoints()).isZero();
        assertThat(score.getRules()).isEmpty();
        assertThat(score.getRedFlags()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0, ''", "3.99, 0, ''", "4, 1, moderate_pain", "6.999, 1, moderate_pain", "7, 2, severe_pain", "10, 2, severe_pain",
        "7.0, 2, severe_pain", "' 7 ', 2, severe_pain", "4E0, 1, moderate_pain"})
    void shouldApplyRangeWhenAnswerIsAtOrAcrossItsEdges(String pain, int points, String rule) {
        FormScore score = FormScorer.score(form, Map.of("pain_score", pain));

        assertThat(score.getPoints()).isEqualTo(points);
        assertThat(score.getRules()).extracting(RuleScore::getRuleId).containsExactlyElementsOf(rule.isEmpty() ? List.of() : List.of(rule));
    }

    @ParameterizedTest
    @ValueSource(strings = {"seven", "", "  ", "NaN", "Infinity", "7 8", "0x7", "1e99999999999"})
    void shouldNotMatchRangeWhenAnswerIsNotANumber(String pain) {
        assertThat(FormScorer.score(form, Map.of("pain_score", pain)).getRules()).isEmpty();
    }

    @Test
    void shouldNotMatchRangeWhenAnswerIsAbsurdlyLong() {
        assertThat(FormScorer.score(form, Map.of("pain_score", "9".repeat(10_000))).getRules()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Yes", "YES", "yes ", "true"})
    void shouldCompareEqualsExactlyWhenAnswerDiffersInCaseOrSpacing(String answer) {
        assertThat(FormScorer.score(form, Map.of("chest_pain", answer)).getRedFlags()).isEmpty();
    }

    @Test
    void shouldListRedFlagsInRuleOrderWhenSeveralMatch() {
        // Given
        FormDefinition twoFlags = FormDefinition.newBuilder(form).setRedFlagRules(List.of(
            flag("b_second", "pain_score", condition(null, 9.0, null)),
            flag("a_first", "chest_pain", condition("yes", null, null)))).build();

        // When
        FormScore score = FormScorer.score(twoFlags, Map.of("chest_pain", "yes", "pain_score", "9.5"));

        // Then
        assertThat(score.getRedFlags()).containsExactly("b_second", "a_first");
    }

    @Test
    void shouldAddNegativePointsWhenARuleSubtracts() {
        FormDefinition reassuring = FormDefinition.newBuilder(form).setScoringRules(List.of(
            scoring("calm", "onset", condition("longer", null, null), -1),
            scoring("severe_pain", "pain_score", condition(null, 7.0, null), 2))).build();

        FormScore score = FormScorer.score(reassuring, Map.of("onset", "longer", "pain_score", "9"));

        assertThat(score.getPoints()).isEqualTo(1);
        assertThat(score.getRules()).containsExactly(rule("calm", -1), rule("severe_pain", 2));
    }

    @Test
    void shouldSaturateInsteadOfOverflowingWhenRulesFromTheTopicAreHuge() {
        // Given a form that did not come through the parser, whose points would overflow an int
        FormDefinition huge = FormDefinition.newBuilder(form).setScoringRules(List.of(
            scoring("a", "pain_score", condition(null, 0.0, null), Integer.MAX_VALUE),
            scoring("b", "pain_score", condition(null, 0.0, null), Integer.MAX_VALUE))).build();

        // When / Then
        assertThat(FormScorer.score(huge, Map.of("pain_score", "1")).getPoints()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void shouldFollowTheConditionsDocWhenConditionsAreUnusual() {
        // Nothing set never matches; equalTo wins over a range; infinite bounds are open; NaN bounds match nothing
        assertThat(FormScorer.matches(condition(null, null, null), "1")).isFalse();
        assertThat(FormScorer.matches(condition("x", 0.0, 10.0), "5")).isFalse();
        assertThat(FormScorer.matches(condition("x", 0.0, 10.0), "x")).isTrue();
        assertThat(FormScorer.matches(condition(null, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), "-5")).isTrue();
        assertThat(FormScorer.matches(condition(null, Double.POSITIVE_INFINITY, null), "5")).isFalse();
        assertThat(FormScorer.matches(condition(null, null, Double.NEGATIVE_INFINITY), "5")).isFalse();
        assertThat(FormScorer.matches(condition(null, Double.NaN, null), "5")).isFalse();
        assertThat(FormScorer.matches(condition(null, null, Double.NaN), "5")).isFalse();
        assertThat(FormScorer.matches(condition(null, 0.1, null), "0.1")).isTrue();
        assertThat(FormScorer.matches(condition(null, null, 0.1), "0.1")).isFalse();
        assertThat(FormScorer.matches(condition("yes", null, null), null)).isFalse();
        assertThat(FormScorer.matches(null, "yes")).isFalse();
    }

    @Test
    void shouldIgnoreRulesWhenTheirQuestionHasNoAnswer() {
        FormDefinition orphan = FormDefinition.newBuilder(form).setScoringRules(List.of(
            scoring("ghost", "not_a_question", condition("yes", null, null), 5))).build();

        assertThat(FormScorer.score(orphan, Map.of("chest_pain", "yes")).getPoints()).isZero();
    }

    private static RuleScore rule(String id, int points) {
        return RuleScore.newBuilder().setRuleId(id).setPoints(points).build();
    }

    private static AnswerCondition condition(String equalTo, Double min, Double max) {
        return AnswerCondition.newBuilder().setEqualTo(equalTo).setMin(min).setMax(max).build();
    }

    private static ScoringRule scoring(String id, String question, AnswerCondition condition, int points) {
        return ScoringRule.newBuilder().setRuleId(id).setQuestionId(question).setCondition(condition).setPoints(points).build();
    }

    private static RedFlagRule flag(String id, String question, AnswerCondition condition) {
        return RedFlagRule.newBuilder().setRuleId(id).setQuestionId(question).setCondition(condition).setDescription("d").build();
    }
}
