package org.careflow.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;
import org.careflow.validation.FieldError;

/**
 * An RFC 9457 problem body ({@code application/problem+json}), with every bad field of a request listed
 * under {@code errors} so clients can show them all at once.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** Media type of problem bodies. */
    public static final String CONTENT_TYPE = "application/problem+json";

    public Problem {
        Objects.requireNonNull(title, "title");
        errors = errors == null ? List.of() : List.copyOf(errors);
        type = type == null ? "about:blank" : type;
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem(null, title, status, detail, List.of());
    }
}
