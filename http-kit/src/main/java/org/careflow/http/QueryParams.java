package org.careflow.http;

import org.careflow.validation.FieldError;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Query parameters every careflow API shares, failing with a 400 problem that names the parameter. */
public final class QueryParams {

    private QueryParams() {
    }

    /** The ISO-8601 instant in query parameter {@code name}, or {@code fallback} when absent; 400 when malformed. */
    public static Instant instant(Context ctx, String name, Instant fallback) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(List.of(new FieldError(name, "must be an ISO-8601 instant such as 2026-11-21T10:00:00Z")));
        }
    }

    /** The whole number in {@code name} within [1, max], or {@code fallback} when absent; 400 otherwise. */
    public static int limit(Context ctx, String name, int fallback, int max) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.invalid(List.of(new FieldError(name, "must be a whole number from 1 to " + max)));
    }
}
