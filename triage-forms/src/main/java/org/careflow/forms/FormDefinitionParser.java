package org.careflow.forms;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.careflow.events.triage.AnswerCondition;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.FormQuestion;
import org.careflow.events.triage.QuestionType;
import org.careflow.events.triage.RedFlagRule;
import org.careflow.events.triage.ScoringRule;
import org.careflow.validation.JsonReader;
import org.careflow.validation.InvalidInputException;

/**
 * Turns the JSON body of {@code PUT /v1/forms/{formId}} into a {@link FormDefinition}, or a 400 naming every
 * problem by JSON pointer. A form that passes can always be answered and scored unambiguously: every rule
 * refers to a question it can match, and no answer earns points twice from overlapping ranges.
 * The format and every rule are described in this module's README.
 */
public final class FormDefinitionParser {

    /** The field under which problems with the path's form id are reported; it has no slash: it is not in the body. */
    public static final String FORM_ID_FIELD = "formId";

    public static final int MAX_QUESTIONS = 200;
    /** Per list: scoring rules, red flags. */
    public static final int MAX_RULES = 200;
    public static final int MAX_ALLOWED_VALUES = 100;
    public static final int MAX_TITLE_LENGTH = 200;
    public static final int MAX_QUESTION_TEXT_LENGTH = 1000;
    public static final int MAX_VALUE_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 500;
    /** Points of one rule lie within [-MAX_POINTS, MAX_POINTS], so no sum over a form can overflow. */
    public static final int MAX_POINTS = 100;

    private static final List<String> FIELDS = List.of("version", "facilityId", "title", "questions", "scoringRules", "redFlags");
    private static final List<String> QUESTION_FIELDS = List.of("id", "text", "type", "required", "allowedValues", "min", "max");
    private static final List<String> SCORING_RULE_FIELDS = List.of("id", "questionId", "equals", "min", "max", "points");
    private static final List<String> RED_FLAG_FIELDS = List.of("id", "questionId", "equals", "min", "max", "description");
    private static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";

    private final Clock clock;

