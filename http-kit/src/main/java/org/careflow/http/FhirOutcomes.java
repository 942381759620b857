package org.careflow.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.careflow.validation.FieldError;

/**
 * Every error of a FHIR route ({@code /fhir/...}) as a FHIR R4 {@code OperationOutcome}: one issue per bad field, its
 * FHIRPath expression in {@code expression} (FHIR routes name fields that way), or one issue for the whole problem. The
 * issue code follows the status ({@code invalid}, {@code login}, {@code forbidden}, {@code not-found}, {@code throttled},
 * {@code transient}...), and {@link ProblemException#notSupported} gives {@code not-supported}. Written with Jackson so
 * that every app renders errors the same way without the FHIR model on its classpath.
 */
public final class FhirOutcomes {

    /** The media type of FHIR JSON. */
    public static final String CONTENT_TYPE = "application/fhir+json";
    /** Where FHIR routes live; errors under it are OperationOutcomes. */
    public static final String PATH_PREFIX = "/fhir/";

    private FhirOutcomes() {
    }

    /** Whether {@code ctx} is a request to a FHIR route. */
    public static boolean isFhir(Context ctx) {
        return ctx.path().startsWith(PATH_PREFIX);
    }

    /** {@code problem} as an OperationOutcome. */
    public static ObjectNode of(Problem problem) {
        ObjectNode outcome = HttpServerFactory.MAPPER.createObjectNode();
        outcome.put("resourceType", "OperationOutcome");
        ArrayNode issues = outcome.putArray("issue");
        String code = code(problem);
        if (problem.errors().isEmpty()) {
            ObjectNode issue = issues.addObject();
            issue.put("severity", problem.status() >= 500 ? "fatal" : "error");
            issue.put("code", code);
            issue.put("diagnostics", problem.detail() == null ? problem.title() : problem.title() + ": " + problem.detail());
        }
        for (FieldError error : problem.errors()) {
            ObjectNode issue = issues.addObject();
            issue.put("severity", "error");
            issue.put("code", code);
            issue.put("diagnostics", error.message());
            if (!error.field().isEmpty()) {
                issue.putArray("expression").add(error.field());
            }
        }
        return outcome;
    }

    private static String code(Problem problem) {
        if (ProblemException.NOT_SUPPORTED_TYPE.equals(problem.type())) {
            return "not-supported";
        }
        return switch (problem.status()) {
            case 400 -> "invalid";
            case 401 -> "login";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405, 406, 415 -> "not-supported";
            case 409, 412 -> "conflict";
            case 413 -> "too-costly";
            case 422 -> "business-rule";
            case 429 -> "throttled";
            case 503 -> "transient";
            default -> problem.status() >= 500 ? "exception" : "processing";
        };
    }
}
