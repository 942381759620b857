package org.careflow.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9457 problem body ({@code application/problem+json}), with every bad field of a request listed
 * under {@code errors} so clients can show them all at once.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** Media type of problem bodies. */
    public static final String CONTENT_TYPE = "application/problem+json";

    /** One invalid field: its JSON pointer ({@code /vitals/spo2}) and what is wrong with it. */
    public record FieldError(String field, String message) {
        public FieldError {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(message, "message");
        }
    }

    public Problem {
        Objects.requireNonNull(title, "title");
        errors = errors == null ? List.of() : List.copyOf(errors);
        type = type == null ? "about:blank" : type;
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem(null, title, status, detail, List.of());
    }
}