    public FormDefinitionParser(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Parses and validates {@code body} as version of form {@code formId} (from the request path); throws
     * {@link InvalidInputException} listing every problem (rendered as a 400). The event gets a new id and the clock's time.
     */
    public FormDefinition parse(String formId, JsonNode body) {
        Objects.requireNonNull(formId, "formId");
        JsonReader in = new JsonReader();
        if (!JsonReader.ID.matcher(formId).matches()) {
            in.error(FORM_ID_FIELD, ID_MESSAGE);
        } else if (BuiltInForms.isBuiltIn(formId)) {
            in.error(FORM_ID_FIELD, formId + " is a built-in form and cannot be published or changed");
        }
        if (body == null || !body.isObject()) {
            in.error("", "the body must be a JSON object");
            throw new InvalidInputException(in.errors());
        }
        in.rejectUnknown(body, "", FIELDS);
        Integer version = version(in, body);
        String facilityId = in.id(body, "facilityId", "/facilityId", false);
        String title = in.text(body, "title", "/title", true, MAX_TITLE_LENGTH);

        Map<String, QuestionRef> questionsById = new HashMap<>();
        List<FormQuestion> questions = questions(in, body, questionsById);
        Map<String, String> ruleIdPointers = new HashMap<>();
        List<Draft<ScoringRule>> scoring = scoringRules(in, body, questionsById, ruleIdPointers);
        List<Draft<RedFlagRule>> redFlags = redFlags(in, body, questionsById, ruleIdPointers);
        rejectDoubleScoring(in, scoring);

        if (!in.errors().isEmpty()) {
            throw new InvalidInputException(in.errors());
        }
        return FormDefinition.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(clock.instant())
            .setFormId(formId)
            .setVersion(version)
            .setFacilityId(facilityId)
            .setTitle(title)
            .setQuestions(questions)
            .setScoringRules(scoring.stream().map(Draft::rule).toList())
            .setRedFlagRules(redFlags.stream().map(Draft::rule).toList())
            .build();
    }

    private static Integer version(JsonReader in, JsonNode body) {
        JsonNode node = body.get("version");
        if (node == null || node.isNull()) {
            in.error("/version", "is required");
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
            in.error("/version", "must be a whole number, 1 or more");
            return null;
        }
        return node.intValue();
    }

    // ---- questions

    /** What rules need to know of a question; type null when the question's own type was invalid. */
    private record QuestionRef(QuestionType type, List<String> allowedValues) {
    }

    private static List<FormQuestion> questions(JsonReader in, JsonNode body, Map<String, QuestionRef> byId) {
        List<FormQuestion> questions = new ArrayList<>();
        Map<String, String> idPointers = new HashMap<>();
        List<JsonNode> items = array(in, body, "questions", "/questions", MAX_QUESTIONS);
        for (int i = 0; i < items.size(); i++) {
            String p = "/questions/" + i;
            JsonNode q = object(in, items.get(i), p);
            if (q == null) {
                continue;
            }
            in.rejectUnknown(q, p, QUESTION_FIELDS);
            String id = in.id(q, "id", p + "/id", true);
            if (id != null && idPointers.putIfAbsent(id, p + "/id") != null) {
                in.error(p + "/id", "duplicates the question id " + id + " of " + idPointers.get(id));
                id = null;
            }
            String text = in.text(q, "text", p + "/text", true, MAX_QUESTION_TEXT_LENGTH);
            QuestionType type = in.enumValue(q, "type", p + "/type", true, QuestionType.class);
            Boolean required = in.bool(q, "required", p + "/required", false);
            List<String> allowedValues = allowedValues(in, q, p, type);
            Double min = null;
            Double max = null;
            if (type == QuestionType.NUMBER) {
                min = number(in, q, "min", p + "/min");
                max = number(in, q, "max", p + "/max");
                if (min != null && max != null && min > max) {
                    in.error(p + "/min", "must not be above max (" + plain(max) + ")");
                }
            } else if (type != null) {
                for (String bound : List.of("min", "max")) {
                    if (present(q, bound)) {
                        in.error(p + "/" + bound, "only NUMBER questions have " + bound);
                    }
                }
            }
            if (id != null) {
                byId.put(id, new QuestionRef(type, allowedValues));
            }
            if (id != null && text != null && type != null) {
                questions.add(FormQuestion.newBuilder()
                    .setQuestionId(id)
                    .setText(text)
                    .setType(type)
                    .setRequired(Boolean.TRUE.equals(required))
                    .setAllowedValues(allowedValues == null ? List.of() : allowedValues)
                    .setMin(min)
                    .setMax(max)
                    .build());
            }
        }
        return questions;
    }

    /** The allowed values of a CHOICE question (null when invalid); an error when another type lists any. */
    private static List<String> allowedValues(JsonReader in, JsonNode q, String p, QuestionType type) {
        String pointer = p + "/allowedValues";
        JsonNode node = q.get("allowedValues");
        boolean present = node != null && !node.isNull();
        if (type != QuestionType.CHOICE) {
            // An empty list says nothing, so it is tolerated on any type.
            if (type != null && present && !(node.isArray() && node.isEmpty())) {
                in.error(pointer, "only CHOICE questions have allowedValues");
            }
            return List.of();
        }
        if (!present) {
            in.error(pointer, "is required for a CHOICE question: list at least one value");
            return null;
        }
        if (!node.isArray()) {
            in.error(pointer, "must be an array of strings");
            return null;
        }
        if (node.isEmpty()) {
            in.error(pointer, "must list at least one value");
            return null;
        }
        if (node.size() > MAX_ALLOWED_VALUES) {
            in.error(pointer, "must list at most " + MAX_ALLOWED_VALUES + " values");
            return null;
        }
        List<String> values = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean valid = true;
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            String vp = pointer + "/" + i;
            if (!value.isTextual() || value.textValue().isBlank()) {
                in.error(vp, "must be a non-blank string");
                valid = false;
            } else if (value.textValue().strip().length() > MAX_VALUE_LENGTH) {
                in.error(vp, "must be at most " + MAX_VALUE_LENGTH + " characters");
                valid = false;
            } else if (seen.putIfAbsent(value.textValue().strip(), i) != null) {
                in.error(vp, "duplicates the value at " + pointer + "/" + seen.get(value.textValue().strip()));
                valid = false;
            } else {
                values.add(value.textValue().strip());
            }
        }
        return valid ? List.copyOf(values) : null;
    }

    // ---- rules

