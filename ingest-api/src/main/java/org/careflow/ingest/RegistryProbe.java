package org.careflow.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the schema registry answers, for the ingest API's readiness: a {@code GET <registry.url>/system/info} with a
 * short timeout, its result kept for a while so that {@code /health/ready}, polled by load balancers every few
 * seconds, costs at most one registry call per {@code cacheFor}. Any HTTP answer below 500 counts as reachable (a 401
 * from a registry that wants credentials still proves it is up; the serializers carry their own credentials).
 */
public final class RegistryProbe {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryProbe.class);

    private final URI infoUri;
    private final HttpClient client;
    private final Duration timeout;
    private final long cacheForNanos;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    private long checkedAtNanos;
    private boolean checked;
    private boolean reachable;

    RegistryProbe(String registryUrl, HttpClient client, Duration timeout, Duration cacheFor, LongSupplier nanoClock) {
        String base = Objects.requireNonNull(registryUrl, "registryUrl");
        this.infoUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/system/info");
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.cacheForNanos = cacheFor.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A probe of the registry at {@code registryUrl} (the {@code .../apis/registry/v3} base): 1 s timeout, answers kept 5 s. */
    public static RegistryProbe create(String registryUrl) {
        Duration timeout = Duration.ofSeconds(1);
        return new RegistryProbe(registryUrl, HttpClient.newBuilder().connectTimeout(timeout).build(), timeout, Duration.ofSeconds(5),
            System::nanoTime);
    }

    /** Whether the registry answered the last probe, probing again when that answer is older than the cache time. */
    public boolean reachable() {
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            if (!checked || now - checkedAtNanos >= cacheForNanos) {
                boolean was = reachable;
                reachable = probe();
                if (checked && was != reachable) {
                    LOG.info("Schema registry is {}", reachable ? "reachable again" : "unreachable: the ingest API reports not ready");
                }
                checked = true;
                checkedAtNanos = now;
            }
            return reachable;
        }
    }

    private boolean probe() {
        HttpRequest request = HttpRequest.newBuilder(infoUri).timeout(timeout).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
