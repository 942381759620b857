package org.careflow.rules.booking;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Who asks to book, cancel or move an appointment, as the ingest API records it on the request so that
 * streams-scheduling, which alone knows the booking, can apply {@link BookingPolicy}. Plain strings, not a token's
 * principal: the processors read it from a Kafka record.
 *
 * @param patientId the patient the request acts for: the calling patient, or the patient a staff caller names; null if none
 * @param facilityIds the facilities a staff or integration caller acts for, sorted; null for a patient, and when
 *     authentication is off (tests and benchmarks: nobody is known, so nothing narrows the request)
 */
public record BookingRequester(String patientId, List<String> facilityIds) {

    public BookingRequester {
        facilityIds = facilityIds == null ? null : facilityIds.stream().sorted().toList();
    }

    /** A patient acting for themselves. */
    public static BookingRequester patient(String patientId) {
        return new BookingRequester(Objects.requireNonNull(patientId, "patientId"), null);
    }

    /** Staff or an integration acting for {@code facilityIds} (and for any of their patients). */
    public static BookingRequester staff(Collection<String> facilityIds) {
        return new BookingRequester(null, List.copyOf(Objects.requireNonNull(facilityIds, "facilityIds")));
    }

    /** No caller is known (authentication off): only what the request itself names applies. */
    public static BookingRequester unknown() {
        return new BookingRequester(null, null);
    }

    @Override
    public String toString() {
        return "BookingRequester[patientId=" + (patientId == null ? "none" : "<redacted>") + ", facilityIds=" + facilityIds + "]";
    }
}