    /** A rule without errors of its own, with its pointer and what the double-scoring check needs. */
    private record Draft<R>(R rule, String pointer, String ruleId, String questionId, AnswerCondition condition) {
    }

    /** The parts shared by scoring rules and red flags. */
    private record Common(String id, String questionId, AnswerCondition condition) {
    }

    private static List<Draft<ScoringRule>> scoringRules(JsonReader in, JsonNode body, Map<String, QuestionRef> questions,
                                                         Map<String, String> ruleIdPointers) {
        List<Draft<ScoringRule>> rules = new ArrayList<>();
        List<JsonNode> items = array(in, body, "scoringRules", "/scoringRules", MAX_RULES);
        for (int i = 0; i < items.size(); i++) {
            String p = "/scoringRules/" + i;
            JsonNode r = object(in, items.get(i), p);
            if (r == null) {
                continue;
            }
            int errorsBefore = in.errors().size();
            in.rejectUnknown(r, p, SCORING_RULE_FIELDS);
            Common common = common(in, r, p, questions, ruleIdPointers);
            Integer points = in.integer(r, "points", p + "/points", true, -MAX_POINTS, MAX_POINTS);
            if (in.errors().size() == errorsBefore) {
                ScoringRule rule = ScoringRule.newBuilder().setRuleId(common.id()).setQuestionId(common.questionId())
                    .setCondition(common.condition()).setPoints(points).build();
                rules.add(new Draft<>(rule, p, common.id(), common.questionId(), common.condition()));
            }
        }
        return rules;
    }

    private static List<Draft<RedFlagRule>> redFlags(JsonReader in, JsonNode body, Map<String, QuestionRef> questions,
                                                     Map<String, String> ruleIdPointers) {
        List<Draft<RedFlagRule>> rules = new ArrayList<>();
        List<JsonNode> items = array(in, body, "redFlags", "/redFlags", MAX_RULES);
        for (int i = 0; i < items.size(); i++) {
            String p = "/redFlags/" + i;
            JsonNode r = object(in, items.get(i), p);
            if (r == null) {
                continue;
            }
            int errorsBefore = in.errors().size();
            in.rejectUnknown(r, p, RED_FLAG_FIELDS);
            Common common = common(in, r, p, questions, ruleIdPointers);
            String description = in.text(r, "description", p + "/description", true, MAX_DESCRIPTION_LENGTH);
            if (in.errors().size() == errorsBefore) {
                RedFlagRule rule = RedFlagRule.newBuilder().setRuleId(common.id()).setQuestionId(common.questionId())
                    .setCondition(common.condition()).setDescription(description).build();
                rules.add(new Draft<>(rule, p, common.id(), common.questionId(), common.condition()));
            }
        }
        return rules;
    }

    /** Id, question and condition of a rule, each checked against the question it refers to. */
    private static Common common(JsonReader in, JsonNode r, String p, Map<String, QuestionRef> questions,
                                 Map<String, String> ruleIdPointers) {
        String id = in.id(r, "id", p + "/id", true);
        if (id != null && ruleIdPointers.putIfAbsent(id, p + "/id") != null) {
            in.error(p + "/id", "duplicates the rule id " + id + " of " + ruleIdPointers.get(id)
                + "; rule ids are unique across scoringRules and redFlags");
        }
        String questionId = in.id(r, "questionId", p + "/questionId", true);
        QuestionRef question = questionId == null ? null : questions.get(questionId);
        QuestionType type = question == null ? null : question.type();
        if (questionId != null && question == null) {
            in.error(p + "/questionId", "unknown question " + questionId);
        } else if (type == QuestionType.TEXT) {
            in.error(p + "/questionId", "question " + questionId + " is TEXT; free text cannot be scored or flagged");
            type = null;
        }

        boolean hasEquals = present(r, "equals");
        boolean hasRange = present(r, "min") || present(r, "max");
        String equalTo = hasEquals ? in.text(r, "equals", p + "/equals", true, MAX_VALUE_LENGTH) : null;
        Double min = number(in, r, "min", p + "/min");
        Double max = number(in, r, "max", p + "/max");
        if (hasEquals && hasRange) {
            in.error(p, "has both equals and a range (min, max); a condition is one or the other");
        } else if (!hasEquals && !hasRange) {
            in.error(p, "needs a condition: equals, or a range with min and/or max");
        } else if (hasEquals && type != null && equalTo != null) {
            checkEquals(in, p + "/equals", type, question, equalTo);
        } else if (hasRange) {
            if (type != null && type != QuestionType.NUMBER) {
                in.error(p + (present(r, "min") ? "/min" : "/max"),
                    "ranges are only for NUMBER questions; question " + questionId + " is " + type + ", use equals");
            }
            if (min != null && max != null && min >= max) {
                in.error(p + "/min", "must be below max (" + plain(max) + "): a range is [min, max)");
            }
        }
        return new Common(id, questionId, AnswerCondition.newBuilder().setEqualTo(equalTo).setMin(min).setMax(max).build());
    }

