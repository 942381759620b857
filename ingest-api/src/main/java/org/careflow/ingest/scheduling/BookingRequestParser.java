package org.careflow.ingest.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.validation.JsonReader;
import org.careflow.http.ProblemException;
import org.careflow.topics.BookingIds;

/**
 * Turns {@code POST /v1/bookings} and {@code POST /v1/bookings/{bookingId}/reschedule} into a {@link BookingRequest},
 * or a 400 naming every bad field. Only the request's form is checked here; whether the slot exists, is free, is
 * offered for the appointment type or has already started is the scheduler's decision, recorded as the booking's
 * outcome. So a slot in the past is accepted, and answered {@code REJECTED IN_THE_PAST} by the scheduler.
 *
 * <p>The client's {@code bookingId} (or a reschedule's {@code newBookingId}) is kept as {@code clientBookingId}; the
 * event's {@code bookingId} is careflow's id derived from it, the facility, the patient and the provider
 * ({@link BookingIds}). A reschedule's path names careflow's id of the booking it replaces.
 */
public final class BookingRequestParser {

    public static final int MAX_NOTES_LENGTH = 1000;
    /** How far ahead a slot may be requested. */
    public static final Period MAX_AHEAD = Period.ofYears(1);

    private static final List<String> FIELDS =
        List.of("bookingId", "patientId", "providerId", "facilityId", "slotStart", "appointmentType", "notes");
    private static final List<String> RESCHEDULE_FIELDS =
        List.of("newBookingId", "patientId", "providerId", "facilityId", "slotStart", "appointmentType", "notes");

    private final Clock clock;

    public BookingRequestParser(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Parses and validates a new booking; throws {@link ProblemException} (400) listing every bad field. */
    public BookingRequest parse(JsonNode body) {
        JsonReader in = new JsonReader();
        requireObject(in, body);
        in.rejectUnknown(body, "", FIELDS);
        String bookingId = in.id(body, "bookingId", "/bookingId", true);
        return build(in, body, bookingId, null);
    }

    /**
     * Parses and validates a request to move booking {@code bookingId} (from the request path) to another slot: a new
     * booking, {@code newBookingId}, that replaces it once confirmed. Throws {@link ProblemException} (400).
     */
    public BookingRequest parseReschedule(String bookingId, JsonNode body) {
        Objects.requireNonNull(bookingId, "bookingId");
        JsonReader in = new JsonReader();
        SchedulingJson.pathId(in, "bookingId", bookingId);
        requireObject(in, body);
        in.rejectUnknown(body, "", RESCHEDULE_FIELDS);
        String newBookingId = in.id(body, "newBookingId", "/newBookingId", true);
        if (newBookingId != null && newBookingId.equals(bookingId)) {
            in.error("/newBookingId", "must differ from the bookingId of the booking it replaces");
        }
        return build(in, body, newBookingId, bookingId);
    }

    private BookingRequest build(JsonReader in, JsonNode body, String bookingId, String replacesBookingId) {
        String patientId = in.id(body, "patientId", "/patientId", true);
        String providerId = in.id(body, "providerId", "/providerId", true);
        // Required: the provider is the facility's, and a provider id alone may name providers of several facilities.
        String facilityId = in.id(body, "facilityId", "/facilityId", true);
        Instant now = clock.instant();
        Instant slotStart = slotStart(in, body, now);
        String appointmentType = in.id(body, "appointmentType", "/appointmentType", true);
        String notes = in.text(body, "notes", "/notes", false, MAX_NOTES_LENGTH);
        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        return BookingRequest.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(now)
            // The client's id is scoped: careflow's id of the booking derives from it and its owner.
            .setBookingId(BookingIds.of(facilityId, patientId, providerId, bookingId))
            .setClientBookingId(bookingId)
            .setPatientId(patientId)
            .setProviderId(providerId)
            .setFacilityId(facilityId)
            .setSlotStart(slotStart)
            .setAppointmentType(appointmentType)
            .setNotes(notes == null || notes.isEmpty() ? null : notes)
            .setRequestedAt(now)
            .setReplacesBookingId(replacesBookingId)
            .build();
    }

    /** An instant on a whole minute, at most {@link #MAX_AHEAD} from now; the past is the scheduler's to reject. */
    private static Instant slotStart(JsonReader in, JsonNode body, Instant now) {
        Instant slotStart = in.instant(body, "slotStart", "/slotStart", true);
        if (slotStart == null) {
            return null;
        }
        // Slots start at HH:mm local times; anything finer would also be cut to milliseconds by the contract.
        if (slotStart.getEpochSecond() % 60 != 0 || slotStart.getNano() != 0) {
            in.error("/slotStart", "must be on a whole minute, such as 2026-12-01T09:30:00Z: slots start on the minute");
            return null;
        }
        Instant latest = now.atOffset(ZoneOffset.UTC).plus(MAX_AHEAD).toInstant();
        if (slotStart.isAfter(latest)) {
            in.error("/slotStart", "lies more than a year ahead (after " + latest + ")");
            return null;
        }
        return slotStart;
    }

    private static void requireObject(JsonReader in, JsonNode body) {
        if (body == null || !body.isObject()) {
            in.error("", "the body must be a JSON object");
            throw ProblemException.invalid(in.errors());
        }
    }
}
