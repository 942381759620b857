package org.careflow.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.careflow.security.Role;

/**
 * Who makes each call of the stack's integration tests, as in production: the token a request carries follows from
 * its method, path and body. Facilities named in bodies (schedules, submissions) are remembered, so that a later
 * facility-scoped call (a cancellation, a booking lookup) comes from a party of those facilities.
 */
final class ItCallers {

    /** A patient id for reads any patient may make (free slots), belonging to nobody in the tests. */
    static final String ANY_PATIENT = "it-slot-reader";

    private static final Pattern FACILITY_PATH = Pattern.compile("^/v1/facilities/([^/]+)/(queue|stats|slots)(/.*)?$");
    private static final Pattern PATIENT_PATH = Pattern.compile("^/v1/patients/([^/]+)/.*$");

    private final LocalAuth auth;
    private final Set<String> facilities = new LinkedHashSet<>();

    ItCallers(LocalAuth auth) {
        this.auth = auth;
    }

    synchronized Optional<String> token(String method, String path, String body) {
        JsonNode json = body == null || body.isBlank() ? null : HttpCalls.json(body);
        rememberFacilities(json);
        if (path.startsWith("/health") || path.startsWith("/v1/webhooks/")) {
            return Optional.empty();
        }
        Matcher facility = FACILITY_PATH.matcher(path);
        if (facility.matches()) {
            Role role = "slots".equals(facility.group(2)) ? Role.SCHEDULER : Role.CLINICIAN;
            return Optional.of(auth.token(role, Set.of(facility.group(1)), null));
        }
        Matcher patient = PATIENT_PATH.matcher(path);
        if (patient.matches()) {
            return Optional.of(auth.token(Role.PATIENT, Set.of(), patient.group(1)));
        }
        if (path.startsWith("/v1/forms/") || path.matches("^/v1/facilities/[^/]+$") || path.startsWith("/v1/notifications/") || path.startsWith("/v1/masterdata/")
            || path.equals("/metrics")) {
            return Optional.of(auth.token(Role.OPS, Set.of(), null));
        }
        if ("POST".equals(method) && path.equals("/v1/bookings") && json != null && json.hasNonNull("patientId")) {
            return Optional.of(auth.token(Role.PATIENT, Set.of(), json.get("patientId").asText()));
        }
        if ("GET".equals(method) && path.matches("^/v1/providers/[^/]+/slots$")) {
            return Optional.of(auth.token(Role.PATIENT, Set.of(), ANY_PATIENT));
        }
        if ("GET".equals(method) && (path.startsWith("/v1/bookings/") || path.matches("^/v1/providers/[^/]+/conflicts$"))) {
            return Optional.of(auth.token(Role.SCHEDULER, knownFacilities(), null));
        }
        // What a facility's systems post: submissions, schedules, cancellations.
        return Optional.of(auth.token(Role.INTEGRATION, knownFacilities(), null));
    }

    private Set<String> knownFacilities() {
        return facilities.isEmpty() ? Set.of("it-no-facility") : Set.copyOf(facilities);
    }

    private void rememberFacilities(JsonNode json) {
        if (json == null) {
            return;
        }
        if (json.isArray()) {
            json.forEach(this::rememberFacilities);
        } else if (json.hasNonNull("facilityId")) {
            facilities.add(json.get("facilityId").asText());
        }
    }
}
