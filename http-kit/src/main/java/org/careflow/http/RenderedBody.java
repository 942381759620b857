package org.careflow.http;

import java.util.Objects;

/**
 * An answer already rendered in its own media type (FHIR JSON, say): the query layer writes these bytes as they are
 * instead of rendering the value as careflow's JSON.
 */
public record RenderedBody(String contentType, byte[] body) {

    public RenderedBody {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }
}
