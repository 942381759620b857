package org.careflow.forms;

import java.util.List;
import java.util.Objects;
import org.careflow.events.triage.FormDefinition;

/** Comparisons of form definitions that look at what a form asks and scores, not at the event that carried it. */
public final class FormDefinitions {

    private FormDefinitions() {
    }

    /**
     * True when {@code a} and {@code b} are the same form version with the same content: id, version, facility,
     * title, questions and rules. The event id and publication time are ignored, so a re-sent form is recognised.
     */
    public static boolean sameContent(FormDefinition a, FormDefinition b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return a.getFormId().equals(b.getFormId())
            && a.getVersion() == b.getVersion()
            && Objects.equals(a.getFacilityId(), b.getFacilityId())
            && a.getTitle().equals(b.getTitle())
            // Copies, so that a list read by Avro (GenericData.Array) and one built in code compare element by element.
            && List.copyOf(a.getQuestions()).equals(List.copyOf(b.getQuestions()))
            && List.copyOf(a.getScoringRules()).equals(List.copyOf(b.getScoringRules()))
            && List.copyOf(a.getRedFlagRules()).equals(List.copyOf(b.getRedFlagRules()));
    }
}
