package org.careflow.fhir.search;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What careflow supports of one resource type on one app: read, search with which parameters, and which operations.
 * The routes parse requests with it and the CapabilityStatement is written from it, so the two cannot disagree.
 *
 * @param requiredParams the names of which a search must give at least one (a store is never scanned whole)
 */
public record ResourceSupport(String type, boolean read, boolean search, List<SearchParam> params, List<String> requiredParams,
                              List<Operation> operations, String documentation) {

    /** An operation on the type ({@code Appointment/$find}): its name without the {@code $} and what it does. */
    public record Operation(String name, String definition, String documentation) {
        public Operation {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(definition, "definition");
            Objects.requireNonNull(documentation, "documentation");
        }
    }

    public ResourceSupport {
        Objects.requireNonNull(type, "type");
        params = List.copyOf(params);
        requiredParams = List.copyOf(requiredParams);
        operations = List.copyOf(operations);
        Objects.requireNonNull(documentation, "documentation");
        for (String required : requiredParams) {
            if (params.stream().noneMatch(p -> p.name().equals(required))) {
                throw new IllegalArgumentException(type + ": required parameter " + required + " is not among its parameters");
            }
        }
    }

    /** The parameter named {@code name}, if this type supports it. */
    public Optional<SearchParam> param(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
