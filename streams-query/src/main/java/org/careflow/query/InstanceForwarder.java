package org.careflow.query;

import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.http.ProblemException;
import org.careflow.security.SecurityGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a request goes from one instance of an app to another: the same path and query on the other instance,
 * with the forwarding marker, the caller's {@code Authorization} and this instance's credential ({@link InstanceCredentials}),
 * sent once over the app's {@link InstanceHttpClient}; it relays the answer with the headers that matter to the caller.
 * The other instance authenticates and checks the caller again and audits the read: it trusts nothing from us.
 */
final class InstanceForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceForwarder.class);
    /** The answer headers passed back to the caller, whichever path forwarded the request. */
    private static final List<String> RELAYED_HEADERS = List.of("Retry-After", SecurityGate.WWW_AUTHENTICATE,
        InteractiveQueryService.STALE_HEADER);

    private final InstanceHttpClient client;
    private final Duration timeout;
    private final InstanceCredentials credentials;
    /** This instance as the forwarding marker names it. */
    private final String instance;

    InstanceForwarder(HostInfo self, InstanceHttpClient client, Duration timeout, String scheme, InstanceCredentials credentials) {
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("scheme must be http or https, not " + scheme);
        }
        if ("https".equals(scheme) != client.secure()) {
            throw new IllegalArgumentException("The instances serve " + scheme + " but the forwarding client speaks "
                + (client.secure() ? "https" : "http") + ": build it with InstanceHttpClient." + ("https".equals(scheme) ? "tls" : "plain"));
        }
        Objects.requireNonNull(self, "self");
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.instance = self.host() + ":" + self.port();
    }

    /** Sends {@code ctx}'s request once to {@code host} marked with {@code marker}; null when the host cannot be reached. */
    InstanceHttpClient.Answer send(Context ctx, HostInfo host, String marker) {
        String query = ctx.attribute(InteractiveQueryService.FORWARD_QUERY_ATTRIBUTE) instanceof String asked ? asked : ctx.queryString();
        String pathAndQuery = ctx.path() + (query == null ? "" : "?" + query);
        String authorization = SecurityGate.authorization(ctx).orElse(null);
        String credential = credentials.sign(marker, instance, "GET", pathAndQuery, authorization);
        List<String> headers = new ArrayList<>(8);
        headers.add("Accept");
        headers.add("application/json");
        headers.add(marker);
        headers.add(instance);
        if (authorization != null) {
            headers.add(SecurityGate.AUTHORIZATION);
            headers.add(authorization);
        }
        if (credential != null) {
            headers.add(InstanceCredentials.HEADER);
            headers.add(credential);
        }
        try {
            return client.get(host, pathAndQuery, headers, timeout);
        } catch (IOException e) {
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw ProblemException.unavailable("Interrupted while forwarding", OwnerLookup.RETRY_AFTER);
            }
            // The class only: an exception's message may carry the path, and with it a patient id.
            LOG.debug("Instance {}:{} unreachable for a query: {}", host.host(), host.port(), e.getClass().getSimpleName());
            return null;
        }
    }

    /** The 503 of a request whose owner, {@code owner}, could not be reached. */
    static void unreachable(HostInfo owner) {
        LOG.warn("Forwarding a query to {}:{} failed: unreachable", owner.host(), owner.port());
        throw ProblemException.unavailable("The instance owning this key is unreachable", OwnerLookup.RETRY_AFTER);
    }

    /** Passes another instance's answer on unchanged: status, body and the headers that matter to the caller. */
    static void relay(Context ctx, InstanceHttpClient.Answer answer) {
        ctx.status(answer.status());
        answer.header("Content-Type").ifPresent(ctx::contentType);
        for (String header : RELAYED_HEADERS) {
            answer.header(header).ifPresent(v -> ctx.header(header, v));
        }
        ctx.result(answer.body());
    }
}
