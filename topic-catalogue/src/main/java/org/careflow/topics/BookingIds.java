package org.careflow.topics;

import java.util.Objects;

/**
 * careflow's booking ids. A client chooses its own id for a booking (its idempotency key), but that id is never a key
 * of careflow's state: the booking id everything uses (the bookings table, outcomes, reminders, notification ids,
 * sinks) is derived from the facility, the patient, the provider and the client's id, so two patients or two
 * facilities reusing a client id get two different bookings. The provider is part of it so that a booking id can only
 * ever be created in one provider's task: the same client id sent for two providers is two bookings, never two
 * outcomes racing for one id. The ingest API derives it; streams-scheduling derives it again and refuses a
 * request whose bookingId is not its own derivation, so a writer straight to Kafka cannot collide either.
 */
public final class BookingIds {

    /** Every careflow booking id starts with this. */
    public static final String PREFIX = "bk-";
    /** Characters of the digest kept: 22 base64url characters, 132 bits. */
    static final int DIGEST_CHARS = OpaqueIds.DIGEST_CHARS;

    private BookingIds() {
    }

    /**
     * The booking id of {@code clientBookingId} sent for {@code patientId} with {@code providerId} at {@code facilityId}
     * (null when the request named no facility, as a patient may): "bk-" and the first 22 base64url characters of the
     * SHA-256 of the four, joined with NUL (which no id contains).
     */
    public static String of(String facilityId, String patientId, String providerId, String clientBookingId) {
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(providerId, "providerId");
        Objects.requireNonNull(clientBookingId, "clientBookingId");
        String joined = (facilityId == null ? "" : facilityId) + '\u0000' + patientId + '\u0000' + providerId + '\u0000' + clientBookingId;
        return PREFIX + OpaqueIds.digest(joined);
    }

    /** Whether {@code bookingId} is the id of {@code clientBookingId} for that facility, patient and provider. */
    public static boolean matches(String bookingId, String facilityId, String patientId, String providerId, String clientBookingId) {
        return bookingId != null && patientId != null && providerId != null && clientBookingId != null
            && bookingId.equals(of(facilityId, patientId, providerId, clientBookingId));
    }

}
