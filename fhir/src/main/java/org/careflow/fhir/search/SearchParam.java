package org.careflow.fhir.search;

import java.util.Objects;

/**
 * One search parameter careflow supports on a resource type: its name, FHIR type, the FHIRPath it searches (which
 * errors about it name) and what it does, as the CapabilityStatement says.
 *
 * @param target for a reference, the resource type it refers to ({@code Patient}); null otherwise
 */
public record SearchParam(String name, Type type, String expression, String target, String documentation) {

    /** The FHIR search parameter types careflow uses. */
    public enum Type {
        TOKEN("token"), REFERENCE("reference"), DATE("date"), STRING("string");

        private final String code;

        Type(String code) {
            this.code = code;
        }

        /** The type's code in a CapabilityStatement. */
        public String code() {
            return code;
        }
    }

    public SearchParam {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(documentation, "documentation");
        if ((type == Type.REFERENCE) != (target != null)) {
            throw new IllegalArgumentException(name + ": a reference parameter, and only one, names its target type");
        }
    }

    /** A token, date or string parameter. */
    public static SearchParam of(String name, Type type, String expression, String documentation) {
        return new SearchParam(name, type, expression, null, documentation);
    }

    /** A reference parameter to {@code target}. */
    public static SearchParam reference(String name, String target, String expression, String documentation) {
        return new SearchParam(name, Type.REFERENCE, expression, target, documentation);
    }
}
