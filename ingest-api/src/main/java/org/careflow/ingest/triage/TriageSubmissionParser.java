package org.careflow.ingest.triage;

import org.careflow.validation.FieldError;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.forms.AnswerValidator;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.validation.JsonReader;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;

/**
 * Turns a {@code POST /v1/triage-submissions} body into a {@link TriageSubmission}, or a problem naming every
 * bad field. Vital signs outside what a living patient can present with are rejected here, so a typo
 * (SpO2 930) never reaches scoring; missing vital signs stay missing. Answers are checked against the form
 * they answer and written in canonical form, with the form version they were checked against.
 *
 * <p>A well-formed submission whose form cannot be used (unknown form or version, or another facility's form)
 * is a 422; while the form catalog has not yet read the forms topic, an unknown form is a 503 instead, since
 * it may well exist.
 */
public final class TriageSubmissionParser {

    /** Physiologically possible ranges, inclusive. Values outside them are data-entry errors. */
    public static final int RESPIRATORY_RATE_MIN = 1;
    public static final int RESPIRATORY_RATE_MAX = 80;
    public static final int SPO2_MIN = 40;
    public static final int SPO2_MAX = 100;
    public static final int SYSTOLIC_BP_MIN = 40;
    public static final int SYSTOLIC_BP_MAX = 300;
    public static final int HEART_RATE_MIN = 20;
    public static final int HEART_RATE_MAX = 300;
    public static final double TEMPERATURE_MIN = 25.0;
    public static final double TEMPERATURE_MAX = 45.0;

    /** Problem type of a submission naming a form that cannot be used. */
    public static final String FORM_PROBLEM_TYPE = "https://careflow.org/problems/form-not-usable";

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private final Clock clock;
    private final Duration maxClockSkew;
    private final FormCatalog forms;

