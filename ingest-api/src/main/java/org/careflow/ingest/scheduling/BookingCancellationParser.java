package org.careflow.ingest.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.validation.JsonReader;
import org.careflow.http.ProblemException;

/**
 * Turns {@code POST /v1/bookings/{bookingId}/cancel} into a {@link BookingCancellation}, or a 400 naming every bad
 * field (the path's id as {@code bookingId}). Whether the booking exists and can still be cancelled is the scheduler's
 * decision.
 */
public final class BookingCancellationParser {

    public static final int MAX_REASON_LENGTH = 500;

    private static final List<String> FIELDS = List.of("reason", "cancelledBy", "staffId", "patientId");

    private final Clock clock;

    public BookingCancellationParser(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Parses and validates a cancellation of {@code bookingId}; throws {@link ProblemException} (400). */
    public BookingCancellation parse(String bookingId, JsonNode body) {
        Objects.requireNonNull(bookingId, "bookingId");
        JsonReader in = new JsonReader();
        SchedulingJson.pathId(in, "bookingId", bookingId);
        if (body == null || !body.isObject()) {
            in.error("", "the body must be a JSON object");
            throw ProblemException.invalid(in.errors());
        }
        in.rejectUnknown(body, "", FIELDS);
        String reason = in.text(body, "reason", "/reason", true, MAX_REASON_LENGTH);
        CancelledBy cancelledBy = in.enumValue(body, "cancelledBy", "/cancelledBy", false, CancelledBy.class);
        boolean cancelledByGiven = body.hasNonNull("cancelledBy");
        String staffId = in.id(body, "staffId", "/staffId", false);
        // The contract records a staffId only for a staff cancellation; on any other it would misattribute the audit trail.
        if (staffId != null && cancelledBy != CancelledBy.STAFF && (cancelledBy != null || !cancelledByGiven)) {
            in.error("/staffId", "is only given when cancelledBy is STAFF");
        }
        String patientId = in.id(body, "patientId", "/patientId", false);
        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        return BookingCancellation.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(clock.instant())
            .setBookingId(bookingId)
            .setPatientId(patientId)
            .setReason(reason)
            .setCancelledBy(cancelledBy != null ? cancelledBy : CancelledBy.PATIENT)
            .setStaffId(staffId)
            .build();
    }
}
