package org.careflow.forms;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.forms.FormJson.chestPain;
import static org.careflow.forms.FormJson.json;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.careflow.events.triage.FormDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerValidatorTest {

    private final FormDefinition form = new FormDefinitionParser(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
        .parse("chest-pain", chestPain());

    @Test
    void shouldNormaliseEveryAnswerInQuestionOrderWhenAllAreValid() {
        // Given
        String answers = """
            {"notes": "  started at work  ", "onset": "today", "pain_score": 7.50, "chest_pain": "YES"}""";

        // When
        AnswerValidator.Result result = AnswerValidator.check(form, json(answers));

        // Then
        assertThat(result.valid()).isTrue();
        assertThat(result.errors()).isEmpty();
        assertThat(result.answers()).containsExactly(
            java.util.Map.entry("chest_pain", "yes"), java.util.Map.entry("pain_score", "7.5"),
            java.util.Map.entry("onset", "today"), java.util.Map.entry("notes", "started at work"));
    }

    @ParameterizedTest
    @CsvSource({"true, yes", "false, no", "'\"yes\"', yes", "'\"No\"', no", "'\"YES\"', yes", "'\" no \"', no"})
    void shouldWriteYesOrNoWhenYesNoAnswerIsABooleanOrYesNoInAnyCase(String answer, String expected) {
        AnswerValidator.Result result = AnswerValidator.check(form, json("{\"chest_pain\": " + answer + "}"));

        assertThat(result.errors()).isEmpty();
        assertThat(result.answers()).containsEntry("chest_pain", expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"y\"", "\"true\"", "1", "0", "\"\"", "[]", "{}"})
    void shouldRejectYesNoAnswerWhenNotYesNoOrBoolean(String answer) {
        assertThat(AnswerValidator.validate(form, json("{\"chest_pain\": " + answer + "}"))).containsExactly(
            new FieldError("/answers/chest_pain", "must be yes or no (or true or false)"));
    }

    @ParameterizedTest
    @CsvSource({"4, 4", "4.0, 4", "4.50, 4.5", "0, 0", "0.000, 0", "10, 10", "1e1, 10", "'\"7\"', 7", "'\" 7.25 \"', 7.25",
        "'\"+3\"', 3", "'\"1E0\"', 1", "6.999, 6.999"})
    void shouldWriteCanonicalNumberWhenNumberAnswerIsWithinBounds(String answer, String expected) {
        AnswerValidator.Result result = AnswerValidator.check(form, json("{\"chest_pain\": \"no\", \"pain_score\": " + answer + "}"));

        assertThat(result.errors()).isEmpty();
        assertThat(result.answers()).containsEntry("pain_score", expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0.01", "10.001", "11", "-1", "\"11\""})
    void shouldRejectNumberAnswerWhenOutsideTheQuestionsBounds(String answer) {
        assertThat(AnswerValidator.validate(form, json("{\"chest_pain\": \"no\", \"pain_score\": " + answer + "}"))).containsExactly(
            new FieldError("/answers/pain_score", "must be between 0 and 10"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"seven\"", "\"\"", "\"NaN\"", "\"Infinity\"", "\"0x10\"", "true", "[7]", "{\"v\": 7}", "\"7 8\""})
    void shouldRejectNumberAnswerWhenNotANumber(String answer) {
        assertThat(AnswerValidator.validate(form, json("{\"chest_pain\": \"no\", \"pain_score\": " + answer + "}"))).containsExactly(
            new FieldError("/answers/pain_score", "must be a number"));
    }

    @Test
    void shouldRejectNumberAnswerWhenItOverflowsToInfinity() {
        assertThat(AnswerValidator.validate(openNumberForm(), json("{\"n\": 1e400}")))
            .extracting(FieldError::field).containsExactly("/answers/n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567890123456", "0.0000000000001", "\"1e100\""})
    void shouldRejectNumberAnswerWhenItHasTooManyDigits(String answer) {
        assertThat(AnswerValidator.validate(openNumberForm(), json("{\"n\": " + answer + "}"))).containsExactly(
            new FieldError("/answers/n", "must have at most 15 digits before and 12 after the decimal point"));
    }

    @ParameterizedTest
    @CsvSource({"123456789012345, 123456789012345", "-0.000000000001, -0.000000000001", "'\"1e3\"', 1000"})
    void shouldAcceptAnyNumberWhenQuestionHasNoBounds(String answer, String expected) {
        assertThat(AnswerValidator.check(openNumberForm(), json("{\"n\": " + answer + "}")).answers()).containsEntry("n", expected);
    }

    @Test
    void shouldNameTheOneBoundWhenNumberQuestionHasOnlyOne() {
        FormDefinition atLeastOne = new FormDefinitionParser(Clock.systemUTC()).parse("f", json("""
            {"version": 1, "title": "T", "questions": [{"id": "n", "text": "N", "type": "NUMBER", "min": 1},
                                                       {"id": "m", "text": "M", "type": "NUMBER", "max": 2.5}]}"""));

        assertThat(AnswerValidator.validate(atLeastOne, json("{\"n\": 0, \"m\": 3}"))).containsExactly(
            new FieldError("/answers/n", "must be at least 1"), new FieldError("/answers/m", "must be at most 2.5"));
    }

    @Test
    void shouldKeepChoiceWhenItIsOneOfTheAllowedValuesExactly() {
        assertThat(AnswerValidator.check(form, json("{\"chest_pain\": \"no\", \"onset\": \"this_week\"}")).answers())
            .containsEntry("onset", "this_week");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"Today\"", "\" today\"", "\"yesterday\"", "1", "true", "[\"today\"]"})
    void shouldRejectChoiceWhenNotExactlyAnAllowedValue(String answer) {
        assertThat(AnswerValidator.validate(form, json("{\"chest_pain\": \"no\", \"onset\": " + answer + "}"))).containsExactly(
            new FieldError("/answers/onset", "must be one of [today, this_week, longer]"));
    }

    @Test
    void shouldAcceptTextWhenExactly2000CharactersAfterTrimming() {
        String text = "x".repeat(2000);

        assertThat(AnswerValidator.check(form, json("{\"chest_pain\": \"no\", \"notes\": \" " + text + " \"}")).answers())
            .containsEntry("notes", text);
    }

    @Test
    void shouldRejectTextWhenLongerThan2000Characters() {
        assertThat(AnswerValidator.validate(form, json("{\"chest_pain\": \"no\", \"notes\": \"" + "x".repeat(2001) + "\"}")))
            .containsExactly(new FieldError("/answers/notes", "must be at most 2000 characters"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "true", "[\"a\"]", "{}"})
    void shouldRejectTextWhenNotAString(String answer) {
        assertThat(AnswerValidator.validate(form, json("{\"chest_pain\": \"no\", \"notes\": " + answer + "}"))).containsExactly(
            new FieldError("/answers/notes", "must be a string"));
    }

    @Test
    void shouldDropBlankTextWhenQuestionIsOptional() {
        AnswerValidator.Result result = AnswerValidator.check(form, json("{\"chest_pain\": \"no\", \"notes\": \"   \"}"));

        assertThat(result.errors()).isEmpty();
        assertThat(result.answers()).doesNotContainKey("notes");
    }

    @Test
    void shouldRequireTextWhenRequiredQuestionIsAnsweredBlank() {
        FormDefinition required = new FormDefinitionParser(Clock.systemUTC()).parse("f", json("""
            {"version": 1, "title": "T", "questions": [{"id": "why", "text": "Why?", "type": "TEXT", "required": true}]}"""));

        assertThat(AnswerValidator.validate(required, json("{\"why\": \" \"}"))).containsExactly(
            new FieldError("/answers/why", "is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"chest_pain\": null}", "{\"onset\": \"today\"}"})
    void shouldRequireAnswerWhenRequiredQuestionIsUnansweredOrNull(String answers) {
        assertThat(AnswerValidator.validate(form, json(answers))).containsExactly(
            new FieldError("/answers/chest_pain", "is required"));
    }

    @Test
    void shouldRequireAnswersWhenTheyAreAbsentAltogether() {
        assertThat(AnswerValidator.validate(form, null)).containsExactly(new FieldError("/answers/chest_pain", "is required"));
        assertThat(AnswerValidator.validate(form, json("null"))).containsExactly(new FieldError("/answers/chest_pain", "is required"));
    }

    @Test
    void shouldAcceptNoAnswersWhenFormHasNoRequiredQuestion() {
        AnswerValidator.Result result = AnswerValidator.check(BuiltInForms.generalV1(), null);

        assertThat(result.valid()).isTrue();
        assertThat(result.answers()).isEmpty();
    }

    @Test
    void shouldRejectAnswersWhenTheyAreNotAnObject() {
        assertThat(AnswerValidator.validate(form, json("[\"yes\"]"))).containsExactly(new FieldError("/answers", "must be an object"));
    }

    @Test
    void shouldNameTheFormAndVersionWhenAnAnswerIsToAnUnknownQuestion() {
        assertThat(AnswerValidator.validate(form, json("{\"chest_pain\": \"no\", \"chest_pian\": \"yes\"}"))).containsExactly(
            new FieldError("/answers/chest_pian", "is not a question of form chest-pain version 2"));
    }

    @Test
    void shouldRejectEveryAnswerWhenFormIsGeneralV1() {
        assertThat(AnswerValidator.validate(BuiltInForms.generalV1(), json("{\"chest_pain\": \"no\"}"))).containsExactly(
            new FieldError("/answers/chest_pain", "is not a question of form general-v1 version 1"));
    }

    @Test
    void shouldEscapePointerWhenQuestionIdHoldsTildeOrSlash() {
        assertThat(AnswerValidator.validate(BuiltInForms.generalV1(), json("{\"a/b~c\": 1}"))).containsExactly(
            new FieldError("/answers/a~1b~0c", "is not a question of form general-v1 version 1"));
        assertThat(AnswerValidator.pointer("x~/y")).isEqualTo("/answers/x~0~1y");
    }

    @Test
    void shouldListEveryProblemWhenSeveralAnswersAreBad() {
        // Given
        String answers = """
            {"extra": 1, "pain_score": 12, "onset": "now", "notes": 5}""";

        // When / Then: form questions first, in form order, then the answers to no question
        assertThat(AnswerValidator.check(form, json(answers)).errors()).containsExactly(
            new FieldError("/answers/chest_pain", "is required"),
            new FieldError("/answers/pain_score", "must be between 0 and 10"),
            new FieldError("/answers/onset", "must be one of [today, this_week, longer]"),
            new FieldError("/answers/notes", "must be a string"),
            new FieldError("/answers/extra", "is not a question of form chest-pain version 2"));
    }

    @Test
    void shouldKeepValidAnswersWhenOthersAreInvalid() {
        AnswerValidator.Result result = AnswerValidator.check(form, json("{\"chest_pain\": true, \"pain_score\": \"x\"}"));

        assertThat(result.valid()).isFalse();
        assertThat(result.answers()).containsExactly(java.util.Map.entry("chest_pain", "yes"));
    }

    @Test
    void shouldHandBackUnmodifiableResultsWhenChecked() {
        AnswerValidator.Result result = AnswerValidator.check(form, json("{\"chest_pain\": true}"));

        assertThat(result.answers()).isUnmodifiable();
        assertThat(result.errors()).isEqualTo(List.of());
    }

    private static FormDefinition openNumberForm() {
        return new FormDefinitionParser(Clock.systemUTC()).parse("open", json("""
            {"version": 1, "title": "T", "questions": [{"id": "n", "text": "N", "type": "NUMBER"}]}"""));
    }
}
