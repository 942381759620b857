package org.careflow.query;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.http.ProblemException;
import org.careflow.security.SecurityGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a request goes from one instance of an app to another: it builds the URI (the same path and query on
 * the other instance), adds the forwarding marker, the caller's {@code Authorization} and this instance's credential
 * ({@link InstanceCredentials}), sends it once, and relays the answer with the headers that matter to the caller.
 * The other instance authenticates and checks the caller again and audits the read: it trusts nothing from us.
 */
final class InstanceForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceForwarder.class);
    /** The answer headers passed back to the caller, whichever path forwarded the request. */
    private static final List<String> RELAYED_HEADERS = List.of("Retry-After", SecurityGate.WWW_AUTHENTICATE,
        InteractiveQueryService.STALE_HEADER);

    private final HostInfo self;
    private final HttpClient client;
    private final Duration timeout;
    private final String scheme;
    private final InstanceCredentials credentials;

    InstanceForwarder(HostInfo self, HttpClient client, Duration timeout, String scheme, InstanceCredentials credentials) {
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("scheme must be http or https, not " + scheme);
        }
        this.self = Objects.requireNonNull(self, "self");
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.scheme = scheme;
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /** Sends {@code ctx}'s request once to {@code host} marked with {@code marker}; null when the host cannot be reached. */
    HttpResponse<byte[]> send(Context ctx, HostInfo host, String marker) {
        String query = ctx.queryString();
        String pathAndQuery = ctx.path() + (query == null ? "" : "?" + query);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(scheme + "://" + host.host() + ":" + host.port() + pathAndQuery))
            .timeout(timeout).header("Accept", "application/json").GET();
        String instance = self.host() + ":" + self.port();
        String authorization = SecurityGate.authorization(ctx).orElse(null);
        builder.header(marker, instance);
        if (authorization != null) {
            builder.header(SecurityGate.AUTHORIZATION, authorization);
        }
        String credential = credentials.sign(marker, instance, "GET", pathAndQuery, authorization);
        if (credential != null) {
            builder.header(InstanceCredentials.HEADER, credential);
        }
        try {
            return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // The class only: an exception's message may carry the URI, and with it a patient id.
            LOG.debug("Instance {}:{} unreachable for a query: {}", host.host(), host.port(), e.getClass().getSimpleName());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while forwarding", OwnerLookup.RETRY_AFTER);
        }
    }

    /** Sends {@code ctx}'s request to {@code owner} and relays its answer; 503 when the owner cannot be reached. */
    void forwardTo(Context ctx, HostInfo owner, String marker) {
        HttpResponse<byte[]> response = send(ctx, owner, marker);
        if (response == null) {
            LOG.warn("Forwarding a query to {}:{} failed: unreachable", owner.host(), owner.port());
            throw ProblemException.unavailable("The instance owning this key is unreachable", OwnerLookup.RETRY_AFTER);
        }
        relay(ctx, response);
    }

    /** Passes another instance's answer on unchanged: status, body and the headers that matter to the caller. */
    static void relay(Context ctx, HttpResponse<byte[]> response) {
        ctx.status(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
        for (String header : RELAYED_HEADERS) {
            response.headers().firstValue(header).ifPresent(v -> ctx.header(header, v));
        }
        ctx.result(response.body());
    }
}
