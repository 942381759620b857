package org.careflow.validation;

import java.util.Objects;

/** One invalid field of an input: its JSON pointer ({@code /vitals/spo2}) and what is wrong with it. */
public record FieldError(String field, String message) {

    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
