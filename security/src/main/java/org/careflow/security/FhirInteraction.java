package org.careflow.security;

import io.javalin.security.RouteRole;
import java.util.Objects;

/**
 * What a FHIR route does, for SMART scopes: registered beside the route's {@link EndpointClass}
 * ({@code config.routes.get(path, handler, EndpointClass.PATIENT_TRIAGE_READ, FhirInteraction.search("Observation"))}), it
 * lets the gate check a scoped token's grants. A token with SMART scopes reaches no route without one.
 *
 * @param interaction {@code c} create, {@code r} read, {@code u} update, {@code d} delete, {@code s} search, as SMART's scopes
 */
public record FhirInteraction(String resourceType, char interaction) implements RouteRole {

    public FhirInteraction {
        Objects.requireNonNull(resourceType, "resourceType");
        if ("cruds".indexOf(interaction) < 0) {
            throw new IllegalArgumentException("interaction is one of c r u d s, got " + interaction);
        }
    }

    public static FhirInteraction read(String resourceType) {
        return new FhirInteraction(resourceType, 'r');
    }

    public static FhirInteraction search(String resourceType) {
        return new FhirInteraction(resourceType, 's');
    }

    public static FhirInteraction create(String resourceType) {
        return new FhirInteraction(resourceType, 'c');
    }
}