    private static void checkEquals(JsonReader in, String pointer, QuestionType type, QuestionRef question, String equalTo) {
        switch (type) {
            case YES_NO -> {
                if (!equalTo.equals("yes") && !equalTo.equals("no")) {
                    in.error(pointer, "must be yes or no for a YES_NO question");
                }
            }
            case CHOICE -> {
                if (question.allowedValues() != null && !question.allowedValues().contains(equalTo)) {
                    in.error(pointer, "must be one of the question's allowedValues " + question.allowedValues());
                }
            }
            case NUMBER -> in.error(pointer, "is not allowed on a NUMBER question; use min and/or max");
            case TEXT -> throw new IllegalStateException("TEXT questions are rejected before their conditions are checked");
        }
    }

    /**
     * Rejects two scoring rules of one question that an answer could both match: overlapping ranges, or the
     * same {@code equals} value. Such a form would add points twice for one answer, which is never what was meant.
     */
    private static void rejectDoubleScoring(JsonReader in, List<Draft<ScoringRule>> rules) {
        for (int j = 0; j < rules.size(); j++) {
            Draft<ScoringRule> later = rules.get(j);
            for (int i = 0; i < j; i++) {
                Draft<ScoringRule> earlier = rules.get(i);
                if (!earlier.questionId().equals(later.questionId())) {
                    continue;
                }
                AnswerCondition a = earlier.condition();
                AnswerCondition b = later.condition();
                if (a.getEqualTo() != null && a.getEqualTo().equals(b.getEqualTo())) {
                    in.error(later.pointer(), "rule " + later.ruleId() + " scores the same answer '" + b.getEqualTo()
                        + "' to question " + later.questionId() + " as rule " + earlier.ruleId() + " (" + earlier.pointer() + ")");
                } else if (a.getEqualTo() == null && b.getEqualTo() == null && overlap(a, b)) {
                    in.error(later.pointer(), "the range " + range(b) + " of rule " + later.ruleId() + " overlaps the range "
                        + range(a) + " of rule " + earlier.ruleId() + " (" + earlier.pointer() + ") on question "
                        + later.questionId() + "; ranges are [min, max)");
                }
            }
        }
    }

    /** Whether two ranges [min, max) share a value; a missing bound is infinite. */
    private static boolean overlap(AnswerCondition a, AnswerCondition b) {
        return below(a.getMin(), b.getMax()) && below(b.getMin(), a.getMax());
    }

    private static boolean below(Double min, Double max) {
        return min == null || max == null || min < max;
    }

    private static String range(AnswerCondition c) {
        return "[" + (c.getMin() == null ? "-∞" : plain(c.getMin())) + ", " + (c.getMax() == null ? "∞" : plain(c.getMax())) + ")";
    }

    // ---- JSON helpers

    private static List<JsonNode> array(JsonReader in, JsonNode parent, String name, String pointer, int max) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            in.error(pointer, "must be an array");
            return List.of();
        }
        if (node.size() > max) {
            in.error(pointer, "must have at most " + max + " items");
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private static JsonNode object(JsonReader in, JsonNode node, String pointer) {
        if (!node.isObject()) {
            in.error(pointer, "must be an object");
            return null;
        }
        return node;
    }

    private static Double number(JsonReader in, JsonNode parent, String name, String pointer) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            in.error(pointer, "must be a number");
            return null;
        }
        return node.doubleValue();
    }

    private static boolean present(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        return node != null && !node.isNull();
    }

    /** 7.0 as "7", 37.5 as "37.5": bounds as a clinician wrote them. */
    static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
