package org.careflow.security;

import java.util.Objects;

/** The outcome of an access check: allowed, or denied for a fixed, loggable reason (never data from the request). */
public sealed interface Decision {

    Allow ALLOW = new Allow();

    static Decision deny(String reason) {
        return new Deny(reason);
    }

    default boolean allowed() {
        return this instanceof Allow;
    }

    /** The request may proceed. */
    record Allow() implements Decision {
    }

    /** The request is refused; {@code reason} is a fixed token such as {@code facility-out-of-scope}. */
    record Deny(String reason) implements Decision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
