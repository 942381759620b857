package org.careflow.fhir.triage;

import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.FormQuestion;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.FhirIds;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.UsageContext;

/**
 * A triage form as a Questionnaire: the vital signs as the group {@code vitals} (linkIds as the JSON API names them),
 * then the form's questions (linkIds are their question ids), then the chief complaint. Its id is
 * {@code {formId}.{version}}; its canonical URL and version say which form a QuestionnaireResponse answers.
 */
public final class Questionnaires {

    public static final String VITALS_GROUP = "vitals";
    public static final String CHIEF_COMPLAINT = "chiefComplaint";
    static final String MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue";
    static final String MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue";
    static final String USAGE_CONTEXT_TYPE = "http://terminology.hl7.org/CodeSystem/usage-context-type";

    /** The vital signs' items: linkId, text, type. */
    static final List<String[]> VITALS = List.of(
        new String[] {"respiratoryRate", "Respiratory rate (breaths per minute)", "integer"},
        new String[] {"spo2", "Oxygen saturation (%)", "integer"},
        new String[] {"spo2Scale", "SpO2 scale (1, or 2 for hypercapnic respiratory failure)", "integer"},
        new String[] {"onSupplementalOxygen", "On supplemental oxygen", "boolean"},
        new String[] {"systolicBp", "Systolic blood pressure (mmHg)", "integer"},
        new String[] {"heartRate", "Heart rate (beats per minute)", "integer"},
        new String[] {"consciousness", "Level of consciousness (ACVPU)", "choice"},
        new String[] {"temperature", "Temperature (°C)", "decimal"});

    private Questionnaires() {
    }

    /** The logical id of a form version: {@code formId.version}, or null when the form id is not usable in one. */
    public static String id(String formId, int version) {
        String id = formId + "." + version;
        return FhirIds.LOGICAL_ID.matcher(id).matches() ? id : null;
    }

    /** The canonical URL of a form (without version). */
    public static String url(String formId) {
        return FhirCodes.BASE + "/Questionnaire/" + formId;
    }

    public static Questionnaire of(FormDefinition form) {
        Questionnaire q = new Questionnaire();
        String id = id(form.getFormId(), form.getVersion());
        if (id != null) {
            q.setId(id);
        }
        q.setUrl(url(form.getFormId()));
        q.setVersion(String.valueOf(form.getVersion()));
        q.addIdentifier(new Identifier().setSystem(FhirCodes.FORM_ID_SYSTEM).setValue(form.getFormId()));
        q.setName(name(form.getFormId()));
        q.setTitle(form.getTitle());
        q.setStatus(Enumerations.PublicationStatus.ACTIVE);
        q.addSubjectType("Patient");
        q.setDate(Date.from(form.getOccurredAt()));
        if (form.getFacilityId() != null) {
            q.addUseContext(new UsageContext(new Coding(USAGE_CONTEXT_TYPE, "venue", "Clinical Venue"),
                new CodeableConcept().addCoding(new Coding(FhirCodes.FACILITY_ID_SYSTEM, form.getFacilityId(), null))));
        }
        q.setDescription("careflow triage form " + form.getFormId() + " version " + form.getVersion()
            + (form.getFacilityId() == null ? " (every facility)" : " of facility " + form.getFacilityId())
            + ". Scoring and red-flag rules are applied by careflow and are not part of the questionnaire.");
        Questionnaire.QuestionnaireItemComponent vitals = q.addItem().setLinkId(VITALS_GROUP).setText("Vital signs")
            .setType(Questionnaire.QuestionnaireItemType.GROUP);
        for (String[] vital : VITALS) {
            Questionnaire.QuestionnaireItemComponent item = vitals.addItem().setLinkId(vital[0]).setText(vital[1])
                .setType(Questionnaire.QuestionnaireItemType.fromCode(vital[2]));
            if (vital[0].equals("consciousness")) {
                for (String level : List.of("ALERT", "CONFUSION", "VOICE", "PAIN", "UNRESPONSIVE")) {
                    item.addAnswerOption().setValue(new Coding(null, level, level.substring(0, 1) + level.substring(1).toLowerCase(Locale.ROOT)));
                }
            }
        }
        for (FormQuestion question : form.getQuestions()) {
            Questionnaire.QuestionnaireItemComponent item = q.addItem().setLinkId(question.getQuestionId()).setText(question.getText())
                .setRequired(question.getRequired());
            switch (question.getType()) {
                case YES_NO -> item.setType(Questionnaire.QuestionnaireItemType.BOOLEAN);
                case CHOICE -> {
                    item.setType(Questionnaire.QuestionnaireItemType.CHOICE);
                    question.getAllowedValues().forEach(v -> item.addAnswerOption().setValue(new Coding(null, v, v)));
                }
                case NUMBER -> {
                    item.setType(Questionnaire.QuestionnaireItemType.DECIMAL);
                    if (question.getMin() != null) {
                        item.addExtension(new Extension(MIN_VALUE, new DecimalType(question.getMin())));
                    }
                    if (question.getMax() != null) {
                        item.addExtension(new Extension(MAX_VALUE, new DecimalType(question.getMax())));
                    }
                }
                case TEXT -> item.setType(Questionnaire.QuestionnaireItemType.STRING);
            }
        }
        q.addItem().setLinkId(CHIEF_COMPLAINT).setText("What brings you in today?").setType(Questionnaire.QuestionnaireItemType.STRING);
        return q;
    }

    /** A computer-friendly name as FHIR's que-0 asks: a capital letter, then letters, digits and underscores. */
    static String name(String formId) {
        StringBuilder name = new StringBuilder("Form_");
        for (char c : formId.toCharArray()) {
            name.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        return name.toString();
    }
}
