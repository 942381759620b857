package org.careflow.security;

import java.util.Map;
import java.util.Objects;

/**
 * Ends a request that security refused (401, 403, 429, or 503 when keys cannot be fetched). The HTTP layer
 * ({@code HttpServerFactory}) renders it as an RFC 9457 problem body with these headers; every text in it is fixed,
 * so it never carries the token or request data.
 */
public final class SecurityRejection extends RuntimeException {

    public static final String TYPE_UNAUTHENTICATED = "https://careflow.org/problems/unauthenticated";
    public static final String TYPE_FORBIDDEN = "https://careflow.org/problems/forbidden";
    public static final String TYPE_RATE_LIMITED = "https://careflow.org/problems/rate-limited";
    public static final String TYPE_AUTH_UNAVAILABLE = "https://careflow.org/problems/auth-unavailable";

    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final Map<String, String> headers;

    public SecurityRejection(int status, String type, String title, String detail, Map<String, String> headers) {
        super(title + ": " + detail, null, false, false);
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.title = Objects.requireNonNull(title, "title");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
