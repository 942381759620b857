package org.careflow.fhir.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.careflow.fhir.FhirCodes;
import org.careflow.validation.FieldError;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * A completed QuestionnaireResponse read as the body of {@code POST /v1/triage-submissions}, so that it is checked by
 * the same parser and becomes the same event:
 * <ul>
 *   <li>{@code identifier.value}: the submission id (the client's idempotency key);</li>
 *   <li>{@code subject}: the patient ({@code Patient/{id}} or an identifier in careflow's patient system);</li>
 *   <li>the extension {@value FhirCodes#FACILITY_EXTENSION}: the facility (a reference to the Organization);</li>
 *   <li>{@code questionnaire}: the form, {@code .../Questionnaire/{formId}} with {@code |version} or without (newest);</li>
 *   <li>{@code authored}: when the patient submitted; the extension {@value FhirCodes#CHANNEL_EXTENSION}: the channel
 *       ({@code WEB} when absent);</li>
 *   <li>items: the vital signs by their linkIds (in the {@code vitals} group or not), {@code chiefComplaint}, and every
 *       other item an answer to the form's question of that id.</li>
 * </ul>
 * The parser's errors name JSON pointers; {@link #expression} gives the FHIRPath of each in the response.
 */
public final class QuestionnaireResponses {

    public static final String DEFAULT_CHANNEL = "WEB";
    private static final Set<String> VITALS = Questionnaires.VITALS.stream().map(v -> v[0]).collect(Collectors.toUnmodifiableSet());
    private static final String QR = "QuestionnaireResponse";

    private QuestionnaireResponses() {
    }

    /** The submission body {@code response} stands for; what cannot be read is added to {@code errors}. */
    public static ObjectNode submission(QuestionnaireResponse response, List<FieldError> errors) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode body = json.objectNode();
        if (response.getStatus() != QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED) {
            errors.add(new FieldError(QR + ".status", "must be completed: only a finished form is a triage submission"));
        }
        if (response.hasIdentifier() && response.getIdentifier().hasValue()) {
            body.put("submissionId", response.getIdentifier().getValue());
        }
        String patient = id(response.getSubject(), "Patient", FhirCodes.PATIENT_ID_SYSTEM);
        if (patient != null) {
            body.put("patientId", patient);
        } else if (response.hasSubject()) {
            errors.add(new FieldError(QR + ".subject", "must be Patient/{id} or an identifier in " + FhirCodes.PATIENT_ID_SYSTEM));
        }
        Extension facility = response.getExtensionByUrl(FhirCodes.FACILITY_EXTENSION);
        if (facility != null) {
            String facilityId = facility.getValue() instanceof Reference r ? id(r, "Organization", FhirCodes.FACILITY_ID_SYSTEM) : null;
            if (facilityId == null) {
                errors.add(new FieldError(facilityExpression(), "must be a reference to Organization/{facilityId} or an identifier in "
                    + FhirCodes.FACILITY_ID_SYSTEM));
            } else {
                body.put("facilityId", facilityId);
            }
        }
        form(response, body, errors);
        Extension channel = response.getExtensionByUrl(FhirCodes.CHANNEL_EXTENSION);
        body.put("channel", channel == null || channel.getValue() == null ? DEFAULT_CHANNEL : channel.getValue().primitiveValue());
        if (response.hasAuthored()) {
            body.put("submittedAt", DateTimeFormatter.ISO_INSTANT.format(response.getAuthored().toInstant()));
        }
        ObjectNode vitals = json.objectNode();
        ObjectNode answers = json.objectNode();
        items(response.getItem(), body, vitals, answers, errors);
        body.set("vitals", vitals);
        body.set("answers", answers);
        return body;
    }

    /** The FHIRPath in the response of what the submission parser names by JSON pointer {@code pointer}. */
    public static String expression(String pointer) {
        String[] parts = pointer.startsWith("/") ? pointer.substring(1).split("/", -1) : pointer.split("/", -1);
        return switch (parts[0]) {
            case "submissionId" -> QR + ".identifier";
            case "patientId" -> QR + ".subject";
            case "facilityId" -> facilityExpression();
            case "formId", "formVersion" -> QR + ".questionnaire";
            case "channel" -> QR + ".extension('" + FhirCodes.CHANNEL_EXTENSION + "')";
            case "submittedAt" -> QR + ".authored";
            case "vitals", "answers", "chiefComplaint" -> parts.length > 1 && !parts[1].isEmpty()
                ? item(parts[1]) : parts[0].equals("chiefComplaint") ? item("chiefComplaint") : QR + ".item";
            default -> QR;
        };
    }

    private static String item(String linkId) {
        return QR + ".repeat(item).where(linkId = '" + linkId.replace("'", "\\'") + "')";
    }

    private static String facilityExpression() {
        return QR + ".extension('" + FhirCodes.FACILITY_EXTENSION + "')";
    }

    private static void form(QuestionnaireResponse response, ObjectNode body, List<FieldError> errors) {
        if (!response.hasQuestionnaire()) {
            return;
        }
        String canonical = response.getQuestionnaire();
        int bar = canonical.indexOf('|');
        String url = bar < 0 ? canonical : canonical.substring(0, bar);
        int slash = url.lastIndexOf("Questionnaire/");
        if (slash < 0 || slash + "Questionnaire/".length() == url.length()) {
            errors.add(new FieldError(QR + ".questionnaire", "must name the form as .../Questionnaire/{formId}, with |{version} or without"));
            return;
        }
        body.put("formId", url.substring(slash + "Questionnaire/".length()));
        if (bar >= 0) {
            try {
                body.put("formVersion", Integer.parseInt(canonical.substring(bar + 1)));
            } catch (NumberFormatException e) {
                errors.add(new FieldError(QR + ".questionnaire", "the version after | must be a whole number"));
            }
        }
    }

    private static void items(List<QuestionnaireResponse.QuestionnaireResponseItemComponent> items, ObjectNode body, ObjectNode vitals,
                              ObjectNode answers, List<FieldError> errors) {
        for (QuestionnaireResponse.QuestionnaireResponseItemComponent item : items) {
            String linkId = item.getLinkId();
            if (item.hasItem()) {
                items(item.getItem(), body, vitals, answers, errors);
            }
            if (!item.hasAnswer() || linkId == null) {
                continue;
            }
            if (item.getAnswer().size() > 1) {
                errors.add(new FieldError(item(linkId), "takes one answer"));
                continue;
            }
            JsonNode value = value(item.getAnswerFirstRep().getValue());
            if (value == null) {
                errors.add(new FieldError(item(linkId), "answer must be a boolean, integer, decimal, string or coding"));
            } else if (VITALS.contains(linkId)) {
                vitals.set(linkId, value);
            } else if (linkId.equals(Questionnaires.CHIEF_COMPLAINT)) {
                body.set("chiefComplaint", value);
            } else {
                answers.set(linkId, value);
            }
        }
    }

    private static JsonNode value(Type value) {
        if (value instanceof org.hl7.fhir.r4.model.BooleanType b) {
            return BooleanNode.valueOf(b.booleanValue());
        }
        if (value instanceof org.hl7.fhir.r4.model.IntegerType i) {
            return IntNode.valueOf(i.getValue());
        }
        if (value instanceof org.hl7.fhir.r4.model.DecimalType d) {
            return DecimalNode.valueOf(d.getValue());
        }
        if (value instanceof org.hl7.fhir.r4.model.StringType s) {
            return TextNode.valueOf(s.getValue());
        }
        if (value instanceof org.hl7.fhir.r4.model.Coding c) {
            return TextNode.valueOf(c.getCode());
        }
        return null;
    }

    /** The id of a reference to {@code type}: literal ({@code Type/id}) or by identifier in careflow's {@code system}. */
    private static String id(Reference reference, String type, String system) {
        if (reference == null || reference.isEmpty()) {
            return null;
        }
        if (reference.hasReference()) {
            String literal = reference.getReference();
            return literal.startsWith(type + "/") && literal.length() > type.length() + 1 ? literal.substring(type.length() + 1) : null;
        }
        if (reference.hasIdentifier() && system.equals(reference.getIdentifier().getSystem())) {
            return reference.getIdentifier().getValue();
        }
        return null;
    }

    /** The errors of the submission parser, as FHIRPath expressions in the response. */
    public static List<FieldError> inResponse(List<FieldError> errors) {
        List<FieldError> out = new ArrayList<>();
        for (FieldError e : errors) {
            out.add(new FieldError(expression(e.field()), e.message()));
        }
        return out;
    }
}
