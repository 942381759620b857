package org.careflow.security;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code Authorization: Bearer <JWT>} header into a verified {@link Principal}: RS256 or ES256 only,
 * signature against the identity provider's JWKS (cached, refetched on an unknown key id at most every
 * {@code auth.jwks.refresh.min.interval.ms}) or against a configured public key, then iss, aud, exp (required) and
 * nbf with the configured clock skew, then careflow's role, facilities and patient claims.
 */
public final class JwtAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);

    /** Longest token accepted; real ones are well under 2 KiB, so more is abuse. */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private static final String BEARER = "bearer ";
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final String CLIENT_ID_CLAIM = "client_id";

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final AuthSettings.ClaimNames claimNames;

    /** Verifies against {@code keys} with the settings' issuer, audiences, skew and claim names. */
    public JwtAuthenticator(AuthSettings settings, JWKSource<SecurityContext> keys, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        this.claimNames = settings.claims();
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, Objects.requireNonNull(keys, "keys")));
        processor.setJWTClaimsSetVerifier(new ClaimsCheck(settings.issuer(), settings.audiences(), settings.clockSkew(), clock));
    }

    /** The authenticator the settings describe: keys from the JWKS URL or the public key file. */
    public static JwtAuthenticator create(AuthSettings settings) {
        return new JwtAuthenticator(settings, keySource(settings), Clock.systemUTC());
    }

    /** The key source the settings describe. */
    public static JWKSource<SecurityContext> keySource(AuthSettings settings) {
        if (settings.publicKeyFile() != null) {
            JWKSet keys = PublicKeys.load(settings.publicKeyFile());
            LOG.info("Verifying tokens against {} key(s) from {}", keys.getKeys().size(), settings.publicKeyFile());
            return new ImmutableJWKSet<>(keys);
        }
        if (settings.jwksUrl() == null) {
            throw new IllegalArgumentException("Set " + AuthSettings.JWT_JWKS_URL_CONFIG + " or " + AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG);
        }
        try {
            long minInterval = settings.jwksRefreshMinInterval().toMillis();
            JWKSourceBuilder<SecurityContext> builder = JWKSourceBuilder.<SecurityContext>create(settings.jwksUrl().toURL(),
                    new com.nimbusds.jose.util.DefaultResourceRetriever((int) settings.jwksRefreshTimeout().toMillis(),
                        (int) settings.jwksRefreshTimeout().toMillis(), 512 * 1024))
                .cache(settings.jwksCacheTtl().toMillis(), settings.jwksRefreshTimeout().toMillis())
                .retrying(true);
            builder = minInterval == 0 ? builder.rateLimited(false) : builder.rateLimited(minInterval);
            LOG.info("Verifying tokens against the JWKS at {}", settings.jwksUrl());
            return builder.build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Bad " + AuthSettings.JWT_JWKS_URL_CONFIG + ": " + e.getMessage(), e);
        }
    }

    /** Authenticates a request's {@code Authorization} header values; there must be exactly one. */
    public Principal authenticate(Collection<String> authorizationHeaders) throws AuthenticationException {
        if (authorizationHeaders == null || authorizationHeaders.isEmpty()) {
            throw new AuthenticationException(AuthenticationException.Kind.MISSING);
        }
        if (authorizationHeaders.size() > 1) {
            throw new AuthenticationException(AuthenticationException.Kind.MALFORMED);
        }
        return authenticate(authorizationHeaders.iterator().next());
    }

    /** Authenticates one {@code Authorization} header value ({@code Bearer <JWT>}, scheme case-insensitive). */
    public Principal authenticate(String authorizationHeader) throws AuthenticationException {
        String token = bearerToken(authorizationHeader);
        requireAcceptedAlgorithm(token);
        return principal(verify(token));
    }

    static String bearerToken(String header) throws AuthenticationException {
        if (header == null || header.isBlank()) {
            throw new AuthenticationException(AuthenticationException.Kind.MISSING);
        }
        String value = header.strip();
        if (value.length() > MAX_TOKEN_CHARS + BEARER.length()) {
            throw new AuthenticationException(AuthenticationException.Kind.OVERSIZE);
        }
        if (value.length() <= BEARER.length() || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            // Another scheme (Basic, ...) or no token: the caller did not present a bearer token.
            throw new AuthenticationException(AuthenticationException.Kind.MISSING);
        }
        String token = value.substring(BEARER.length()).strip();
        if (!COMPACT_JWS.matcher(token).matches()) {
            throw new AuthenticationException(AuthenticationException.Kind.MALFORMED);
        }
        return token;
    }

    /** Names alg=none and HS256 for what they are before Nimbus refuses them anyway. */
    private static void requireAcceptedAlgorithm(String token) throws AuthenticationException {
        Header header;
        try {
            header = Header.parse(new Base64URL(token.substring(0, token.indexOf('.'))));
        } catch (ParseException | RuntimeException e) {
            throw new AuthenticationException(AuthenticationException.Kind.MALFORMED, e);
        }
        if (!(header instanceof JWSHeader jws) || !ALGORITHMS.contains(jws.getAlgorithm())) {
            throw new AuthenticationException(AuthenticationException.Kind.BAD_ALGORITHM);
        }
    }

    private JWTClaimsSet verify(String token) throws AuthenticationException {
        try {
            return processor.process(token, null);
        } catch (ClaimsCheck.Failed e) {
            throw new AuthenticationException(e.kind(), e);
        } catch (ExpiredJWTException e) {
            throw new AuthenticationException(AuthenticationException.Kind.EXPIRED, e);
        } catch (BadJWSException e) {
            throw new AuthenticationException(AuthenticationException.Kind.BAD_SIGNATURE, e);
        } catch (BadJOSEException e) {
            // No key for the header's kid and alg (or a typ other than JWT).
            throw new AuthenticationException(AuthenticationException.Kind.UNKNOWN_KEY, e);
        } catch (KeySourceException e) {
            LOG.warn("Cannot fetch the token signing keys: {}", e.getClass().getSimpleName());
            throw new AuthenticationException(AuthenticationException.Kind.KEYS_UNAVAILABLE, e);
        } catch (ParseException e) {
            throw new AuthenticationException(AuthenticationException.Kind.MALFORMED, e);
        } catch (JOSEException e) {
            // A key of the right kid but unusable for the algorithm, or a signature that cannot be checked.
            throw new AuthenticationException(AuthenticationException.Kind.BAD_SIGNATURE, e);
        } catch (RuntimeException e) {
            // Nimbus parses hostile input; whatever it throws on garbage is a malformed token, not a server error.
            throw new AuthenticationException(AuthenticationException.Kind.MALFORMED, e);
        }
    }

    private Principal principal(JWTClaimsSet claims) throws AuthenticationException {
        try {
            String roleValue = claims.getStringClaim(claimNames.role());
            if (roleValue == null) {
                throw new AuthenticationException(AuthenticationException.Kind.MISSING_CLAIM);
            }
            Role role = Role.fromClaim(roleValue).orElseThrow(() -> new AuthenticationException(AuthenticationException.Kind.UNKNOWN_ROLE));
            String patientId = null;
            if (role == Role.PATIENT) {
                patientId = claims.getStringClaim(claimNames.patient());
                if (patientId == null || patientId.isBlank()) {
                    throw new AuthenticationException(AuthenticationException.Kind.MISSING_CLAIM);
                }
            }
            String clientId = claims.getStringClaim(claimNames.client());
            if (clientId == null) {
                clientId = claims.getStringClaim(CLIENT_ID_CLAIM);
            }
            return new Principal(claims.getSubject(), clientId, role, facilities(claims), patientId, claims.getJWTID(),
                claims.getExpirationTime().toInstant(), SmartScopes.parse(scopes(claims)));
        } catch (ParseException e) {
            // A claim of the wrong JSON type.
            throw new AuthenticationException(AuthenticationException.Kind.MALFORMED, e);
        }
    }

    /** The token's scopes: OAuth's space-separated {@code scope}, or the {@code scp} list some providers issue. */
    private static String scopes(JWTClaimsSet claims) throws ParseException {
        Object scope = claims.getClaim("scope");
        if (scope instanceof String text) {
            return text;
        }
        Object scp = claims.getClaim("scp");
        if (scp instanceof String text) {
            return text;
        }
        return scp == null ? null : String.join(" ", claims.getStringListClaim("scp"));
    }

    private Set<String> facilities(JWTClaimsSet claims) throws ParseException {
        Object value = claims.getClaim(claimNames.facilities());
        if (value == null) {
            return Set.of();
        }
        if (value instanceof String single) {
            return Set.of(single);
        }
        List<String> list = claims.getStringListClaim(claimNames.facilities());
        Set<String> facilities = new LinkedHashSet<>();
        for (String facility : list) {
            if (facility != null && !facility.isBlank()) {
                facilities.add(facility);
            }
        }
        return facilities;
    }
}
