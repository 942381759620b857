package org.careflow.forms;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.careflow.forms.FormJson.chestPain;
import static org.careflow.forms.FormJson.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.careflow.events.triage.AnswerCondition;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.FormQuestion;
import org.careflow.events.triage.QuestionType;
import org.careflow.events.triage.RedFlagRule;
import org.careflow.events.triage.ScoringRule;
import org.careflow.validation.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FormDefinitionParserTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:16:00Z");

    private final FormDefinitionParser parser = new FormDefinitionParser(Clock.fixed(NOW, ZoneOffset.UTC));

    // ---- valid forms

    @Test
    void shouldBuildTheWholeFormWhenBodyIsTheReadmeExample() {
        // When
        FormDefinition form = parser.parse("chest-pain", chestPain());

        // Then
        assertThat(form.getFormId()).isEqualTo("chest-pain");
        assertThat(form.getVersion()).isEqualTo(2);
        assertThat(form.getFacilityId()).isEqualTo("f-1");
        assertThat(form.getTitle()).isEqualTo("Chest pain triage");
        assertThat(form.getOccurredAt()).isEqualTo(NOW);
        assertThat(form.getEventId()).matches("[0-9a-f-]{36}");
        assertThat(form.getQuestions()).containsExactly(
            FormQuestion.newBuilder().setQuestionId("chest_pain").setText("Do you have chest pain?").setType(QuestionType.YES_NO)
                .setRequired(true).setAllowedValues(List.of()).setMin(null).setMax(null).build(),
            FormQuestion.newBuilder().setQuestionId("pain_score").setText("Pain 0-10").setType(QuestionType.NUMBER)
                .setRequired(false).setAllowedValues(List.of()).setMin(0.0).setMax(10.0).build(),
            FormQuestion.newBuilder().setQuestionId("onset").setText("When did it start?").setType(QuestionType.CHOICE)
                .setRequired(false).setAllowedValues(List.of("today", "this_week", "longer")).setMin(null).setMax(null).build(),
            FormQuestion.newBuilder().setQuestionId("notes").setText("Anything else?").setType(QuestionType.TEXT)
                .setRequired(false).setAllowedValues(List.of()).setMin(null).setMax(null).build());
        assertThat(form.getScoringRules()).containsExactly(
            ScoringRule.newBuilder().setRuleId("severe_pain").setQuestionId("pain_score")
                .setCondition(AnswerCondition.newBuilder().setEqualTo(null).setMin(7.0).setMax(null).build()).setPoints(2).build(),
            ScoringRule.newBuilder().setRuleId("moderate_pain").setQuestionId("pain_score")
                .setCondition(AnswerCondition.newBuilder().setEqualTo(null).setMin(4.0).setMax(7.0).build()).setPoints(1).build(),
            ScoringRule.newBuilder().setRuleId("sudden").setQuestionId("onset")
                .setCondition(AnswerCondition.newBuilder().setEqualTo("today").setMin(null).setMax(null).build()).setPoints(1).build());
        assertThat(form.getRedFlagRules()).containsExactly(
            RedFlagRule.newBuilder().setRuleId("chest_pain_flag").setQuestionId("chest_pain")
                .setCondition(AnswerCondition.newBuilder().setEqualTo("yes").setMin(null).setMax(null).build())
                .setDescription("Chest pain: rule out ACS").build());
    }

    @Test
    void shouldAcceptFormWithoutQuestionsOrRulesWhenOnlyVersionAndTitleAreGiven() {
        // When
        FormDefinition form = parser.parse("plain", json("{\"version\": 1, \"title\": \"Plain\"}"));

        // Then
        assertThat(form.getFacilityId()).isNull();
        assertThat(form.getQuestions()).isEmpty();
        assertThat(form.getScoringRules()).isEmpty();
        assertThat(form.getRedFlagRules()).isEmpty();
    }

    @Test
    void shouldGiveEachParseANewEventIdWhenTheSameBodyIsParsedTwice() {
        assertThat(parser.parse("chest-pain", chestPain()).getEventId())
            .isNotEqualTo(parser.parse("chest-pain", chestPain()).getEventId());
    }

    @Test
    void shouldAcceptAdjacentRangesWhenOneEndsWhereTheNextBegins() {
        // Given [0, 4), [4, 7) and [7, ∞) on one question
        ObjectNode body = chestPain();
        body.set("scoringRules", json("""
            [{"id": "low", "questionId": "pain_score", "max": 4, "points": 0},
             {"id": "mid", "questionId": "pain_score", "min": 4, "max": 7, "points": 1},
             {"id": "high", "questionId": "pain_score", "min": 7, "points": 2}]"""));

        // When
        FormDefinition form = parser.parse("chest-pain", body);

        // Then
        assertThat(form.getScoringRules()).extracting(ScoringRule::getRuleId).containsExactly("low", "mid", "high");
    }

    @Test
    void shouldAcceptOverlappingRangesWhenTheyScoreDifferentQuestions() {
        // Given
        ObjectNode body = chestPain();
        ((ArrayNode) body.get("questions")).add(json("{\"id\": \"age\", \"text\": \"Age\", \"type\": \"NUMBER\"}"));
        ((ArrayNode) body.get("scoringRules")).add(json("{\"id\": \"old\", \"questionId\": \"age\", \"min\": 7, \"points\": 1}"));

        // When / Then
        assertThat(parser.parse("chest-pain", body).getScoringRules()).hasSize(4);
    }

    @Test
    void shouldAcceptRedFlagWhenItOverlapsAScoringRule() {
        // Given a red flag on pain 9 and more, inside the severe_pain range
        ObjectNode body = chestPain();
        ((ArrayNode) body.get("redFlags")).add(json(
            "{\"id\": \"worst_pain\", \"questionId\": \"pain_score\", \"min\": 9, \"description\": \"Worst pain\"}"));

        // When / Then
        assertThat(parser.parse("chest-pain", body).getRedFlagRules()).hasSize(2);
    }

    @Test
    void shouldAcceptNegativePointsWhenWithinTheLimit() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(2)).put("points", -100);

        assertThat(parser.parse("chest-pain", body).getScoringRules().get(2).getPoints()).isEqualTo(-100);
    }

    @Test
    void shouldAcceptEmptyAllowedValuesWhenQuestionIsNotChoice() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(0)).set("allowedValues", json("[]"));

        assertThat(parser.parse("chest-pain", body).getQuestions().get(0).getAllowedValues()).isEmpty();
    }

    @Test
    void shouldAcceptNumberQuestionWhenMinEqualsMax() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(1)).put("min", 5).put("max", 5);
        body.remove("scoringRules");

        assertThat(parser.parse("chest-pain", body).getQuestions().get(1).getMin()).isEqualTo(5.0);
    }

    // ---- the form id and the body as a whole

    @Test
    void shouldRefuseGeneralV1WhenItIsPublished() {
        assertThat(errors("general-v1", chestPain())).containsExactly(
            new FieldError("formId", "general-v1 is a built-in form and cannot be published or changed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-starts-with-dash", "has space", "a@b", "ünïcode"})
    void shouldRejectFormIdWhenNotAnId(String formId) {
        assertThat(errors(formId, chestPain())).extracting(FieldError::field).containsExactly("formId");
    }

    @Test
    void shouldRejectBodyWhenItIsNotAnObject() {
        assertThat(errors("chest-pain", json("[1]"))).containsExactly(new FieldError("", "the body must be a JSON object"));
    }

    @Test
    void shouldNameEveryProblemAtOnceWhenSeveralFieldsAreBad() {
        // Given
        String body = """
            {"verison": 2, "title": "", "facilityId": "f 1",
             "questions": [{"id": "q1", "text": "Q1", "type": "MAYBE"}, "not-an-object"],
             "scoringRules": {"id": "r"}, "redFlags": [{"id": "r1", "questionId": "nope", "equals": "x", "description": "d"}]}
            """;

        // When / Then
        assertThat(errors("chest-pain", json(body))).extracting(FieldError::field).containsExactly(
            "/verison", "/version", "/facilityId", "/title", "/questions/0/type", "/questions/1", "/scoringRules",
            "/redFlags/0/questionId");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0        | must be a whole number, 1 or more",
        "-1       | must be a whole number, 1 or more",
        "1.5      | must be a whole number, 1 or more",
        "'\"2\"'  | must be a whole number, 1 or more",
        "3000000000 | must be a whole number, 1 or more",
        "null     | is required"})
    void shouldRejectVersionWhenNotAPositiveWholeNumber(String version, String message) {
        ObjectNode body = chestPain();
        body.set("version", json(version));

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/version", message));
    }

    @Test
    void shouldRequireVersionAndTitleWhenAbsent() {
        ObjectNode body = chestPain();
        body.remove("version");
        body.remove("title");

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/version", "is required"), new FieldError("/title", "is required"));
    }

    @Test
    void shouldRejectTitleWhenLongerThan200Characters() {
        ObjectNode body = chestPain();
        body.put("title", "x".repeat(201));

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/title", "must be at most 200 characters"));
    }

    @Test
    void shouldRejectListsWhenTheyAreNotArrays() {
        ObjectNode body = chestPain();
        body.put("questions", "chest_pain");
        body.remove("scoringRules");
        body.remove("redFlags");

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/questions", "must be an array"));
    }

    @Test
    void shouldRejectQuestionsWhenThereAreMoreThan200() {
        ObjectNode body = chestPain();
        ArrayNode questions = body.putArray("questions");
        for (int i = 0; i < 201; i++) {
            questions.add(json("{\"id\": \"q" + i + "\", \"text\": \"Q\", \"type\": \"TEXT\"}"));
        }
        body.remove("scoringRules");
        body.remove("redFlags");

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/questions", "must have at most 200 items"));
    }

    // ---- questions

    @Test
    void shouldRejectUnknownFieldsWhenMisspeltAtAnyLevel() {
        // Given a typo in each kind of object: none may silently drop a rule or a bound
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(1)).set("maximum", json("10"));
        ((ObjectNode) body.get("scoringRules").get(2)).set("equal", json("\"today\""));
        ((ObjectNode) body.get("redFlags").get(0)).set("descripton", json("\"typo\""));
        body.set("redflags", json("[]"));

        // When / Then
        assertThat(errors("chest-pain", body)).extracting(FieldError::field).containsExactly(
            "/redflags", "/questions/1/maximum", "/scoringRules/2/equal", "/redFlags/0/descripton");
    }

    @Test
    void shouldRejectQuestionIdWhenItRepeatsAnEarlierOne() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(2)).put("id", "chest_pain");
        body.remove("scoringRules");

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/questions/2/id", "duplicates the question id chest_pain of /questions/0/id"));
    }

    @Test
    void shouldRejectQuestionWhenIdTextOrTypeIsMissingOrInvalid() {
        ObjectNode body = chestPain();
        body.set("questions", json("""
            [{"text": "no id", "type": "TEXT"}, {"id": "bad id", "text": "Q", "type": "TEXT"},
             {"id": "q3", "type": "TEXT"}, {"id": "q4", "text": "Q"}, {"id": "q5", "text": "Q", "type": "yes_no"},
             {"id": "q6", "text": "Q", "type": "TEXT", "required": "yes"}]"""));
        body.remove("scoringRules");
        body.remove("redFlags");

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/questions/0/id", "is required"),
            new FieldError("/questions/1/id", "must be 1-128 letters, digits or . _ : - starting with a letter or digit"),
            new FieldError("/questions/2/text", "is required"),
            new FieldError("/questions/3/type", "is required"),
            new FieldError("/questions/4/type", "must be one of [YES_NO, CHOICE, NUMBER, TEXT]"),
            new FieldError("/questions/5/required", "must be true or false"));
    }

    @Test
    void shouldRequireAllowedValuesWhenQuestionIsChoice() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(2)).remove("allowedValues");

        // The rule equals "today" is not checked against values that do not exist
        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/questions/2/allowedValues", "is required for a CHOICE question: list at least one value"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[]                       | /questions/2/allowedValues   | must list at least one value",
        "'\"today\"'              | /questions/2/allowedValues   | must be an array of strings",
        "'[\"today\", 3]'         | /questions/2/allowedValues/1 | must be a non-blank string",
        "'[\"today\", \" \"]'     | /questions/2/allowedValues/1 | must be a non-blank string",
        "'[\"today\", \"today\"]' | /questions/2/allowedValues/1 | duplicates the value at /questions/2/allowedValues/0"})
    void shouldRejectAllowedValuesWhenChoiceListIsBad(String values, String field, String message) {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(2)).set("allowedValues", json(values));
        body.remove("scoringRules");

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError(field, message));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void shouldRejectAllowedValuesWhenQuestionIsNotChoice(int question) {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(question)).set("allowedValues", json("[\"a\"]"));

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/questions/" + question + "/allowedValues", "only CHOICE questions have allowedValues"));
    }

    @ParameterizedTest
    @CsvSource({"0, min", "0, max", "2, min", "3, max"})
    void shouldRejectBoundsWhenQuestionIsNotNumber(int question, String bound) {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(question)).put(bound, 1);

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/questions/" + question + "/" + bound, "only NUMBER questions have " + bound));
    }

    @Test
    void shouldRejectNumberQuestionWhenMinIsAboveMax() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(1)).put("min", 11);

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/questions/1/min", "must not be above max (10)"));
    }

    @Test
    void shouldRejectBoundWhenItIsNotANumber() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("questions").get(1)).put("max", "10");

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/questions/1/max", "must be a number"));
    }

    // ---- rules

    @Test
    void shouldRejectRuleWhenItsQuestionIsUnknown() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(2)).put("questionId", "x");

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/scoringRules/2/questionId", "unknown question x"));
    }

    @Test
    void shouldRejectRuleIdWhenItRepeatsAcrossScoringRulesAndRedFlags() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("redFlags").get(0)).put("id", "sudden");

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/redFlags/0/id",
            "duplicates the rule id sudden of /scoringRules/2/id; rule ids are unique across scoringRules and redFlags"));
    }

    @Test
    void shouldRejectRuleIdWhenItRepeatsWithinScoringRules() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(1)).put("id", "severe_pain");

        assertThat(errors("chest-pain", body)).extracting(FieldError::field).containsExactly("/scoringRules/1/id");
    }

    @Test
    void shouldRejectRuleWhenIdQuestionOrPointsAreMissing() {
        ObjectNode body = chestPain();
        body.set("scoringRules", json("[{\"equals\": \"today\"}]"));
        body.set("redFlags", json("[{\"equals\": \"yes\"}]"));

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/scoringRules/0/id", "is required"),
            new FieldError("/scoringRules/0/questionId", "is required"),
            new FieldError("/scoringRules/0/points", "is required"),
            new FieldError("/redFlags/0/id", "is required"),
            new FieldError("/redFlags/0/questionId", "is required"),
            new FieldError("/redFlags/0/description", "is required"));
    }

    @ParameterizedTest
    @ValueSource(ints = {101, -101})
    void shouldRejectPointsWhenBeyondOneHundred(int points) {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(2)).put("points", points);

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/scoringRules/2/points", "must be between -100 and 100"));
    }

    @Test
    void shouldRejectRulesWhenTheyReferToATextQuestion() {
        ObjectNode body = chestPain();
        ((ArrayNode) body.get("scoringRules")).add(json("{\"id\": \"s\", \"questionId\": \"notes\", \"equals\": \"bad\", \"points\": 1}"));
        ((ArrayNode) body.get("redFlags")).add(json("{\"id\": \"f\", \"questionId\": \"notes\", \"equals\": \"bad\", \"description\": \"d\"}"));

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/scoringRules/3/questionId", "question notes is TEXT; free text cannot be scored or flagged"),
            new FieldError("/redFlags/1/questionId", "question notes is TEXT; free text cannot be scored or flagged"));
    }

    @Test
    void shouldRejectConditionWhenItHasBothEqualsAndRange() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("redFlags").get(0)).put("min", 1);

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/redFlags/0", "has both equals and a range (min, max); a condition is one or the other"));
    }

    @Test
    void shouldRejectConditionWhenItHasNeitherEqualsNorRange() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(2)).remove("equals");

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/scoringRules/2", "needs a condition: equals, or a range with min and/or max"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Yes", "true", "y", "maybe"})
    void shouldRejectEqualsWhenYesNoQuestionIsComparedToAnythingButYesOrNo(String value) {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("redFlags").get(0)).put("equals", value);

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/redFlags/0/equals", "must be yes or no for a YES_NO question"));
    }

    @Test
    void shouldAcceptEqualsNoWhenQuestionIsYesNo() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("redFlags").get(0)).put("equals", "no");

        assertThat(parser.parse("chest-pain", body).getRedFlagRules().get(0).getCondition().getEqualTo()).isEqualTo("no");
    }

    @Test
    void shouldRejectEqualsWhenNotOneOfTheChoiceValues() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(2)).put("equals", "Today");

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/scoringRules/2/equals",
            "must be one of the question's allowedValues [today, this_week, longer]"));
    }

    @Test
    void shouldRejectEqualsWhenQuestionIsNumber() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(0)).remove("min");
        ((ObjectNode) body.get("scoringRules").get(0)).put("equals", "9");

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/scoringRules/0/equals", "is not allowed on a NUMBER question; use min and/or max"));
    }

    @Test
    void shouldRejectEqualsWhenItIsNotAString() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("redFlags").get(0)).put("equals", true);

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/redFlags/0/equals", "must be a string"));
    }

    @ParameterizedTest
    @CsvSource({"chest_pain, min, YES_NO", "onset, max, CHOICE"})
    void shouldRejectRangeWhenQuestionIsNotNumber(String question, String bound, String type) {
        ObjectNode body = chestPain();
        body.set("scoringRules", json("[{\"id\": \"r\", \"questionId\": \"" + question + "\", \"" + bound + "\": 1, \"points\": 1}]"));

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/scoringRules/0/" + bound,
            "ranges are only for NUMBER questions; question " + question + " is " + type + ", use equals"));
    }

    @ParameterizedTest
    @CsvSource({"7, 7", "8, 7"})
    void shouldRejectRangeWhenMinIsNotBelowMax(int min, int max) {
        ObjectNode body = chestPain();
        body.set("scoringRules", json("[{\"id\": \"r\", \"questionId\": \"pain_score\", \"min\": " + min + ", \"max\": " + max
            + ", \"points\": 1}]"));

        assertThat(errors("chest-pain", body)).containsExactly(
            new FieldError("/scoringRules/0/min", "must be below max (7): a range is [min, max)"));
    }

    @Test
    void shouldRejectRangeWhenABoundIsNotANumber() {
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(0)).put("min", "7");

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/scoringRules/0/min", "must be a number"));
    }

    @Test
    void shouldNameBothRulesWhenScoringRangesOverlap() {
        // Given [4, 8) overlapping [7, ∞) on 7
        ObjectNode body = chestPain();
        ((ObjectNode) body.get("scoringRules").get(1)).put("max", 8);

        // When / Then
        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/scoringRules/1",
            "the range [4, 8) of rule moderate_pain overlaps the range [7, ∞) of rule severe_pain (/scoringRules/0) "
                + "on question pain_score; ranges are [min, max)"));
    }

    @Test
    void shouldRejectOpenRangesWhenTheyReachEachOther() {
        // Given [-∞, 5) and [3, ∞)
        ObjectNode body = chestPain();
        body.set("scoringRules", json("""
            [{"id": "low", "questionId": "pain_score", "max": 5, "points": 0},
             {"id": "high", "questionId": "pain_score", "min": 3, "points": 2}]"""));

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/scoringRules/1",
            "the range [3, ∞) of rule high overlaps the range [-∞, 5) of rule low (/scoringRules/0) on question pain_score; "
                + "ranges are [min, max)"));
    }

    @Test
    void shouldRejectNestedRangeWhenInsideAnother() {
        // Given [5.5, 6) inside [4, 7)
        ObjectNode body = chestPain();
        ((ArrayNode) body.get("scoringRules")).add(json(
            "{\"id\": \"narrow\", \"questionId\": \"pain_score\", \"min\": 5.5, \"max\": 6, \"points\": 1}"));

        assertThat(errors("chest-pain", body)).extracting(FieldError::message).containsExactly(
            "the range [5.5, 6) of rule narrow overlaps the range [4, 7) of rule moderate_pain (/scoringRules/1) on question "
                + "pain_score; ranges are [min, max)");
    }

    @Test
    void shouldRejectScoringRulesWhenTwoScoreTheSameAnswer() {
        ObjectNode body = chestPain();
        ((ArrayNode) body.get("scoringRules")).add(json("{\"id\": \"again\", \"questionId\": \"onset\", \"equals\": \"today\", \"points\": 3}"));

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/scoringRules/3",
            "rule again scores the same answer 'today' to question onset as rule sudden (/scoringRules/2)"));
    }

    @Test
    void shouldAcceptRedFlagsWhenTheyMatchTheSameAnswer() {
        ObjectNode body = chestPain();
        ((ArrayNode) body.get("redFlags")).add(json(
            "{\"id\": \"again\", \"questionId\": \"chest_pain\", \"equals\": \"yes\", \"description\": \"also\"}"));

        assertThat(parser.parse("chest-pain", body).getRedFlagRules()).hasSize(2);
    }

    @Test
    void shouldRejectRuleWhenItIsNotAnObject() {
        ObjectNode body = chestPain();
        ((ArrayNode) body.get("redFlags")).add(json("3"));

        assertThat(errors("chest-pain", body)).containsExactly(new FieldError("/redFlags/1", "must be an object"));
    }

    private List<FieldError> errors(String formId, JsonNode body) {
        InvalidInputException invalid = catchThrowableOfType(InvalidInputException.class, () -> parser.parse(formId, body));
        assertThat(invalid).as("an invalid input").isNotNull();
        return invalid.errors();
    }
}
