package org.careflow.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads a configured token-verification key file: a JWK, a JWKS, or a PEM {@code PUBLIC KEY}; public keys only. */
public final class PublicKeys {

    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    private PublicKeys() {
    }

    /** The keys in {@code file}; an {@link IllegalArgumentException} says what is wrong with it and how to fix it. */
    public static JWKSet load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the public key file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** The keys in {@code text}; {@code source} names it in error messages. */
    public static JWKSet parse(String text, String source) {
        JWKSet keys;
        if (text.contains("PRIVATE KEY-----")) {
            throw refused(source, "it holds a private key; configure the public key only (for a PEM key: openssl pkey -pubout)");
        } else if (text.startsWith(PEM_BEGIN)) {
            keys = new JWKSet(fromPem(text, source));
        } else if (text.startsWith("{")) {
            keys = fromJson(text, source);
        } else {
            throw refused(source, "expected a JWK or JWKS (JSON) or a PEM '" + PEM_BEGIN + "' block");
        }
        if (keys.getKeys().isEmpty()) {
            throw refused(source, "it holds no keys");
        }
        for (JWK key : keys.getKeys()) {
            if (KeyType.OCT.equals(key.getKeyType())) {
                throw refused(source, "symmetric (kty=oct) keys are not accepted; tokens must be signed with RS256 or ES256");
            }
            if (key.isPrivate()) {
                throw refused(source, "it holds a private key; publish only the public part (JWK.toPublicJWK)");
            }
            if (key instanceof ECKey ec && !Curve.P_256.equals(ec.getCurve())) {
                throw refused(source, "EC keys must be on curve P-256 (ES256), not " + ec.getCurve());
            }
        }
        return keys;
    }

    private static JWKSet fromJson(String text, String source) {
        try {
            return text.contains("\"keys\"") ? JWKSet.parse(text) : new JWKSet(JWK.parse(text));
        } catch (java.text.ParseException e) {
            throw refused(source, "not a valid JWK or JWKS: " + e.getMessage());
        }
    }

    private static JWK fromPem(String text, String source) {
        int end = text.indexOf(PEM_END);
        if (end < 0) {
            throw refused(source, "the PEM block has no '" + PEM_END + "' line");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(PEM_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw refused(source, "the PEM block is not valid base64");
        }
        PublicKey key = generate("RSA", der);
        if (key == null) {
            key = generate("EC", der);
        }
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (!Curve.P_256.equals(curve)) {
                throw refused(source, "EC keys must be on curve P-256 (ES256)");
            }
            return new ECKey.Builder(curve, ec).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).build();
        }
        throw refused(source, "the PEM key is neither an RSA nor an EC public key");
    }

    private static PublicKey generate(String algorithm, byte[] der) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception e) {
            return null;
        }
    }

    private static IllegalArgumentException refused(String source, String why) {
        return new IllegalArgumentException("The public key file " + source + " (" + AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG
            + ") cannot be used: " + why);
    }
}
