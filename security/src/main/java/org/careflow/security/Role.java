package org.careflow.security;

import java.util.Locale;
import java.util.Optional;

/** What a caller is, as its token's role claim says; the claim value is the lower-case name ({@code clinician}). */
public enum Role {
    CLINICIAN,
    SCHEDULER,
    PATIENT,
    INTEGRATION,
    OPS;

    /** The value of this role in a token's role claim. */
    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a claim value names; only the exact lower-case spelling counts, so a typo never matches. */
    public static Optional<Role> fromClaim(String value) {
        for (Role role : values()) {
            if (role.claimValue().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
