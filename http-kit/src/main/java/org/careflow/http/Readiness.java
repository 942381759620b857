package org.careflow.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code /health/ready} answers: ready or not, and a body that says why ({@code {"status":"DOWN","state":"REBALANCING"}}).
 * The body names no patient data: only states, store names and dependency names.
 */
public record Readiness(boolean up, Map<String, Object> details) {

    public Readiness {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(details, "details")));
    }

    public static Readiness up(Map<String, Object> details) {
        return new Readiness(true, details);
    }

    public static Readiness down(Map<String, Object> details) {
        return new Readiness(false, details);
    }

    /** Ready or not, with no reason given. */
    public static Readiness of(boolean up) {
        return new Readiness(up, Map.of());
    }

    /** The JSON body: {@code status} first ({@code UP} or {@code DOWN}), then the details. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.putAll(details);
        return body;
    }

    /** Answers whether the app can serve its reads and writes now; called on every {@code /health/ready}, so it must be cheap. */
    @FunctionalInterface
    public interface Check {
        Readiness check();
    }
}
