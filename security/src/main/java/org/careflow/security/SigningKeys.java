package org.careflow.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local token-signing key of a careflow stack without an identity provider (the dev launcher, {@code ./careflow
 * token}): an EC P-256 key kept in a directory as {@value #PRIVATE_KEY_FILE} (owner-only where the file system
 * has POSIX permissions) with its public half beside it as {@value #PUBLIC_KEY_FILE}, for
 * {@code auth.jwt.public.key.file}. It mints ES256 tokens carrying careflow's claims.
 */
public final class SigningKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

    public static final String PRIVATE_KEY_FILE = "signing-key.jwk.json";
    public static final String PUBLIC_KEY_FILE = "public-key.jwk.json";
    /** Longest lifetime of a minted token: local tokens are for a working day at most. */
    public static final Duration MAX_TTL = Duration.ofHours(24);

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** What a minted token says. {@code patientId} is set for (and only for) {@link Role#PATIENT}. */
    public record TokenRequest(String issuer, String audience, String subject, Role role, Set<String> facilities,
                               String patientId, Duration ttl) {
        public TokenRequest {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(ttl, "ttl");
            facilities = facilities == null ? Set.of() : Set.copyOf(facilities);
            if ((role == Role.PATIENT) != (patientId != null)) {
                throw new IllegalArgumentException("a patient id is required for, and only allowed with, role patient");
            }
            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
                throw new IllegalArgumentException("ttl must be more than 0 and at most " + MAX_TTL.toHours() + "h");
            }
        }
    }

    private final ECKey key;
    private final Path publicKeyFile;
    private final Clock clock;

    private SigningKeys(ECKey key, Path publicKeyFile, Clock clock) {
        this.key = key;
        this.publicKeyFile = publicKeyFile;
        this.clock = clock;
    }

    /** Loads the key in {@code directory}, or makes one there if it holds none. */
    public static SigningKeys loadOrCreate(Path directory) {
        Path privateFile = directory.resolve(PRIVATE_KEY_FILE);
        if (Files.exists(privateFile)) {
            return load(directory);
        }
        try {
            Files.createDirectories(directory);
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).generate();
            writeOwnerOnly(privateFile, key.toJSONString());
            LOG.info("Created a local token-signing key in {}", directory);
            // Read back what is on disk, so that two processes racing here end up with the same key.
            return load(directory);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an EC P-256 key", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the signing key to " + directory, e);
        }
    }

    /** Loads the key in {@code directory}; fails if there is none (the stack makes it on its first start). */
    public static SigningKeys load(Path directory) {
        Path privateFile = directory.resolve(PRIVATE_KEY_FILE);
        if (!Files.exists(privateFile)) {
            throw new IllegalStateException("No signing key in " + directory + ": start the local stack (./careflow up) once to create it");
        }
        try {
            JWK jwk = JWK.parse(Files.readString(privateFile, StandardCharsets.UTF_8));
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate() || !Curve.P_256.equals(ec.getCurve())) {
                throw new IllegalStateException(privateFile + " is not a private EC P-256 JWK: delete the directory to make a new key");
            }
            Path publicFile = directory.resolve(PUBLIC_KEY_FILE);
            String publicJson = ec.toPublicJWK().toJSONString();
            if (!Files.exists(publicFile) || !Files.readString(publicFile, StandardCharsets.UTF_8).equals(publicJson)) {
                writeAtomically(publicFile, publicJson, null);
            }
            return new SigningKeys(ec, publicFile, Clock.systemUTC());
        } catch (ParseException e) {
            throw new IllegalStateException(privateFile + " is not a JWK (" + e.getMessage() + "): delete the directory to make a new key", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the signing key " + privateFile, e);
        }
    }

    /** The same key, minting on {@code clock}: for tests. */
    public SigningKeys withClock(Clock clock) {
        return new SigningKeys(key, publicKeyFile, Objects.requireNonNull(clock, "clock"));
    }

    /** The public half, to verify minted tokens. */
    public ECKey publicKey() {
        return key.toPublicJWK();
    }

    /** The file holding the public half, for {@code auth.jwt.public.key.file}. */
    public Path publicKeyFile() {
        return publicKeyFile;
    }

    /** A compact ES256 JWT saying what {@code request} says, valid from now for its ttl. */
    public String mint(TokenRequest request) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
            .issuer(request.issuer())
            .audience(request.audience())
            .subject(request.subject())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(request.ttl())))
            .jwtID(UUID.randomUUID().toString())
            .claim(AuthSettings.DEFAULT_ROLE_CLAIM, request.role().claimValue())
            .claim(AuthSettings.DEFAULT_FACILITIES_CLAIM, List.copyOf(request.facilities()));
        if (request.patientId() != null) {
            claims.claim(AuthSettings.DEFAULT_PATIENT_CLAIM, request.patientId());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
            claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
        return jwt.serialize();
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView("posix");
        writeAtomically(file, content, posix ? PosixFilePermissions.asFileAttribute(OWNER_ONLY) : null);
        if (!posix) {
            LOG.warn("The file system of {} has no POSIX permissions: protect the signing key file yourself", file.getParent());
        }
    }

    /** Writes a temporary file (owner-only from its creation, if asked) and moves it in place, so no reader sees half a key. */
    private static void writeAtomically(Path file, String content, FileAttribute<?> permissions) throws IOException {
        Path temp = permissions == null
            ? Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp")
            : Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp", permissions);
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
