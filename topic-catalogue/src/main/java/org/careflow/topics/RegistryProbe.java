package org.careflow.topics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the schema registry answers: a {@code GET <registry.url>/system/info} with a short timeout, its result kept
 * for a while so that {@code /health/ready}, polled by load balancers every few seconds, costs at most one registry
 * call per {@code cacheFor}. {@link #reachable()}: any HTTP answer below 500 (a 401 from a registry that wants
 * credentials still proves it is up; the serializers carry their own credentials). {@link #serving()}: a 2xx to the
 * app's own login, which is what tells a record that cannot be read because the registry is down or refuses the app
 * (wait, retry) from a record that is unreadable on its own (dead letter).
 */
public final class RegistryProbe {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryProbe.class);

    private final URI infoUri;
    private final String authorization;
    private final HttpClient client;
    private final Duration timeout;
    private final long cacheForNanos;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    private long checkedAtNanos;
    private boolean checked;
    private int lastStatus;

    RegistryProbe(String registryUrl, HttpClient client, Duration timeout, Duration cacheFor, LongSupplier nanoClock) {
        this(registryUrl, "", "", client, timeout, cacheFor, nanoClock);
    }

    RegistryProbe(String registryUrl, String clientId, String clientSecret, HttpClient client, Duration timeout, Duration cacheFor,
                  LongSupplier nanoClock) {
        String base = Objects.requireNonNull(registryUrl, "registryUrl");
        this.infoUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/system/info");
        this.authorization = clientId == null || clientId.isBlank() ? null : "Basic " + Base64.getEncoder()
            .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.cacheForNanos = cacheFor.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A probe of the registry at {@code registryUrl} (the {@code .../apis/registry/v3} base): 1 s timeout, answers kept 5 s. */
    public static RegistryProbe create(String registryUrl) {
        return create(registryUrl, "", "");
    }

    /** As {@link #create(String)}, logging in as the app does ({@code registry.client.id}/{@code .secret}; empty: none). */
    public static RegistryProbe create(String registryUrl, String clientId, String clientSecret) {
        return create(registryUrl, clientId, clientSecret, Duration.ofSeconds(5));
    }

    /** As {@link #create(String, String, String)}, keeping each answer {@code cacheFor}. */
    public static RegistryProbe create(String registryUrl, String clientId, String clientSecret, Duration cacheFor) {
        Duration timeout = Duration.ofSeconds(1);
        return new RegistryProbe(registryUrl, clientId, clientSecret, HttpClient.newBuilder().connectTimeout(timeout).build(), timeout,
            cacheFor, System::nanoTime);
    }

    /** Whether the registry answered the last probe (below 500), probing again when that answer is older than the cache time. */
    public boolean reachable() {
        int status = status();
        return status > 0 && status < 500;
    }

    /** Whether the registry answered the last probe with a 2xx to the app's login: it serves the app's schemas. */
    public boolean serving() {
        int status = status();
        return status >= 200 && status < 300;
    }

    /** The last probe's HTTP status, 0 when the registry did not answer. */
    private int status() {
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            if (!checked || now - checkedAtNanos >= cacheForNanos) {
                int was = lastStatus;
                lastStatus = probe();
                if (checked && (was >= 200 && was < 300) != (lastStatus >= 200 && lastStatus < 300)) {
                    LOG.info("Schema registry {}", lastStatus == 0 ? "is unreachable" : "answered HTTP " + lastStatus);
                }
                checked = true;
                checkedAtNanos = now;
            }
            return lastStatus;
        }
    }

    private int probe() {
        HttpRequest.Builder request = HttpRequest.newBuilder(infoUri).timeout(timeout).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
