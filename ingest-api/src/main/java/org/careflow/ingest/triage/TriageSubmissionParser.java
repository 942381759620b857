package org.careflow.ingest.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.query.JsonReader;
import org.careflow.query.ProblemException;

/**
 * Turns a {@code POST /v1/triage-submissions} body into a {@link TriageSubmission}, or a 400 naming every
 * bad field. Vital signs outside what a living patient can present with are rejected here, so a typo
 * (SpO2 930) never reaches scoring; missing vital signs stay missing.
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

    private static final int MAX_ANSWERS = 200;
    private static final int MAX_ANSWER_LENGTH = 2000;
    private static final List<String> FIELDS = List.of("submissionId", "patientId", "facilityId", "formId", "formVersion",
        "channel", "submittedAt", "vitals", "answers", "chiefComplaint");
    private static final List<String> VITALS = List.of("respiratoryRate", "spo2", "spo2Scale", "onSupplementalOxygen",
        "systolicBp", "heartRate", "consciousness", "temperature");

    private final Clock clock;
    private final Duration maxClockSkew;

    public TriageSubmissionParser(Clock clock, Duration maxClockSkew) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    }

    /** Parses and validates {@code body}; throws {@link ProblemException} (400) listing every problem. */
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
        Map<String, String> answers = answers(in, body);
        String chiefComplaint = in.text(body, "chiefComplaint", "/chiefComplaint", false, 500);

        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        String id = submissionId != null ? submissionId : UUID.randomUUID().toString();
        return TriageSubmission.newBuilder()
            .setEventId(id)
            .setOccurredAt(now)
            .setSubmissionId(id)
            .setPatientId(patientId)
            .setFacilityId(facilityId)
            .setFormId(formId)
            .setFormVersion(formVersion)
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

    private static Map<String, String> answers(JsonReader in, JsonNode body) {
        JsonNode node = in.object(body, "answers", "/answers", false);
        Map<String, String> answers = new LinkedHashMap<>();
        if (node == null) {
            return answers;
        }
        if (node.size() > MAX_ANSWERS) {
            in.error("/answers", "must have at most " + MAX_ANSWERS + " answers");
            return answers;
        }
        node.fields().forEachRemaining(entry -> {
            String pointer = "/answers/" + entry.getKey().replace("~", "~0").replace("/", "~1");
            JsonNode value = entry.getValue();
            if (!JsonReader.ID.matcher(entry.getKey()).matches()) {
                in.error(pointer, "question ids are letters, digits or . _ : -");
            } else if (!(value.isTextual() || value.isNumber() || value.isBoolean())) {
                in.error(pointer, "must be a string, number or boolean");
            } else if (value.asText().length() > MAX_ANSWER_LENGTH) {
                in.error(pointer, "must be at most " + MAX_ANSWER_LENGTH + " characters");
            } else {
                answers.put(entry.getKey(), value.asText());
            }
        });
        return answers;
    }
}
