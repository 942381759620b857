package org.careflow.validation;

import java.util.List;

/**
 * Input that cannot be accepted, with every bad field named. Domain code throws it without knowing how the answer is
 * rendered; the HTTP layer turns it into a 400 problem body listing the same fields.
 */
public final class InvalidInputException extends RuntimeException {

    private final transient List<FieldError> errors;

    public InvalidInputException(List<FieldError> errors) {
        super(errors.size() + " field(s) are invalid");
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid input names at least one field");
        }
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
