package org.careflow.fhir.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.careflow.events.triage.AnswerCondition;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.FormQuestion;
import org.careflow.events.triage.QuestionType;
import org.careflow.events.triage.RedFlagRule;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.FhirResources;
import org.careflow.validation.FieldError;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;

class QuestionnairesTest {

    static FormDefinition form() {
        return FormDefinition.newBuilder().setEventId("e-1").setOccurredAt(Instant.parse("2026-11-01T00:00:00Z"))
            .setFormId("chest-pain").setVersion(3).setFacilityId("f-1").setTitle("Chest pain")
            .setQuestions(List.of(
                FormQuestion.newBuilder().setQuestionId("radiates").setText("Does the pain spread to your arm?").setType(QuestionType.YES_NO)
                    .setRequired(true).setAllowedValues(List.of()).setMin(null).setMax(null).build(),
                FormQuestion.newBuilder().setQuestionId("severity").setText("How bad, 0 to 10?").setType(QuestionType.NUMBER)
                    .setRequired(false).setAllowedValues(List.of()).setMin(0.0).setMax(10.0).build(),
                FormQuestion.newBuilder().setQuestionId("onset").setText("When did it start?").setType(QuestionType.CHOICE)
                    .setRequired(false).setAllowedValues(List.of("today", "this-week")).setMin(null).setMax(null).build()))
            .setScoringRules(List.of())
            .setRedFlagRules(List.of(RedFlagRule.newBuilder().setRuleId("rf").setQuestionId("radiates")
                .setCondition(AnswerCondition.newBuilder().setEqualTo("true").setMin(null).setMax(null).build()).setDescription("radiating pain").build()))
            .build();
    }

    @Test
    void shouldGiveAValidQuestionnaireWithTheVitalsGroupAndEveryQuestion() {
        Questionnaire q = Questionnaires.of(form());

        assertThat(FhirResources.errors(q)).isEmpty();
        assertThat(q.getIdElement().getIdPart()).isEqualTo("chest-pain.3");
        assertThat(q.getItem()).extracting(Questionnaire.QuestionnaireItemComponent::getLinkId)
            .containsExactly("vitals", "radiates", "severity", "onset", "chiefComplaint");
        assertThat(q.getItemFirstRep().getItem()).hasSize(8);
        assertThat(q.getItem().get(1).getType()).isEqualTo(Questionnaire.QuestionnaireItemType.BOOLEAN);
        assertThat(q.getItem().get(3).getAnswerOption()).hasSize(2);
    }

    @Test
    void shouldReadACompletedResponseAsTheSubmissionBody() {
        QuestionnaireResponse response = FhirJson.parse(QuestionnaireResponse.class, """
            {"resourceType": "QuestionnaireResponse", "status": "completed",
             "identifier": {"value": "s-1"}, "subject": {"reference": "Patient/p-1"},
             "extension": [{"url": "https://careflow.org/fhir/StructureDefinition/facility", "valueReference": {"reference": "Organization/f-1"}}],
             "questionnaire": "https://careflow.org/fhir/Questionnaire/chest-pain|3", "authored": "2026-12-01T09:00:00Z",
             "item": [{"linkId": "vitals", "item": [
                 {"linkId": "respiratoryRate", "answer": [{"valueInteger": 24}]},
                 {"linkId": "temperature", "answer": [{"valueDecimal": 38.6}]},
                 {"linkId": "consciousness", "answer": [{"valueCoding": {"code": "ALERT"}}]},
                 {"linkId": "onSupplementalOxygen", "answer": [{"valueBoolean": false}]}]},
               {"linkId": "radiates", "answer": [{"valueBoolean": true}]},
               {"linkId": "onset", "answer": [{"valueCoding": {"code": "today"}}]},
               {"linkId": "chiefComplaint", "answer": [{"valueString": "<script>x</script> chest pain"}]}]}
            """);
        List<FieldError> errors = new ArrayList<>();

        var body = QuestionnaireResponses.submission(response, errors);

        assertThat(errors).isEmpty();
        assertThat(body.get("submissionId").asText()).isEqualTo("s-1");
        assertThat(body.get("patientId").asText()).isEqualTo("p-1");
        assertThat(body.get("facilityId").asText()).isEqualTo("f-1");
        assertThat(body.get("formId").asText()).isEqualTo("chest-pain");
        assertThat(body.get("formVersion").asInt()).isEqualTo(3);
        assertThat(body.get("channel").asText()).isEqualTo("WEB");
        assertThat(body.get("submittedAt").asText()).isEqualTo("2026-12-01T09:00:00Z");
        assertThat(body.at("/vitals/respiratoryRate").asInt()).isEqualTo(24);
        assertThat(body.at("/vitals/temperature").asDouble()).isEqualTo(38.6);
        assertThat(body.at("/vitals/consciousness").asText()).isEqualTo("ALERT");
        assertThat(body.at("/vitals/onSupplementalOxygen").isBoolean()).isTrue();
        assertThat(body.at("/answers/radiates").asBoolean()).isTrue();
        assertThat(body.at("/answers/onset").asText()).isEqualTo("today");
        assertThat(body.get("chiefComplaint").asText()).startsWith("<script>");
    }

    @Test
    void shouldNameWhatCannotBeReadByItsFhirPath() {
        QuestionnaireResponse response = FhirJson.parse(QuestionnaireResponse.class, """
            {"resourceType": "QuestionnaireResponse", "status": "in-progress", "subject": {"reference": "Group/g"},
             "questionnaire": "https://careflow.org/fhir/Questionnaire/chest-pain|three"}
            """);
        List<FieldError> errors = new ArrayList<>();

        QuestionnaireResponses.submission(response, errors);

        assertThat(errors).extracting(FieldError::field).containsExactly("QuestionnaireResponse.status", "QuestionnaireResponse.subject",
            "QuestionnaireResponse.questionnaire");
    }

    @Test
    void shouldTurnTheParsersPointersIntoFhirPath() {
        assertThat(QuestionnaireResponses.expression("/vitals/spo2")).isEqualTo("QuestionnaireResponse.repeat(item).where(linkId = 'spo2')");
        assertThat(QuestionnaireResponses.expression("/answers/radiates")).isEqualTo("QuestionnaireResponse.repeat(item).where(linkId = 'radiates')");
        assertThat(QuestionnaireResponses.expression("/submittedAt")).isEqualTo("QuestionnaireResponse.authored");
        assertThat(QuestionnaireResponses.expression("/facilityId")).startsWith("QuestionnaireResponse.extension(");
    }
}
