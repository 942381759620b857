package org.careflow.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.KnownKeys;

/**
 * The typed, validated view of the {@code auth.*}, {@code rate.limit.*} and {@code audit.*} keys every HTTP app
 * shares. {@link #define(ConfigDef)} adds the keys; {@link #from(AbstractConfig)} checks the rules across them.
 *
 * @param jwksUrl where the identity provider publishes its keys; null when a key file is used
 * @param publicKeyFile a public JWK, JWKS or PEM key; null when a JWKS URL is used
 * @param audiences a token's {@code aud} must contain one of these
 */
public record AuthSettings(boolean enabled, String issuer, List<String> audiences, URI jwksUrl, Path publicKeyFile,
                           Duration clockSkew, Duration jwksCacheTtl, Duration jwksRefreshTimeout,
                           Duration jwksRefreshMinInterval, ClaimNames claims, boolean rateLimitEnabled,
                           Map<RateClass, RateLimit> rateLimits, int rateLimitMaxClients, Duration auditAckTimeout) {

    public static final String AUTH_ENABLED_CONFIG = "auth.enabled";
    private static final String AUTH_ENABLED_DOC = "Whether HTTP requests need a bearer token (JWT). Keep true: false is for "
        + "benchmarks and tests only, and is logged as a warning at start-up.";

    public static final String JWT_ISSUER_CONFIG = "auth.jwt.issuer";
    private static final String JWT_ISSUER_DOC = "The exact iss claim of accepted tokens (the identity provider's issuer). Required when auth.enabled is true.";

    public static final String JWT_AUDIENCE_CONFIG = "auth.jwt.audience";
    private static final String JWT_AUDIENCE_DOC = "Accepted audiences: a token's aud claim must contain one of them.";

    public static final String JWT_JWKS_URL_CONFIG = "auth.jwt.jwks.url";
    private static final String JWT_JWKS_URL_DOC = "https URL of the identity provider's JWKS (plain http only for localhost). "
        + "Set this or auth.jwt.public.key.file, not both.";

    public static final String JWT_PUBLIC_KEY_FILE_CONFIG = "auth.jwt.public.key.file";
    private static final String JWT_PUBLIC_KEY_FILE_DOC = "File holding the token-signing public key: a JWK, a JWKS or a PEM "
        + "'PUBLIC KEY' (RSA or EC P-256). Private and symmetric keys are refused. Set this or auth.jwt.jwks.url, not both.";

    public static final String JWT_CLOCK_SKEW_MS_CONFIG = "auth.jwt.clock.skew.ms";
    private static final String JWT_CLOCK_SKEW_MS_DOC = "Tolerance for clock differences when checking a token's exp and nbf.";

    public static final String JWKS_CACHE_TTL_MS_CONFIG = "auth.jwks.cache.ttl.ms";
    private static final String JWKS_CACHE_TTL_MS_DOC = "How long fetched JWKS keys are used before they are fetched again.";

    public static final String JWKS_REFRESH_TIMEOUT_MS_CONFIG = "auth.jwks.refresh.timeout.ms";
    private static final String JWKS_REFRESH_TIMEOUT_MS_DOC = "How long a JWKS fetch may take.";

    public static final String JWKS_REFRESH_MIN_INTERVAL_MS_CONFIG = "auth.jwks.refresh.min.interval.ms";
    private static final String JWKS_REFRESH_MIN_INTERVAL_MS_DOC = "Least time between two JWKS fetches caused by tokens with "
        + "an unknown key id, so that forged key ids cannot flood the identity provider (0 = no limit).";

    public static final String CLAIM_ROLE_CONFIG = "auth.claim.role";
    private static final String CLAIM_ROLE_DOC = "Claim holding the caller's role: clinician, scheduler, patient, integration or ops.";

    public static final String CLAIM_FACILITIES_CONFIG = "auth.claim.facilities";
    private static final String CLAIM_FACILITIES_DOC = "Claim holding the facility ids the caller acts for (a list, or one string).";

    public static final String CLAIM_PATIENT_CONFIG = "auth.claim.patient";
    private static final String CLAIM_PATIENT_DOC = "Claim holding the patient id of a patient caller.";

    public static final String CLAIM_CLIENT_CONFIG = "auth.claim.client";
    private static final String CLAIM_CLIENT_DOC = "Claim naming the client application (falls back to client_id, then sub).";

    public static final String RATE_LIMIT_ENABLED_CONFIG = "rate.limit.enabled";
    private static final String RATE_LIMIT_ENABLED_DOC = "Whether requests are rate-limited per caller and route class (429 with Retry-After).";

    public static final String RATE_LIMIT_MAX_CLIENTS_CONFIG = "rate.limit.max.clients";
    private static final String RATE_LIMIT_MAX_CLIENTS_DOC = "Most callers tracked at once; new callers beyond it get 429 until idle ones are dropped.";

    public static final String AUDIT_ACK_TIMEOUT_MS_CONFIG = "audit.ack.timeout.ms";
    private static final String AUDIT_ACK_TIMEOUT_MS_DOC = "How long an audited read waits for its audit event to be acknowledged before answering 503.";

    public static final String DEFAULT_ROLE_CLAIM = "careflow_role";
    public static final String DEFAULT_FACILITIES_CLAIM = "careflow_facilities";
    public static final String DEFAULT_PATIENT_CLAIM = "careflow_patient";
    public static final String DEFAULT_CLIENT_CLAIM = "azp";
    public static final String DEFAULT_AUDIENCE = "careflow";
    public static final long MAX_CLOCK_SKEW_MS = 300_000L;

    /** Names of the claims careflow reads from a token. */
    public record ClaimNames(String role, String facilities, String patient, String client) {
        public static final ClaimNames DEFAULTS = new ClaimNames(DEFAULT_ROLE_CLAIM, DEFAULT_FACILITIES_CLAIM, DEFAULT_PATIENT_CLAIM,
            DEFAULT_CLIENT_CLAIM);

        public ClaimNames {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(facilities, "facilities");
            Objects.requireNonNull(patient, "patient");
            Objects.requireNonNull(client, "client");
        }
    }

    /** A token bucket's shape: refill rate and size. */
    public record RateLimit(int perSecond, int burst) {
        public RateLimit {
            if (perSecond < 1 || burst < 1) {
                throw new IllegalArgumentException("perSecond and burst must be at least 1");
            }
        }
    }

    public AuthSettings {
        Objects.requireNonNull(claims, "claims");
        audiences = List.copyOf(audiences);
        rateLimits = Map.copyOf(rateLimits);
        for (RateClass rateClass : RateClass.values()) {
            if (!rateLimits.containsKey(rateClass)) {
                throw new IllegalArgumentException("no rate limit for " + rateClass);
            }
        }
    }

    /**
     * The one decision of what {@code auth.enabled=false} (tests and benchmarks only) means, asked by every app through
     * {@link SecurityGate#create} and the query layer: no token is asked for, so no caller is known; every route is open
     * (rate limits still follow {@code rate.limit.enabled}), nothing is audited (there is nobody to audit), and a cluster
     * secret for forwarding between instances becomes optional. Nothing else reads {@link #enabled()} to decide it.
     */
    public boolean authenticationOff() {
        return !enabled;
    }

    public static String perSecondKey(RateClass rateClass) {
        return "rate.limit." + rateClass.configName() + ".per.second";
    }

    public static String burstKey(RateClass rateClass) {
        return "rate.limit." + rateClass.configName() + ".burst";
    }

    /** Adds every key to {@code def}. */
    public static ConfigDef define(ConfigDef def) {
        def.define(AUTH_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.HIGH, AUTH_ENABLED_DOC)
            .define(JWT_ISSUER_CONFIG, Type.STRING, "", Importance.HIGH, JWT_ISSUER_DOC)
            .define(JWT_AUDIENCE_CONFIG, Type.LIST, DEFAULT_AUDIENCE, ConfigDef.ValidList.anyNonDuplicateValues(false, false),
                Importance.HIGH, JWT_AUDIENCE_DOC)
            .define(JWT_JWKS_URL_CONFIG, Type.STRING, "", new EmptyOrHttpUrl(), Importance.HIGH, JWT_JWKS_URL_DOC)
            .define(JWT_PUBLIC_KEY_FILE_CONFIG, Type.STRING, "", Importance.HIGH, JWT_PUBLIC_KEY_FILE_DOC)
            .define(JWT_CLOCK_SKEW_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(0L, MAX_CLOCK_SKEW_MS), Importance.MEDIUM,
                JWT_CLOCK_SKEW_MS_DOC)
            .define(JWKS_CACHE_TTL_MS_CONFIG, Type.LONG, 900_000L, ConfigDef.Range.between(1_000L, 86_400_000L), Importance.LOW,
                JWKS_CACHE_TTL_MS_DOC)
            .define(JWKS_REFRESH_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.between(100L, 60_000L), Importance.LOW,
                JWKS_REFRESH_TIMEOUT_MS_DOC)
            .define(JWKS_REFRESH_MIN_INTERVAL_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(0L, 3_600_000L), Importance.LOW,
                JWKS_REFRESH_MIN_INTERVAL_MS_DOC)
            .define(CLAIM_ROLE_CONFIG, Type.STRING, DEFAULT_ROLE_CLAIM, new ConfigDef.NonEmptyString(), Importance.LOW, CLAIM_ROLE_DOC)
            .define(CLAIM_FACILITIES_CONFIG, Type.STRING, DEFAULT_FACILITIES_CLAIM, new ConfigDef.NonEmptyString(), Importance.LOW,
                CLAIM_FACILITIES_DOC)
            .define(CLAIM_PATIENT_CONFIG, Type.STRING, DEFAULT_PATIENT_CLAIM, new ConfigDef.NonEmptyString(), Importance.LOW,
                CLAIM_PATIENT_DOC)
            .define(CLAIM_CLIENT_CONFIG, Type.STRING, DEFAULT_CLIENT_CLAIM, new ConfigDef.NonEmptyString(), Importance.LOW,
                CLAIM_CLIENT_DOC)
            .define(RATE_LIMIT_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, RATE_LIMIT_ENABLED_DOC);
        for (RateClass rateClass : RateClass.values()) {
            def.define(perSecondKey(rateClass), Type.INT, rateClass.defaultPerSecond(), ConfigDef.Range.between(1, 1_000_000),
                    Importance.LOW, "Requests per second each caller may make to " + rateClass.configName() + " routes, on average.")
                .define(burstKey(rateClass), Type.INT, rateClass.defaultBurst(), ConfigDef.Range.between(1, 1_000_000),
                    Importance.LOW, "Requests each caller may make to " + rateClass.configName() + " routes at once, before "
                        + perSecondKey(rateClass) + " applies.");
        }
        return def
            .define(RATE_LIMIT_MAX_CLIENTS_CONFIG, Type.INT, 100_000, ConfigDef.Range.between(1, 10_000_000), Importance.LOW,
                RATE_LIMIT_MAX_CLIENTS_DOC)
            .define(AUDIT_ACK_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.between(100L, 60_000L), Importance.LOW,
                AUDIT_ACK_TIMEOUT_MS_DOC);
    }

    /** The settings of a parsed configuration, after the rules across keys; the exception names the key to change. */
    public static AuthSettings from(AbstractConfig config) {
        boolean enabled = config.getBoolean(AUTH_ENABLED_CONFIG);
        String issuer = config.getString(JWT_ISSUER_CONFIG).strip();
        String jwksUrl = config.getString(JWT_JWKS_URL_CONFIG).strip();
        String keyFile = config.getString(JWT_PUBLIC_KEY_FILE_CONFIG).strip();
        if (enabled) {
            if (jwksUrl.isEmpty() == keyFile.isEmpty()) {
                throw new ConfigException(jwksUrl.isEmpty() ? JWT_JWKS_URL_CONFIG : JWT_PUBLIC_KEY_FILE_CONFIG, jwksUrl.isEmpty() ? "" : jwksUrl,
                    jwksUrl.isEmpty()
                        ? "set auth.jwt.jwks.url to the identity provider's JWKS URL, or auth.jwt.public.key.file to its public key file"
                            + " (auth.enabled=false turns authentication off, for tests only)"
                        : "set only one of auth.jwt.jwks.url and auth.jwt.public.key.file: clear the other");
            }
            if (issuer.isEmpty()) {
                throw new ConfigException(JWT_ISSUER_CONFIG, "", "set it to the iss claim of your identity provider's tokens");
            }
            if (!keyFile.isEmpty() && !Files.isReadable(Path.of(keyFile))) {
                throw new ConfigException(JWT_PUBLIC_KEY_FILE_CONFIG, keyFile, "no readable file there: check the path and its permissions");
            }
            if (!jwksUrl.isEmpty()) {
                requireHttpsUnlessLoopback(jwksUrl);
            }
        }
        Map<RateClass, RateLimit> limits = new EnumMap<>(RateClass.class);
        for (RateClass rateClass : RateClass.values()) {
            limits.put(rateClass, new RateLimit(config.getInt(perSecondKey(rateClass)), config.getInt(burstKey(rateClass))));
        }
        return new AuthSettings(enabled, issuer, config.getList(JWT_AUDIENCE_CONFIG),
            jwksUrl.isEmpty() ? null : URI.create(jwksUrl), keyFile.isEmpty() ? null : Path.of(keyFile),
            Duration.ofMillis(config.getLong(JWT_CLOCK_SKEW_MS_CONFIG)), Duration.ofMillis(config.getLong(JWKS_CACHE_TTL_MS_CONFIG)),
            Duration.ofMillis(config.getLong(JWKS_REFRESH_TIMEOUT_MS_CONFIG)),
            Duration.ofMillis(config.getLong(JWKS_REFRESH_MIN_INTERVAL_MS_CONFIG)),
            new ClaimNames(config.getString(CLAIM_ROLE_CONFIG), config.getString(CLAIM_FACILITIES_CONFIG),
                config.getString(CLAIM_PATIENT_CONFIG), config.getString(CLAIM_CLIENT_CONFIG)),
            config.getBoolean(RATE_LIMIT_ENABLED_CONFIG), limits, config.getInt(RATE_LIMIT_MAX_CLIENTS_CONFIG),
            Duration.ofMillis(config.getLong(AUDIT_ACK_TIMEOUT_MS_CONFIG)));
    }

    /** Parses {@code settings} against {@link #define(ConfigDef)} alone: for tests and tools. A key it does not define fails. */
    public static AuthSettings parse(Map<String, ?> settings) {
        ConfigDef definition = define(new ConfigDef());
        return from(new AbstractConfig(definition, KnownKeys.checked(definition, settings), false));
    }

    private static void requireHttpsUnlessLoopback(String url) {
        URI uri = URI.create(url);
        if ("https".equals(uri.getScheme())) {
            return;
        }
        boolean loopback;
        try {
            loopback = "localhost".equalsIgnoreCase(uri.getHost()) || InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (Exception e) {
            loopback = false;
        }
        if (!loopback) {
            throw new ConfigException(JWT_JWKS_URL_CONFIG, url, "use an https:// URL: keys fetched over plain http could be forged in transit"
                + " (http is accepted for localhost only)");
        }
    }

    /** Accepts an empty value or an absolute http(s) URL. */
    static final class EmptyOrHttpUrl implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : value.toString().strip();
            if (text.isEmpty()) {
                return;
            }
            try {
                URI uri = new URI(text);
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw new ConfigException(name, value, "expected an absolute https:// URL with a host, e.g. https://idp.example.org/jwks.json");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "not a URL (" + e.getReason() + "): expected e.g. https://idp.example.org/jwks.json");
            }
        }

        @Override
        public String toString() {
            return "empty, or an https URL";
        }
    }
}
