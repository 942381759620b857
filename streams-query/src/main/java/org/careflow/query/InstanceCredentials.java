package org.careflow.query;

import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.careflow.security.SecurityGate;

/**
 * Proves that a forwarded request comes from another instance of the app: the sender adds
 * {@value #HEADER}{@code : v1;i=<instance>;t=<epoch ms>;s=<signature>}, the signature an HMAC-SHA256, made with the cluster
 * secret ({@code query.forward.secret}), over the forwarding header's name and value, the method, the path and query, the
 * time and a SHA-256 of the caller's {@code Authorization} header. The receiver accepts a forwarding header
 * ({@link InteractiveQueryService#FORWARDED_HEADER}, {@link InteractiveQueryService#LOCAL_PART_HEADER},
 * {@link InteractiveQueryService#STALE_FORWARDED_HEADER}) only with a valid, fresh credential that names it, and refuses
 * the request with 401 otherwise; the audit's {@code forwardedBy} is taken from a verified credential only.
 *
 * <p>A credential is bound to one request and one caller token, so it cannot carry another caller's request or another
 * path; within its freshness window it can be replayed only by someone holding the caller's token already, and then it
 * only names the forwarder. Serve HTTPS between instances to keep it from being seen at all.
 */
public final class InstanceCredentials {

    /** The header carrying the credential. */
    public static final String HEADER = "X-Careflow-Instance-Auth";
    /** The ctx attribute holding the verified forwarder ({@code host:port}) of a request, absent for a client's request. */
    public static final String FORWARDED_BY_ATTRIBUTE = "careflow.forwardedBy";
    /** The problem type of a refused instance credential. */
    public static final String PROBLEM_TYPE = "https://careflow.org/problems/instance-credential";

    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final List<String> MARKERS = List.of(InteractiveQueryService.FORWARDED_HEADER,
        InteractiveQueryService.LOCAL_PART_HEADER, InteractiveQueryService.STALE_FORWARDED_HEADER);

    private final SecretKeySpec key;
    private final Duration maxAge;
    private final Clock clock;

    private InstanceCredentials(SecretKeySpec key, Duration maxAge, Clock clock) {
        this.key = key;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** Signs and verifies with {@code secret}; credentials older (or further ahead) than {@code maxAge} are refused. */
    public static InstanceCredentials of(String secret, Duration maxAge) {
        return of(secret, maxAge, Clock.systemUTC());
    }

    /** As {@link #of(String, Duration)}, on {@code clock}: for tests. */
    public static InstanceCredentials of(String secret, Duration maxAge, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isBlank()) {
            throw new IllegalArgumentException("the cluster secret is empty");
        }
        return new InstanceCredentials(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM),
            Objects.requireNonNull(maxAge, "maxAge"), Objects.requireNonNull(clock, "clock"));
    }

    /**
     * No secret: forwarding headers are taken at their word and nothing is signed. Only for apps without authentication
     * (auth.enabled=false: tests and benchmarks), where nothing is audited either.
     */
    public static InstanceCredentials unverified() {
        return new InstanceCredentials(null, Duration.ZERO, Clock.systemUTC());
    }

    public boolean verifying() {
        return key != null;
    }

    /**
     * The header value proving that {@code instance} sends {@code method} {@code target} (path and query) marked with
     * {@code marker}, for the caller whose {@code Authorization} header is {@code authorization} (null: none); null when
     * not {@link #verifying()}.
     */
    public String sign(String marker, String instance, String method, String target, String authorization) {
        if (key == null) {
            return null;
        }
        long now = clock.millis();
        return VERSION + ";i=" + instance + ";t=" + now + ";s=" + signature(marker, instance, method, target, authorization, now);
    }

    /**
     * Checks the forwarding headers of {@code ctx}: a request without any is a client's (nothing recorded); a request with
     * one must carry a valid, fresh credential for it, and its instance is then kept as {@link #FORWARDED_BY_ATTRIBUTE}.
     *
     * @throws ProblemException 401 when a forwarding header comes without a valid credential, or with more than one
     */
    public void verify(Context ctx) {
        if (ctx.attribute(FORWARDED_BY_ATTRIBUTE) != null) {
            return;
        }
        List<String> markers = new ArrayList<>();
        for (String marker : MARKERS) {
            if (ctx.header(marker) != null) {
                markers.add(marker);
            }
        }
        String credential = ctx.header(HEADER);
        if (markers.isEmpty() && credential == null) {
            return;
        }
        if (markers.size() != 1) {
            throw refused(markers.isEmpty() ? "an instance credential without a forwarding header" : "more than one forwarding header");
        }
        String marker = markers.get(0);
        String claimed = ctx.header(marker);
        if (key == null) {
            ctx.attribute(FORWARDED_BY_ATTRIBUTE, claimed);
            return;
        }
        if (credential == null) {
            throw refused("a forwarding header without an instance credential");
        }
        String[] parts = credential.split(";");
        if (parts.length != 4 || !VERSION.equals(parts[0]) || !parts[1].startsWith("i=") || !parts[2].startsWith("t=")
            || !parts[3].startsWith("s=")) {
            throw refused("a malformed instance credential");
        }
        String instance = parts[1].substring(2);
        long sentAt;
        try {
            sentAt = Long.parseLong(parts[2].substring(2));
        } catch (NumberFormatException e) {
            throw refused("a malformed instance credential");
        }
        if (!instance.equals(claimed)) {
            throw refused("an instance credential for another instance");
        }
        String query = ctx.queryString();
        String expected = signature(marker, instance, ctx.method().name(), ctx.path() + (query == null ? "" : "?" + query),
            ctx.header(SecurityGate.AUTHORIZATION), sentAt);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), parts[3].substring(2).getBytes(StandardCharsets.US_ASCII))) {
            throw refused("an instance credential that does not verify");
        }
        if (Math.abs(clock.millis() - sentAt) > maxAge.toMillis()) {
            throw refused("an expired instance credential");
        }
        ctx.attribute(FORWARDED_BY_ATTRIBUTE, instance);
    }

    /** The verified forwarder of {@code ctx} (after {@link #verify}), or null for a client's request. */
    public static String forwardedBy(Context ctx) {
        return ctx.attribute(FORWARDED_BY_ATTRIBUTE);
    }

    private String signature(String marker, String instance, String method, String target, String authorization, long at) {
        String material = String.join("\n", VERSION, marker.toLowerCase(java.util.Locale.ROOT), instance, method, target,
            Long.toString(at), sha256(authorization == null ? "" : authorization));
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static String sha256(String text) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static ProblemException refused(String what) {
        return new ProblemException(new Problem(PROBLEM_TYPE, "Unauthenticated instance", 401,
            "Forwarding headers are accepted from other instances of this app only; the request carried " + what + ".", List.of()));
    }
}
