package org.careflow.forms;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.careflow.events.triage.FormDefinition;

/**
 * Forms careflow knows without reading the {@code triage-forms} topic. {@code general-v1} is vital signs only:
 * no questions and no rules, so a submission against it is scored by NEWS2 alone. It cannot be published or changed.
 */
public final class BuiltInForms {

    /** The id of the built-in vital-signs form. */
    public static final String GENERAL_V1_ID = "general-v1";

    private static final int GENERAL_V1_VERSION = 1;

    private static final FormDefinition GENERAL_V1 = FormDefinition.newBuilder()
        .setEventId("built-in:" + FormKey.of(GENERAL_V1_ID, GENERAL_V1_VERSION))
        .setOccurredAt(Instant.EPOCH)
        .setFormId(GENERAL_V1_ID)
        .setVersion(GENERAL_V1_VERSION)
        .setFacilityId(null)
        .setTitle("Vital signs")
        .setQuestions(List.of())
        .setScoringRules(List.of())
        .setRedFlagRules(List.of())
        .build();

    private BuiltInForms() {
    }

    /** The built-in vital-signs form, version 1, for every facility. A new copy each call: Avro records are mutable. */
    public static FormDefinition generalV1() {
        return FormDefinition.newBuilder(GENERAL_V1).build();
    }

    /** True when {@code formId} names a built-in form, which can never be published through the topic. */
    public static boolean isBuiltIn(String formId) {
        return GENERAL_V1_ID.equals(formId);
    }

    /**
     * The built-in form {@code formId} at {@code version} ({@code null}: its latest), or empty when
     * {@code formId} is not built in or has no such version.
     */
    public static Optional<FormDefinition> find(String formId, Integer version) {
        Objects.requireNonNull(formId, "formId");
        if (!GENERAL_V1_ID.equals(formId) || (version != null && version != GENERAL_V1_VERSION)) {
            return Optional.empty();
        }
        return Optional.of(generalV1());
    }
}
