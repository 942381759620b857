package org.careflow.http;

import org.careflow.validation.FieldError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Ends a request with a problem body; handlers throw it, {@link HttpServerFactory} renders it. */
public final class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final Map<String, String> headers;

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()));
        this.problem = Objects.requireNonNull(problem, "problem");
        this.headers = Map.copyOf(headers);
    }

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Problem type of a request asking for something careflow does not do (a search parameter or modifier it lacks). */
    public static final String NOT_SUPPORTED_TYPE = "https://careflow.org/problems/not-supported";

    /** 400 listing every invalid field. */
    public static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(new Problem("https://careflow.org/problems/validation", "Request is invalid", 400,
            errors.size() + " field(s) are invalid", errors));
    }

    /** 400 naming each part of the request careflow does not support: it never ignores one silently. */
    public static ProblemException notSupported(List<FieldError> errors) {
        return new ProblemException(new Problem(NOT_SUPPORTED_TYPE, "Not supported", 400,
            errors.size() + " part(s) of the request are not supported", errors));
    }

    /** 404 for a key the store does not hold. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "Not found", detail));
    }

    /** 503 with {@code Retry-After}: the service will answer again once it has recovered. */
    public static ProblemException unavailable(String detail, Duration retryAfter) {
        long seconds = Math.max(1, retryAfter.toSeconds());
        return new ProblemException(Problem.of(503, "Service unavailable", detail), Map.of("Retry-After", Long.toString(seconds)));
    }
}
