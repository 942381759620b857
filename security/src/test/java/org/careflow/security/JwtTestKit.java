package org.careflow.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keys, tokens and a JWKS endpoint for tests of anything behind {@link SecurityGate}: generate RSA and EC keys,
 * {@link #mint(JWK)} tokens with any claim bent out of shape, forge unsigned, HS256 or tampered ones, and serve
 * keys from a {@link JwksServer} that can rotate, go down and count its fetches.
 */
public final class JwtTestKit {

    public static final String ISSUER = "https://idp.test/careflow";
    public static final String AUDIENCE = AuthSettings.DEFAULT_AUDIENCE;

    private JwtTestKit() {
    }

    public static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Settings verifying against {@code keyFile} with {@link #ISSUER} and {@link #AUDIENCE}, plus {@code overrides}. */
    public static AuthSettings settingsForKeyFile(java.nio.file.Path keyFile, Map<String, ?> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AuthSettings.JWT_ISSUER_CONFIG, ISSUER);
        settings.put(AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG, keyFile.toString());
        settings.putAll(overrides);
        return AuthSettings.parse(settings);
    }

    /** Settings fetching keys from {@code jwksUrl} with {@link #ISSUER} and {@link #AUDIENCE}, plus {@code overrides}. */
    public static AuthSettings settingsForJwks(URI jwksUrl, Map<String, ?> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AuthSettings.JWT_ISSUER_CONFIG, ISSUER);
        settings.put(AuthSettings.JWT_JWKS_URL_CONFIG, jwksUrl.toString());
        settings.putAll(overrides);
        return AuthSettings.parse(settings);
    }

    /** A token signed with {@code key} (RS256 for RSA, ES256 for EC): a valid clinician of facility F1 until changed. */
    public static Mint mint(JWK key) {
        return new Mint(key);
    }

    /** The token with claim {@code name} set to {@code value} in its payload, and its signature left as it was. */
    public static String tamperPayload(String token, String name, Object value) {
        String[] parts = token.split("\\.", -1);
        try {
            Map<String, Object> claims = new LinkedHashMap<>(JWTClaimsSet.parse(new Base64URL(parts[1]).decodeToString()).toJSONObject());
            claims.put(name, value);
            String payload = Base64URL.encode(JWTClaimsSet.parse(claims).toString()).toString();
            return parts[0] + "." + payload + "." + parts[2];
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The token with one bit of its signature flipped. */
    public static String tamperSignature(String token) {
        String[] parts = token.split("\\.", -1);
        byte[] signature = new Base64URL(parts[2]).decode();
        signature[signature.length / 2] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + Base64URL.encode(signature);
    }

    /** Builds one token; every claim has a valid default that a test can override. */
    public static final class Mint {
        private JWK key;
        private String kid;
        private Instant now = Instant.now();
        private String issuer = ISSUER;
        private List<String> audience = List.of(AUDIENCE);
        private String subject = "user-" + UUID.randomUUID();
        private Instant issuedAt;
        private Instant notBefore;
        private Instant expiresAt;
        private boolean withExpiry = true;
        private final Map<String, Object> claims = new LinkedHashMap<>();

        private Mint(JWK key) {
            this.key = key;
            this.kid = key.getKeyID();
            role(Role.CLINICIAN).facilities("F1");
        }

        /** The instant the token is made at (default: now); iat, nbf and exp follow it unless set. */
        public Mint at(Instant instant) {
            this.now = instant;
            return this;
        }

        public Mint issuer(String value) {
            this.issuer = value;
            return this;
        }

        public Mint audience(String... values) {
            this.audience = List.of(values);
            return this;
        }

        public Mint subject(String value) {
            this.subject = value;
            return this;
        }

        public Mint role(Role role) {
            claims.put(AuthSettings.DEFAULT_ROLE_CLAIM, role.claimValue());
            if (role == Role.PATIENT && !claims.containsKey(AuthSettings.DEFAULT_PATIENT_CLAIM)) {
                claims.put(AuthSettings.DEFAULT_PATIENT_CLAIM, "pt-" + UUID.randomUUID());
            }
            return this;
        }

        public Mint facilities(String... ids) {
            claims.put(AuthSettings.DEFAULT_FACILITIES_CLAIM, Arrays.asList(ids));
            return this;
        }

        public Mint patient(String id) {
            claims.put(AuthSettings.DEFAULT_PATIENT_CLAIM, id);
            return this;
        }

        /** Any claim, raw (null removes it). */
        public Mint claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public Mint expiresAt(Instant value) {
            this.expiresAt = value;
            return this;
        }

        public Mint ttl(Duration ttl) {
            this.expiresAt = now.plus(ttl);
            return this;
        }

        /** Expired an hour ago. */
        public Mint expired() {
            this.issuedAt = now.minus(Duration.ofHours(2));
            this.notBefore = issuedAt;
            this.expiresAt = now.minus(Duration.ofHours(1));
            return this;
        }

        public Mint notBefore(Instant value) {
            this.notBefore = value;
            return this;
        }

        public Mint withoutExpiry() {
            this.withExpiry = false;
            return this;
        }

        /** Signs with {@code other} instead, under the key id set so far (the original key's unless changed). */
        public Mint signedWith(JWK other) {
            this.key = other;
            return this;
        }

        public Mint keyId(String value) {
            this.kid = value;
            return this;
        }

        public JWTClaimsSet claims() {
            JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(issuer).audience(audience).subject(subject).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(issuedAt == null ? now : issuedAt))
                .notBeforeTime(Date.from(notBefore == null ? now : notBefore));
            if (withExpiry) {
                builder.expirationTime(Date.from(expiresAt == null ? now.plus(Duration.ofMinutes(5)) : expiresAt));
            }
            claims.forEach(builder::claim);
            return builder.build();
        }

        /** The compact JWS, signed RS256 (RSA key) or ES256 (EC key). */
        public String sign() {
            try {
                JWSAlgorithm alg = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
                JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims());
                jwt.sign(signer);
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The same claims with {@code alg: none} and no signature. */
        public String unsigned() {
            return new PlainJWT(new PlainHeader.Builder().type(JOSEObjectType.JWT).build(), claims()).serialize();
        }

        /** HS256 with the RSA key's public bytes as the HMAC secret (the classic key-confusion attack). */
        public String hs256WithPublicKey() {
            try {
                byte[] secret = ((RSAKey) key).toRSAPublicKey().getEncoded();
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(JOSEObjectType.JWT).build(), claims());
                jwt.sign(new MACSigner(secret));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Starts a JWKS endpoint publishing the public halves of {@code keys}. */
    public static JwksServer jwksServer(JWK... keys) {
        return new JwksServer(keys);
    }

    /** A JDK HttpServer on 127.0.0.1 publishing a JWKS at {@code /jwks.json}; rotate it, take it down, count fetches. */
    public static final class JwksServer implements AutoCloseable {
        private final AtomicReference<JWKSet> published = new AtomicReference<>();
        private final AtomicInteger fetches = new AtomicInteger();
        private final AtomicBoolean available = new AtomicBoolean(true);
        private final HttpServer server;

        private JwksServer(JWK... keys) {
            publish(keys);
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/jwks.json", exchange -> {
                fetches.incrementAndGet();
                byte[] body = available.get()
                    ? published.get().toString(true).getBytes(StandardCharsets.UTF_8)
                    : "{\"error\":\"down\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
                exchange.sendResponseHeaders(available.get() ? 200 : 503, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        /** Replaces the published keys (public halves only). */
        public void publish(JWK... keys) {
            published.set(new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()));
        }

        /** Whether fetches succeed (false: 503). */
        public void available(boolean value) {
            available.set(value);
        }

        public int fetchCount() {
            return fetches.get();
        }

        public URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
