package org.careflow.fhir.search;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What careflow supports of one resource type on one app: which interactions, which search parameters, which
 * operations. The routes parse requests with it and the CapabilityStatement is written from it, so the two cannot
 * disagree. Built with {@link #of(String)}.
 *
 * @param requiredParams names of which a search must give at least one (a store is never scanned whole)
 */
public record ResourceSupport(String type, Set<Interaction> interactions, List<SearchParam> params, List<String> requiredParams,
                              List<Operation> operations, String documentation) {

    /** The RESTful interactions careflow serves. */
    public enum Interaction {
        READ("read"), SEARCH("search-type"), CREATE("create");

        private final String code;

        Interaction(String code) {
            this.code = code;
        }

        /** The interaction's code in a CapabilityStatement. */
        public String code() {
            return code;
        }
    }

    /** An operation on the type ({@code Appointment/$find}): its name without the {@code $}, its definition's canonical URL and what it does. */
    public record Operation(String name, String definition, String documentation) {
        public Operation {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(definition, "definition");
            Objects.requireNonNull(documentation, "documentation");
        }
    }

    public ResourceSupport {
        Objects.requireNonNull(type, "type");
        interactions = interactions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(interactions));
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

    /** Starts the support of {@code type}. */
    public static Builder of(String type) {
        return new Builder(type);
    }

    /** The parameter named {@code name}, if this type supports it. */
    public Optional<SearchParam> param(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public boolean supports(Interaction interaction) {
        return interactions.contains(interaction);
    }

    /** The settings of a type's support, by name. */
    public static final class Builder {
        private final String type;
        private final Set<Interaction> interactions = EnumSet.noneOf(Interaction.class);
        private final List<SearchParam> params = new ArrayList<>();
        private final List<String> required = new ArrayList<>();
        private final List<Operation> operations = new ArrayList<>();
        private String documentation = "";

        private Builder(String type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder read() {
            interactions.add(Interaction.READ);
            return this;
        }

        public Builder create() {
            interactions.add(Interaction.CREATE);
            return this;
        }

        /** Searchable with {@code params}. */
        public Builder search(SearchParam... params) {
            interactions.add(Interaction.SEARCH);
            this.params.addAll(List.of(params));
            return this;
        }

        /** A search must give at least one of {@code names}. */
        public Builder requireOneOf(String... names) {
            required.addAll(List.of(names));
            return this;
        }

        public Builder operation(String name, String definition, String documentation) {
            operations.add(new Operation(name, definition, documentation));
            return this;
        }

        public Builder documentation(String documentation) {
            this.documentation = Objects.requireNonNull(documentation, "documentation");
            return this;
        }

        public ResourceSupport build() {
            return new ResourceSupport(type, interactions, params, required, operations, documentation);
        }
    }
}
