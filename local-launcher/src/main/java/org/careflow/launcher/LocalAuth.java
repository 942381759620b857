package org.careflow.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.careflow.config.StreamsAppConfig;
import org.careflow.security.AuthSettings;
import org.careflow.security.Role;
import org.careflow.security.SecretFile;
import org.careflow.security.SigningKeys;

/**
 * Authentication of the local stack: a signing key made on first start under the data directory ({@value #DIRECTORY}),
 * every app set to accept tokens it signed, and tokens minted with it for the demo, the tests and
 * {@code ./careflow token}. Production points {@code auth.jwt.jwks.url} at the hospital's identity provider instead.
 */
public final class LocalAuth {

    /** The folder of the data directory holding the key pair. */
    public static final String DIRECTORY = "auth";
    public static final String ISSUER = "careflow-local";
    public static final String AUDIENCE = "careflow";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** The file of {@link #DIRECTORY} holding the cluster secret the apps' instances forward queries with. */
    public static final String CLUSTER_SECRET_FILE = "cluster-secret";

    private final SigningKeys keys;
    private final String clusterSecret;

    private LocalAuth(SigningKeys keys, String clusterSecret) {
        this.keys = keys;
        this.clusterSecret = clusterSecret;
    }

    /** The stack's key and cluster secret in {@code dataDir}, made if there are none yet. */
    public static LocalAuth loadOrCreate(Path dataDir) {
        Path directory = dataDir.resolve(DIRECTORY);
        return new LocalAuth(SigningKeys.loadOrCreate(directory), SecretFile.loadOrCreate(directory.resolve(CLUSTER_SECRET_FILE)));
    }

    /** The key of a stack that has started at least once in {@code dataDir}. */
    public static LocalAuth load(Path dataDir) {
        Path directory = dataDir.resolve(DIRECTORY);
        return new LocalAuth(SigningKeys.load(directory), SecretFile.loadOrCreate(directory.resolve(CLUSTER_SECRET_FILE)));
    }

    /** The settings every app of the stack gets: authentication on, trusting this key only. */
    public Map<String, Object> appSettings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(AuthSettings.AUTH_ENABLED_CONFIG, true);
        settings.put(AuthSettings.JWT_ISSUER_CONFIG, ISSUER);
        settings.put(AuthSettings.JWT_AUDIENCE_CONFIG, AUDIENCE);
        settings.put(AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG, keys.publicKeyFile().toString());
        return settings;
    }

    /**
     * {@link #appSettings()} and the cluster secret ({@code query.forward.secret}) that a streams app's instances prove
     * their forwarded queries with; only streams apps know that key, and an app refuses keys it does not know.
     */
    public Map<String, Object> streamsAppSettings() {
        Map<String, Object> settings = appSettings();
        settings.put(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG, clusterSecret);
        return settings;
    }

    /** A token for {@code role}, scoped to {@code facilities} (and, for a patient, to {@code patientId}). */
    public String token(Role role, Set<String> facilities, String patientId, Duration ttl) {
        String subject = "local-" + role.claimValue();
        return keys.mint(new SigningKeys.TokenRequest(ISSUER, AUDIENCE, subject, role, facilities, patientId, ttl));
    }

    public String token(Role role, Set<String> facilities, String patientId) {
        return token(role, facilities, patientId, DEFAULT_TTL);
    }
}
