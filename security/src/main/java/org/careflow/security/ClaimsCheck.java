package org.careflow.security;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a signed token's registered claims (exp required, nbf, iss, aud, sub) on an injectable clock, and says
 * exactly which check failed through {@link Failed#kind()}: Nimbus' own verifier only tells it in free text.
 */
final class ClaimsCheck implements JWTClaimsSetVerifier<SecurityContext> {

    /** A claim check failed; {@link #kind()} says which. */
    static final class Failed extends BadJWTException {
        private final AuthenticationException.Kind kind;

        Failed(AuthenticationException.Kind kind) {
            super(kind.description());
            this.kind = kind;
        }

        AuthenticationException.Kind kind() {
            return kind;
        }
    }

    private final String issuer;
    private final Set<String> audiences;
    private final Duration skew;
    private final Clock clock;

    ClaimsCheck(String issuer, List<String> audiences, Duration skew, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audiences = Set.copyOf(audiences);
        this.skew = Objects.requireNonNull(skew, "skew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null || claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw new Failed(AuthenticationException.Kind.MISSING_CLAIM);
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            throw new Failed(AuthenticationException.Kind.EXPIRED);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw new Failed(AuthenticationException.Kind.NOT_YET_VALID);
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw new Failed(AuthenticationException.Kind.BAD_ISSUER);
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().noneMatch(audiences::contains)) {
            throw new Failed(AuthenticationException.Kind.BAD_AUDIENCE);
        }
    }
}
