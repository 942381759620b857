package org.careflow.security;

import java.util.Objects;
import java.util.Set;

/**
 * What a piece of data belongs to: the facilities it was recorded at and the patient it is about. Either may be
 * unknown (an empty set, a null patient); unknown never widens access.
 */
public record ResourceScope(Set<String> facilities, String patientId) {

    public ResourceScope {
        facilities = facilities == null ? Set.of() : Set.copyOf(facilities);
    }

    /** A resource of one facility (null if unknown) and one patient (null if none). */
    public static ResourceScope of(String facilityId, String patientId) {
        return new ResourceScope(facilityId == null ? Set.of() : Set.of(facilityId), patientId);
    }

    public static ResourceScope facility(String facilityId) {
        return of(Objects.requireNonNull(facilityId, "facilityId"), null);
    }

    public static ResourceScope patient(String patientId) {
        return of(null, Objects.requireNonNull(patientId, "patientId"));
    }

    @Override
    public String toString() {
        return "ResourceScope[facilities=" + facilities + ", patientId=" + (patientId == null ? "none" : "<redacted>") + "]";
    }
}
