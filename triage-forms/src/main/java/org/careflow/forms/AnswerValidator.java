package org.careflow.forms;

import org.careflow.validation.FieldError;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.FormQuestion;

/**
 * Checks a submission's answers against the form they answer and writes them in canonical text, so that rules
 * compare like with like: {@code true}, {@code "Yes"} and {@code "YES"} all become {@code yes}, {@code 4.0}
 * becomes {@code 4}. Errors are named {@code /answers/<questionId>} (JSON-pointer escaped).
 */
public final class AnswerValidator {

    /** Longest TEXT answer, in characters. */
    public static final int MAX_TEXT_LENGTH = 2000;
    /** Most digits a NUMBER answer may have before and after the decimal point. */
    public static final int MAX_INTEGER_DIGITS = 15;
    public static final int MAX_DECIMAL_DIGITS = 12;

    private static final String ANSWERS = "/answers";

    private AnswerValidator() {
    }

    /**
     * The outcome of checking answers: the canonical answers by question id, in the form's question order, and
     * every problem found. The answers are complete only when {@link #valid()}.
     */
    public record Result(Map<String, String> answers, List<FieldError> errors) {
        public Result {
            answers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(answers, "answers")));
            errors = List.copyOf(Objects.requireNonNull(errors, "errors"));
        }

        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /** Every problem with {@code answers} (a JSON object; null or absent means no answers) as answers to {@code form}. */
    public static List<FieldError> validate(FormDefinition form, JsonNode answers) {
        return check(form, answers).errors();
    }

    /** Checks {@code answers} against {@code form} and normalises the valid ones. */
    public static Result check(FormDefinition form, JsonNode answers) {
        Objects.requireNonNull(form, "form");
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> normalized = new LinkedHashMap<>();
        if (answers != null && !answers.isNull() && !answers.isMissingNode() && !answers.isObject()) {
            errors.add(new FieldError(ANSWERS, "must be an object"));
            return new Result(normalized, errors);
        }
        boolean given = answers != null && answers.isObject();
        Map<String, FormQuestion> questions = new LinkedHashMap<>();
        for (FormQuestion question : form.getQuestions()) {
            questions.putIfAbsent(question.getQuestionId(), question);
        }
        for (FormQuestion question : questions.values()) {
            String pointer = pointer(question.getQuestionId());
            JsonNode value = given ? answers.get(question.getQuestionId()) : null;
            if (value == null || value.isNull()) {
                if (question.getRequired()) {
                    errors.add(new FieldError(pointer, "is required"));
                }
                continue;
            }
            int errorsBefore = errors.size();
            String text = normalize(question, value, pointer, errors);
            if (text != null) {
                normalized.put(question.getQuestionId(), text);
            } else if (errors.size() == errorsBefore && question.getRequired()) {
                // A blank TEXT answer is no answer.
                errors.add(new FieldError(pointer, "is required"));
            }
        }
        if (given) {
            for (Iterator<String> it = answers.fieldNames(); it.hasNext(); ) {
                String questionId = it.next();
                if (!questions.containsKey(questionId)) {
                    errors.add(new FieldError(pointer(questionId),
                        "is not a question of form " + form.getFormId() + " version " + form.getVersion()));
                }
            }
        }
        return new Result(normalized, errors);
    }

    /** The JSON pointer of the answer to {@code questionId}: {@code /answers/} and the id with {@code ~} and {@code /} escaped. */
    public static String pointer(String questionId) {
        return ANSWERS + "/" + questionId.replace("~", "~0").replace("/", "~1");
    }

    /** The canonical text of {@code value}, or null: after recording why, or silently for a blank TEXT answer. */
    private static String normalize(FormQuestion question, JsonNode value, String pointer, List<FieldError> errors) {
        return switch (question.getType()) {
            case YES_NO -> yesNo(value, pointer, errors);
            case CHOICE -> choice(question, value, pointer, errors);
            case NUMBER -> number(question, value, pointer, errors);
            case TEXT -> text(value, pointer, errors);
        };
    }

    private static String yesNo(JsonNode value, String pointer, List<FieldError> errors) {
        if (value.isBoolean()) {
            return value.booleanValue() ? "yes" : "no";
        }
        if (value.isTextual()) {
            String text = value.textValue().strip().toLowerCase(Locale.ROOT);
            if (text.equals("yes") || text.equals("no")) {
                return text;
            }
        }
        errors.add(new FieldError(pointer, "must be yes or no (or true or false)"));
        return null;
    }

    private static String choice(FormQuestion question, JsonNode value, String pointer, List<FieldError> errors) {
        // Exact: allowed values are codes the rules compare against, not display text to guess at.
        if (value.isTextual() && question.getAllowedValues().contains(value.textValue())) {
            return value.textValue();
        }
        errors.add(new FieldError(pointer, "must be one of " + question.getAllowedValues()));
        return null;
    }

    private static String number(FormQuestion question, JsonNode value, String pointer, List<FieldError> errors) {
        BigDecimal number = decimal(value);
        if (number == null) {
            errors.add(new FieldError(pointer, "must be a number"));
            return null;
        }
        number = number.stripTrailingZeros();
        if (number.precision() - number.scale() > MAX_INTEGER_DIGITS || number.scale() > MAX_DECIMAL_DIGITS) {
            errors.add(new FieldError(pointer, "must have at most " + MAX_INTEGER_DIGITS + " digits before and "
                + MAX_DECIMAL_DIGITS + " after the decimal point"));
            return null;
        }
        Double min = question.getMin();
        Double max = question.getMax();
        boolean tooLow = min != null && Double.isFinite(min) && number.compareTo(BigDecimal.valueOf(min)) < 0;
        boolean tooHigh = max != null && Double.isFinite(max) && number.compareTo(BigDecimal.valueOf(max)) > 0;
        if (tooLow || tooHigh) {
            errors.add(new FieldError(pointer, bounds(min, max)));
            return null;
        }
        return number.toPlainString();
    }

    /** A JSON number, or a string holding one ({@code "7.5"}); null otherwise. */
    private static BigDecimal decimal(JsonNode value) {
        if (value.isNumber()) {
            if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
                return null;
            }
            return value.decimalValue();
        }
        return value.isTextual() ? FormScorer.number(value.textValue()) : null;
    }

    private static String bounds(Double min, Double max) {
        if (min != null && max != null) {
            return "must be between " + FormDefinitionParser.plain(min) + " and " + FormDefinitionParser.plain(max);
        }
        return min != null ? "must be at least " + FormDefinitionParser.plain(min) : "must be at most " + FormDefinitionParser.plain(max);
    }

    private static String text(JsonNode value, String pointer, List<FieldError> errors) {
        if (!value.isTextual()) {
            errors.add(new FieldError(pointer, "must be a string"));
            return null;
        }
        String text = value.textValue().strip();
        if (text.length() > MAX_TEXT_LENGTH) {
            errors.add(new FieldError(pointer, "must be at most " + MAX_TEXT_LENGTH + " characters"));
            return null;
        }
        // A blank answer is no answer: the caller reports it when the question is required.
        return text.isEmpty() ? null : text;
    }
}
