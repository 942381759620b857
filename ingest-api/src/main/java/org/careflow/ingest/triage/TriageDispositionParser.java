package org.careflow.ingest.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.careflow.events.triage.Disposition;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.validation.JsonReader;
import org.careflow.http.ProblemException;

/**
 * Turns {@code POST /v1/facilities/{facilityId}/queue/{patientId}/disposition} into a {@link TriageDisposition},
 * or a 400 naming every bad field. Problems with the path's ids are named {@code facilityId} and {@code patientId}
 * (no leading slash: they are not in the body).
 */
public final class TriageDispositionParser {

    private static final List<String> FIELDS = List.of("disposition", "decidedAt", "decidedBy", "submissionId");
    private static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";

    private final Clock clock;
    private final Duration maxClockSkew;

    public TriageDispositionParser(Clock clock, Duration maxClockSkew) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    }

    /** Parses and validates a disposition of {@code patientId} on {@code facilityId}'s queue; throws {@link ProblemException} (400). */
    public TriageDisposition parse(String facilityId, String patientId, JsonNode body) {
        Objects.requireNonNull(facilityId, "facilityId");
        Objects.requireNonNull(patientId, "patientId");
        JsonReader in = new JsonReader();
        if (!JsonReader.ID.matcher(facilityId).matches()) {
            in.error("facilityId", ID_MESSAGE);
        }
        if (!JsonReader.ID.matcher(patientId).matches()) {
            in.error("patientId", ID_MESSAGE);
        }
        if (body == null || !body.isObject()) {
            in.error("", "the body must be a JSON object");
            throw ProblemException.invalid(in.errors());
        }
        in.rejectUnknown(body, "", FIELDS);
        Disposition disposition = in.enumValue(body, "disposition", "/disposition", true, Disposition.class);
        Instant now = clock.instant();
        Instant decidedAt = in.instant(body, "decidedAt", "/decidedAt", false);
        if (decidedAt != null && decidedAt.isAfter(now.plus(maxClockSkew))) {
            in.error("/decidedAt", "lies in the future");
        }
        String decidedBy = in.id(body, "decidedBy", "/decidedBy", false);
        String submissionId = in.id(body, "submissionId", "/submissionId", false);
        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        return TriageDisposition.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(now)
            .setFacilityId(facilityId)
            .setPatientId(patientId)
            .setSubmissionId(submissionId)
            .setDisposition(disposition)
            .setDecidedAt(decidedAt != null ? decidedAt : now)
            .setDecidedBy(decidedBy)
            .build();
    }
}
