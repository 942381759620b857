package org.careflow.forms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.careflow.events.triage.FormDefinition;
import org.junit.jupiter.api.Test;

class BuiltInFormsTest {

    @Test
    void shouldDescribeVitalSignsOnlyWhenGeneralV1IsAskedFor() {
        // When
        FormDefinition form = BuiltInForms.generalV1();

        // Then
        assertThat(form.getFormId()).isEqualTo("general-v1");
        assertThat(form.getVersion()).isEqualTo(1);
        assertThat(form.getFacilityId()).isNull();
        assertThat(form.getTitle()).isEqualTo("Vital signs");
        assertThat(form.getQuestions()).isEmpty();
        assertThat(form.getScoringRules()).isEmpty();
        assertThat(form.getRedFlagRules()).isEmpty();
        assertThat(form.getOccurredAt()).isEqualTo(Instant.EPOCH);
        assertThat(form.getEventId()).isEqualTo("built-in:general-v1@1");
    }

    @Test
    void shouldFindGeneralV1WhenVersionIsLatestOrOne() {
        assertThat(BuiltInForms.find("general-v1", null)).contains(BuiltInForms.generalV1());
        assertThat(BuiltInForms.find("general-v1", 1)).contains(BuiltInForms.generalV1());
    }

    @Test
    void shouldFindNothingWhenVersionOrIdIsNotBuiltIn() {
        assertThat(BuiltInForms.find("general-v1", 2)).isEmpty();
        assertThat(BuiltInForms.find("chest-pain", null)).isEmpty();
        assertThat(BuiltInForms.find("General-V1", null)).isEmpty();
    }

    @Test
    void shouldHandOutIndependentCopiesWhenCallerChangesOne() {
        // Given
        FormDefinition mine = BuiltInForms.generalV1();

        // When
        mine.setTitle("changed");

        // Then
        assertThat(BuiltInForms.generalV1().getTitle()).isEqualTo("Vital signs");
    }

    @Test
    void shouldKnowGeneralV1IsBuiltInWhenAsked() {
        assertThat(BuiltInForms.isBuiltIn("general-v1")).isTrue();
        assertThat(BuiltInForms.isBuiltIn("chest-pain")).isFalse();
    }
}
