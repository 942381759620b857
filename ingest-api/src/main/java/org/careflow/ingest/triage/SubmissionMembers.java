package org.careflow.ingest.triage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The members of one submission object as sent, before any check: each known member's value (null when absent), the
 * vital signs' members likewise, and the unknown members' names in order. {@link TriageSubmissionParser} validates
 * these, so the single-event route (which has the body as a tree, {@link #of(JsonNode)}) and the batch route (which
 * reads its items from a stream, {@link #read(JsonParser)}, without building a tree per item) check exactly the same.
 *
 * <p>Read from a stream, scalar values become the leaf nodes Jackson's tree would hold for them (so every check sees
 * the same types); an object or array where a scalar belongs, and {@code answers}, which the form's
 * {@link org.careflow.forms.AnswerValidator} checks as a tree, are read as a (small) tree. A repeated member replaces
 * the earlier one, as in Jackson's tree.
 */
public final class SubmissionMembers {

    /** The members of a submission, in the order they are checked. */
    public static final List<String> FIELDS = List.of("submissionId", "patientId", "facilityId", "formId", "formVersion",
        "channel", "submittedAt", "vitals", "answers", "chiefComplaint");
    /** The members of {@code vitals}, in the order they are checked. */
    public static final List<String> VITALS = List.of("respiratoryRate", "spo2", "spo2Scale", "onSupplementalOxygen",
        "systolicBp", "heartRate", "consciousness", "temperature");
    static final Set<String> KNOWN_FIELDS = Set.copyOf(FIELDS);
    static final Set<String> KNOWN_VITALS = Set.copyOf(VITALS);

    static final int SUBMISSION_ID = 0;
    static final int PATIENT_ID = 1;
    static final int FACILITY_ID = 2;
    static final int FORM_ID = 3;
    static final int FORM_VERSION = 4;
    static final int CHANNEL = 5;
    static final int SUBMITTED_AT = 6;
    static final int VITALS_FIELD = 7;
    static final int ANSWERS = 8;
    static final int CHIEF_COMPLAINT = 9;

    private static final Map<String, Integer> FIELD_INDEX = index(FIELDS);
    private static final Map<String, Integer> VITAL_INDEX = index(VITALS);

    private final JsonNode[] fields = new JsonNode[FIELDS.size()];
    /** The vital signs' members, meaningful when {@code vitalsObject}. */
    private final JsonNode[] vitals = new JsonNode[VITALS.size()];
    /** True when {@code vitals} is an object (its members are then in {@link #vitals}, not in {@link #fields}). */
    private boolean vitalsObject;
    private List<String> unknown = List.of();
    private List<String> unknownVitals = List.of();

    private SubmissionMembers() {
    }

    /** The members of {@code body}, which must be an object. */
    public static SubmissionMembers of(JsonNode body) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("not an object: " + body.getNodeType());
        }
        SubmissionMembers members = new SubmissionMembers();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            Integer index = FIELD_INDEX.get(member.getKey());
            if (index == null) {
                members.unknown = add(members.unknown, member.getKey());
            } else if (index == VITALS_FIELD && member.getValue().isObject()) {
                members.vitalsObject = true;
                for (Iterator<Map.Entry<String, JsonNode>> v = member.getValue().fields(); v.hasNext(); ) {
                    Map.Entry<String, JsonNode> vital = v.next();
                    Integer vitalIndex = VITAL_INDEX.get(vital.getKey());
                    if (vitalIndex == null) {
                        members.unknownVitals = add(members.unknownVitals, vital.getKey());
                    } else {
                        members.vitals[vitalIndex] = vital.getValue();
                    }
                }
            } else {
                members.fields[index] = member.getValue();
            }
        }
        return members;
    }

    /**
     * Reads the object {@code parser} is at ({@link JsonToken#START_OBJECT}) up to and including its end. Syntax errors
     * are the parser's exceptions.
     */
    public static SubmissionMembers read(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalStateException("not at an object: " + parser.currentToken());
        }
        SubmissionMembers members = new SubmissionMembers();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            Integer index = FIELD_INDEX.get(name);
            JsonToken token = parser.nextToken();
            if (index == null) {
                members.unknown = addOnce(members.unknown, name);
                parser.skipChildren();
            } else if (index == VITALS_FIELD) {
                members.readVitals(parser, token);
            } else if (index == ANSWERS && token != JsonToken.VALUE_NULL) {
                members.fields[index] = parser.readValueAsTree();
            } else {
                members.fields[index] = value(parser, token);
            }
        }
        return members;
    }

    /** As a repeated {@code vitals} replaces the earlier one in a tree, everything read before is dropped. */
    private void readVitals(JsonParser parser, JsonToken token) throws IOException {
        Arrays.fill(vitals, null);
        unknownVitals = List.of();
        if (token != JsonToken.START_OBJECT) {
            vitalsObject = false;
            fields[VITALS_FIELD] = value(parser, token);
            return;
        }
        vitalsObject = true;
        fields[VITALS_FIELD] = null;
        String name;
        while ((name = parser.nextFieldName()) != null) {
            Integer index = VITAL_INDEX.get(name);
            JsonToken vitalToken = parser.nextToken();
            if (index == null) {
                unknownVitals = addOnce(unknownVitals, name);
                parser.skipChildren();
            } else {
                vitals[index] = value(parser, vitalToken);
            }
        }
    }

    /** The node Jackson's tree holds for the value at {@code token}. */
    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> TextNode.valueOf(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> IntNode.valueOf(parser.getIntValue());
                case LONG -> LongNode.valueOf(parser.getLongValue());
                default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(parser.getDoubleValue());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            // Objects and arrays: wrong wherever a scalar belongs, read whole so that the check names their type.
            default -> parser.readValueAsTree();
        };
    }

    /** The value of member {@code index} (one of this class's field constants), or null when absent. */
    JsonNode field(int index) {
        return fields[index];
    }

    /** The value of vital sign {@code index} (in {@link #VITALS} order), or null when absent or when vitals is not an object. */
    JsonNode vital(int index) {
        return vitals[index];
    }

    /** True when {@code vitals} is an object. */
    boolean vitalsObject() {
        return vitalsObject;
    }

    /** The names of members that are not submission fields, each once, in the order sent. */
    List<String> unknown() {
        return unknown;
    }

    /** The names of {@code vitals}' members that are not vital signs, each once, in the order sent. */
    List<String> unknownVitals() {
        return unknownVitals;
    }

    private static List<String> add(List<String> list, String name) {
        List<String> grown = list.isEmpty() ? new ArrayList<>(2) : list;
        grown.add(name);
        return grown;
    }

    /** A tree keeps one member per name, at its first position. */
    private static List<String> addOnce(List<String> list, String name) {
        return list.contains(name) ? list : add(list, name);
    }

    private static Map<String, Integer> index(List<String> names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        return Map.copyOf(index);
    }
}
