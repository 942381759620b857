package org.careflow.rules.booking;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may change which booking: the one definition of the booking rules, called by the ingest API when it records a
 * request and by streams-scheduling's processors, which stay the authoritative check because only they hold the booking
 * (docs/tenancy.md: the owner is checked where the state is kept). Pure functions, no HTTP, no Kafka.
 *
 * <ul>
 *   <li>A patient cancels or moves only their own bookings, and cancels as PATIENT.</li>
 *   <li>Staff and integrations cancel or move bookings only at the facilities they act for; when they name a patient,
 *       it must be the booking's.</li>
 *   <li>Nobody can tell another's booking from none: a refused change is answered like an unknown booking.</li>
 * </ul>
 * Which roles may call the booking routes at all, and the facility or patient a new booking's body names, are the
 * access policy's route checks (security module), made before any of this.
 */
public final class BookingPolicy {

    /** Why ingest refuses a patient's cancellation before recording it. */
    public enum Refusal {
        /** The cancellation names another patient than the caller. */
        PATIENT_OUT_OF_SCOPE,
        /** A patient's cancellation says it was made by someone else (staff, the system). */
        NOT_AS_PATIENT
    }

    private BookingPolicy() {
    }

    /**
     * A patient's cancellation as ingest receives it: {@code namedPatientId} (null: none named) must be the caller, and
     * the cancellation must be made as PATIENT.
     */
    public static Optional<Refusal> checkPatientCancellation(String callerPatientId, String namedPatientId, boolean asPatient) {
        Objects.requireNonNull(callerPatientId, "callerPatientId");
        if (namedPatientId != null && !namedPatientId.equals(callerPatientId)) {
            return Optional.of(Refusal.PATIENT_OUT_OF_SCOPE);
        }
        return asPatient ? Optional.empty() : Optional.of(Refusal.NOT_AS_PATIENT);
    }

    /** The patient a patient's cancellation is recorded for: the one named, else the caller. */
    public static String cancellingPatient(String callerPatientId, String namedPatientId) {
        return namedPatientId == null ? Objects.requireNonNull(callerPatientId, "callerPatientId") : namedPatientId;
    }

    /**
     * The authoritative check, made where the booking is kept: whether {@code requester} may cancel or move the existing
     * booking of {@code bookingPatientId} at {@code bookingFacilityId}.
     */
    public static boolean mayChange(BookingRequester requester, String bookingPatientId, String bookingFacilityId) {
        Objects.requireNonNull(requester, "requester");
        if (requester.patientId() != null && !requester.patientId().equals(bookingPatientId)) {
            return false;
        }
        return requester.facilityIds() == null || requester.facilityIds().contains(bookingFacilityId);
    }
}
