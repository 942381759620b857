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
    private static final List<String> FIELDS = List.of("submissionId", "patientId", "facilityId", "formId", "formVersion",
        "channel", "submittedAt", "vitals", "answers", "chiefComplaint");
    private static final List<String> VITALS = List.of("respiratoryRate", "spo2", "spo2Scale", "onSupplementalOxygen",
        "systolicBp", "heartRate", "consciousness", "temperature");

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
        JsonReader in = new JsonReader();
        if (body == null || !body.isObject()) {
            in.error("", "the body must be a JSON object");
            throw ProblemException.invalid(in.errors());
        }
        in.rejectUnknown(body, "", FIELDS);
        String submissionId = in.id(body, "submissionId", "/submissionId", false);
        String patientId = in.id(body, "patientId", "/patientId", true);
        String facilityId = in.id(body, "facilityId", "/facilityId", true);
        String formId = in.id(body, "formId", "/formId", true);
        Integer formVersion = in.integer(body, "formVersion", "/formVersion", false, 1, Integer.MAX_VALUE);
        SubmissionChannel channel = in.enumValue(body, "channel", "/channel", true, SubmissionChannel.class);
        Instant now = clock.instant();
        Instant submittedAt = in.instant(body, "submittedAt", "/submittedAt", true);
        if (submittedAt != null && submittedAt.isAfter(now.plus(maxClockSkew))) {
            in.error("/submittedAt", "lies in the future");
        }
        VitalSigns vitals = vitals(in, body);
        String chiefComplaint = in.text(body, "chiefComplaint", "/chiefComplaint", false, 500);

        List<FieldError> errors = new ArrayList<>(in.errors());
        boolean versionInvalid = present(body, "formVersion") && formVersion == null;
        Resolution resolution = formId == null || versionInvalid ? null : resolve(formId, formVersion, facilityId);
        Map<String, String> answers = Map.of();
        if (resolution != null && resolution.form() != null) {
            AnswerValidator.Result checked = AnswerValidator.check(resolution.form(), body.get("answers"));
            errors.addAll(checked.errors());
            answers = checked.answers();
        } else if (present(body, "answers") && !body.get("answers").isObject()) {
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
        return TriageSubmission.newBuilder()
            .setEventId(id)
            .setOccurredAt(now)
            .setSubmissionId(id)
            .setPatientId(patientId)
            .setFacilityId(facilityId)
            .setFormId(formId)
            .setFormVersion(resolution.form().getVersion())
            .setChannel(channel)
            .setSubmittedAt(submittedAt)
            .setVitals(vitals)
            .setAnswers(answers)
            .setChiefComplaint(chiefComplaint)
            .build();
    }

    private static VitalSigns vitals(JsonReader in, JsonNode body) {
        JsonNode v = in.object(body, "vitals", "/vitals", true);
        if (v == null) {
            return null;
        }
        in.rejectUnknown(v, "/vitals", VITALS);
        return VitalSigns.newBuilder()
            .setRespiratoryRate(in.integer(v, "respiratoryRate", "/vitals/respiratoryRate", false, RESPIRATORY_RATE_MIN, RESPIRATORY_RATE_MAX))
            .setSpo2(in.integer(v, "spo2", "/vitals/spo2", false, SPO2_MIN, SPO2_MAX))
            .setSpo2Scale(in.integer(v, "spo2Scale", "/vitals/spo2Scale", false, 1, 2))
            .setOnSupplementalOxygen(in.bool(v, "onSupplementalOxygen", "/vitals/onSupplementalOxygen", false))
            .setSystolicBp(in.integer(v, "systolicBp", "/vitals/systolicBp", false, SYSTOLIC_BP_MIN, SYSTOLIC_BP_MAX))
            .setHeartRate(in.integer(v, "heartRate", "/vitals/heartRate", false, HEART_RATE_MIN, HEART_RATE_MAX))
            .setConsciousness(in.enumValue(v, "consciousness", "/vitals/consciousness", false, Consciousness.class))
            .setTemperature(in.decimal(v, "temperature", "/vitals/temperature", false, TEMPERATURE_MIN, TEMPERATURE_MAX))
            .build();
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

    private static boolean present(JsonNode body, String name) {
        JsonNode node = body.get(name);
        return node != null && !node.isNull();
    }
}
