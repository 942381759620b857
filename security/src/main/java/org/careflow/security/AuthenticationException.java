package org.careflow.security;

import java.util.Objects;

/**
 * A request's credentials were refused, or could not be checked. The message is the kind's fixed description,
 * never the token or anything taken from it, so it is safe to log and to send.
 */
public final class AuthenticationException extends Exception {

    /** Why; {@link #code()} and {@link #description()} are fixed strings. */
    public enum Kind {
        MISSING("missing", "no bearer token"),
        MALFORMED("malformed", "token malformed"),
        OVERSIZE("oversize", "token too large"),
        EXPIRED("expired", "token expired"),
        NOT_YET_VALID("not-yet-valid", "token not yet valid"),
        BAD_AUDIENCE("bad-audience", "token audience not accepted"),
        BAD_ISSUER("bad-issuer", "token issuer not accepted"),
        BAD_ALGORITHM("bad-algorithm", "token algorithm not accepted"),
        BAD_SIGNATURE("bad-signature", "token signature invalid"),
        UNKNOWN_KEY("unknown-key", "token signing key unknown"),
        MISSING_CLAIM("missing-claim", "token lacks a required claim"),
        UNKNOWN_ROLE("unknown-role", "token role not recognised"),
        /** The signing keys could not be fetched and none are cached: the service, not the caller, is at fault. */
        KEYS_UNAVAILABLE("keys-unavailable", "signing keys unavailable");

        private final String code;
        private final String description;

        Kind(String code, String description) {
            this.code = code;
            this.description = description;
        }

        public String code() {
            return code;
        }

        public String description() {
            return description;
        }

        /** Whether the caller presented something (RFC 6750: only then does {@code error="invalid_token"} apply). */
        public boolean tokenPresented() {
            return this != MISSING && this != KEYS_UNAVAILABLE;
        }
    }

    private final Kind kind;

    public AuthenticationException(Kind kind) {
        this(kind, null);
    }

    /** {@code cause} is kept for debugging; its message may hold token contents, so never log it at INFO or above. */
    public AuthenticationException(Kind kind, Throwable cause) {
        super(Objects.requireNonNull(kind, "kind").description(), cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