    public TriageSubmissionParser(Clock clock, Duration maxClockSkew, FormCatalog forms) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        this.forms = Objects.requireNonNull(forms, "forms");
    }

    /**
     * Parses and validates {@code body}; throws {@link ProblemException}: 400 listing every bad field (answers
     * included), else 422 when its form cannot be used, or 503 when the form is not known yet.
     */
    public TriageSubmission parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw notAnObject();
        }
        return parse(SubmissionMembers.of(body));
    }

    /** The problem of a body or batch item that is not a JSON object. */
    public static ProblemException notAnObject() {
        JsonReader in = new JsonReader();
        in.error("", "the body must be a JSON object");
        return ProblemException.invalid(in.errors());
    }

    /** As {@link #parse(JsonNode)}, given the body's members. */
    public TriageSubmission parse(SubmissionMembers body) {
        JsonReader in = new JsonReader();
        for (String name : body.unknown()) {
            in.unknown("/" + name, SubmissionMembers.KNOWN_FIELDS);
        }
        String submissionId = in.id(body.field(SubmissionMembers.SUBMISSION_ID), "/submissionId", false);
        String patientId = in.id(body.field(SubmissionMembers.PATIENT_ID), "/patientId", true);
        String facilityId = in.id(body.field(SubmissionMembers.FACILITY_ID), "/facilityId", true);
        String formId = in.id(body.field(SubmissionMembers.FORM_ID), "/formId", true);
        Integer formVersion = in.integer(body.field(SubmissionMembers.FORM_VERSION), "/formVersion", false, 1, Integer.MAX_VALUE);
        SubmissionChannel channel = in.enumValue(body.field(SubmissionMembers.CHANNEL), "/channel", true, SubmissionChannel.class);
        Instant now = clock.instant();
        Instant submittedAt = in.instant(body.field(SubmissionMembers.SUBMITTED_AT), "/submittedAt", true);
        if (submittedAt != null && submittedAt.isAfter(now.plus(maxClockSkew))) {
            in.error("/submittedAt", "lies in the future");
        }
        VitalSigns vitals = vitals(in, body);
        String chiefComplaint = in.text(body.field(SubmissionMembers.CHIEF_COMPLAINT), "/chiefComplaint", false, 500);

        List<FieldError> errors = in.errors();
        boolean versionInvalid = present(body.field(SubmissionMembers.FORM_VERSION)) && formVersion == null;
        Resolution resolution = formId == null || versionInvalid ? null : resolve(formId, formVersion, facilityId);
        Map<String, String> answers = Map.of();
        JsonNode answersNode = body.field(SubmissionMembers.ANSWERS);
        if (resolution != null && resolution.form() != null) {
            AnswerValidator.Result checked = AnswerValidator.check(resolution.form(), answersNode);
            if (!checked.errors().isEmpty()) {
                errors = new ArrayList<>(errors);
                errors.addAll(checked.errors());
            }
            answers = checked.answers();
        } else if (present(answersNode) && !answersNode.isObject()) {
            errors = new ArrayList<>(errors);
            errors.add(new FieldError("/answers", "must be an object"));
        }
        if (!errors.isEmpty() || resolution == null) {
            // resolution is null only when formId or formVersion is invalid, which is an error already.
            throw ProblemException.invalid(errors);
        }
        if (resolution.problem() != null) {
            throw resolution.problem();
        }
        String id = submissionId != null ? submissionId : UUID.randomUUID().toString();
        // Set directly rather than through the generated builder, which validates and copies every field again.
        TriageSubmission submission = new TriageSubmission();
        submission.setEventId(id);
        submission.setOccurredAt(now);
        submission.setSubmissionId(id);
        submission.setPatientId(patientId);
        submission.setFacilityId(facilityId);
        submission.setFormId(formId);
        submission.setFormVersion(resolution.form().getVersion());
        submission.setChannel(channel);
        submission.setSubmittedAt(submittedAt);
        submission.setVitals(vitals);
        submission.setAnswers(answers);
        submission.setChiefComplaint(chiefComplaint);
        return submission;
    }

    private static VitalSigns vitals(JsonReader in, SubmissionMembers body) {
        if (!body.vitalsObject()) {
            in.object(body.field(SubmissionMembers.VITALS_FIELD), "/vitals", true);
            return null;
        }
        for (String name : body.unknownVitals()) {
            in.unknown("/vitals/" + name, SubmissionMembers.KNOWN_VITALS);
        }
        VitalSigns vitals = new VitalSigns();
        vitals.setRespiratoryRate(in.integer(body.vital(0), "/vitals/respiratoryRate", false, RESPIRATORY_RATE_MIN, RESPIRATORY_RATE_MAX));
        vitals.setSpo2(in.integer(body.vital(1), "/vitals/spo2", false, SPO2_MIN, SPO2_MAX));
        vitals.setSpo2Scale(in.integer(body.vital(2), "/vitals/spo2Scale", false, 1, 2));
        vitals.setOnSupplementalOxygen(in.bool(body.vital(3), "/vitals/onSupplementalOxygen", false));
        vitals.setSystolicBp(in.integer(body.vital(4), "/vitals/systolicBp", false, SYSTOLIC_BP_MIN, SYSTOLIC_BP_MAX));
        vitals.setHeartRate(in.integer(body.vital(5), "/vitals/heartRate", false, HEART_RATE_MIN, HEART_RATE_MAX));
        vitals.setConsciousness(in.enumValue(body.vital(6), "/vitals/consciousness", false, Consciousness.class));
        vitals.setTemperature(in.decimal(body.vital(7), "/vitals/temperature", false, TEMPERATURE_MIN, TEMPERATURE_MAX));
        return vitals;
    }

    /** The form a submission answers, or why it cannot be used. Exactly one of the two is set. */
    private record Resolution(FormDefinition form, ProblemException problem) {
    }

    private Resolution resolve(String formId, Integer formVersion, String facilityId) {
        Optional<FormDefinition> found = forms.find(formId, formVersion);
        if (found.isEmpty()) {
            if (!forms.caughtUp()) {
                return new Resolution(null, ProblemException.unavailable(
                    "The form catalog is still loading; form " + formId + " may exist. Retry shortly.", RETRY_AFTER));
            }
            Optional<FormDefinition> latest = formVersion == null ? Optional.empty() : forms.find(formId, null);
            if (latest.isPresent()) {
                return new Resolution(null, unusable("Unknown form version", "/formVersion",
                    "form " + formId + " has no version " + formVersion + "; its latest is " + latest.get().getVersion()));
            }
            return new Resolution(null, unusable("Unknown form", "/formId", "unknown form " + formId));
        }
        FormDefinition form = found.get();
        if (facilityId != null && form.getFacilityId() != null && !form.getFacilityId().equals(facilityId)) {
            return new Resolution(null, unusable("Form not used by this facility", "/formId",
                "form " + formId + " version " + form.getVersion() + " belongs to another facility"));
        }
        return new Resolution(form, null);
    }

    private static ProblemException unusable(String title, String field, String message) {
        return new ProblemException(new Problem(FORM_PROBLEM_TYPE, title, 422, message, List.of(new FieldError(field, message))));
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }
}
