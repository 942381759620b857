package org.careflow.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * FHIR R4 JSON in and out, through the one {@link FhirContext} of the process (building one scans the whole model, so
 * it is made once). Parsers are not thread-safe and cheap to make: each call gets its own.
 */
public final class FhirJson {

    /** The media type of FHIR JSON (R4). */
    public static final String CONTENT_TYPE = "application/fhir+json";

    private FhirJson() {
    }

    /** The process's R4 context. */
    public static FhirContext context() {
        return FhirContext.forR4Cached();
    }

    /** {@code resource} as compact FHIR JSON. */
    public static byte[] encode(IBaseResource resource) {
        return parser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code json} read as a resource of {@code type}; HAPI's {@code DataFormatException} when it is not one. */
    public static <T extends IBaseResource> T parse(Class<T> type, String json) {
        return parser().parseResource(type, json);
    }

    private static IParser parser() {
        return context().newJsonParser().setPrettyPrint(false);
    }
}
