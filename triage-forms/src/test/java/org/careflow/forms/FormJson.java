package org.careflow.forms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The README's example form and JSON helpers shared by this module's tests. */
final class FormJson {

    static final String CHEST_PAIN = """
        {"version": 2, "facilityId": "f-1", "title": "Chest pain triage",
         "questions": [{"id": "chest_pain", "text": "Do you have chest pain?", "type": "YES_NO", "required": true},
                       {"id": "pain_score", "text": "Pain 0-10", "type": "NUMBER", "min": 0, "max": 10},
                       {"id": "onset", "text": "When did it start?", "type": "CHOICE", "allowedValues": ["today", "this_week", "longer"]},
                       {"id": "notes", "text": "Anything else?", "type": "TEXT"}],
         "scoringRules": [{"id": "severe_pain", "questionId": "pain_score", "min": 7, "points": 2},
                          {"id": "moderate_pain", "questionId": "pain_score", "min": 4, "max": 7, "points": 1},
                          {"id": "sudden", "questionId": "onset", "equals": "today", "points": 1}],
         "redFlags": [{"id": "chest_pain_flag", "questionId": "chest_pain", "equals": "yes", "description": "Chest pain: rule out ACS"}]}
        """;

    private FormJson() {
    }

    static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode chestPain() {
        return (ObjectNode) json(CHEST_PAIN);
    }
}
