package org.careflow.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.topics.OnCallWebhookRule;

/**
 * Delivers a notification to another system (an on-call paging gateway, say) by POSTing it as JSON to the
 * notification's address, with its idempotency key in the {@code Idempotency-Key} header so the receiver can drop repeats.
 *
 * <p>Before each send the address is checked again with the {@link OnCallWebhookRule} (https, a public host, unless the
 * operator allow-listed it), and its host is resolved and every address it resolves to is checked: a name registered
 * while public that now points inside (DNS rebinding) is refused. The JVM caches the answer
 * ({@code networkaddress.cache.ttl}, 30 s by default), so the connection made right after uses the addresses checked.
 * Redirects are not followed (the client's default), so a public endpoint cannot bounce the alert inside either.
 * A refused address is a permanent failure, {@code WEBHOOK_ADDRESS_REFUSED}, dead-lettered like any undeliverable alert.
 */
final class WebhookSender implements ChannelSender {

    static final String SERVICE = "the webhook";
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    static final String REFUSED_CODE = "WEBHOOK_ADDRESS_REFUSED";

    /** Resolves a host to every address it has; throws when it has none. */
    interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    private static final Resolver DNS = host -> List.of(InetAddress.getAllByName(host));

    private final HttpClient http;
    private final Duration requestTimeout;
    private final OnCallWebhookRule rule;
    private final Resolver resolver;

    /** A sender with no host allow-listed, resolving through the JVM. */
    WebhookSender(HttpClient http, Duration requestTimeout) {
        this(http, requestTimeout, OnCallWebhookRule.strict(), DNS);
    }

    WebhookSender(HttpClient http, Duration requestTimeout, OnCallWebhookRule rule) {
        this(http, requestTimeout, rule, DNS);
    }

    WebhookSender(HttpClient http, Duration requestTimeout, OnCallWebhookRule rule, Resolver resolver) {
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    @Override
    public SendResult send(OutboundNotification notification) throws InterruptedException {
        URI target = target(notification.getRecipientAddress());
        if (target == null) {
            return SendResult.Failed.permanent("INVALID_ADDRESS", "The webhook address is not an absolute http(s) URL");
        }
        Optional<String> refused = rule.checkUrl(target.toString());
        if (refused.isEmpty()) {
            try {
                refused = rule.checkResolved(target.getHost(), resolver.resolve(target.getHost()));
            } catch (UnknownHostException e) {
                // Not refused: a name that does not resolve now may later (a retryable failure, like any connection error).
                return ResponseClassifier.failure(e, requestTimeout, SERVICE);
            }
        }
        if (refused.isPresent()) {
            return SendResult.Failed.permanent(REFUSED_CODE, "The webhook address may not receive alerts: " + refused.get());
        }
        HttpRequest request = HttpRequest.newBuilder(target)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header(IDEMPOTENCY_KEY_HEADER, notification.getIdempotencyKey())
            .POST(HttpRequest.BodyPublishers.ofString(body(notification)))
            .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return ResponseClassifier.failure(e, requestTimeout, SERVICE);
        }
        if (response.statusCode() / 100 == 2) {
            return new SendResult.Sent(null);
        }
        return ResponseClassifier.failure(response.statusCode(), response.headers(), response.body(), SERVICE);
    }

    static String body(OutboundNotification notification) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("notificationId", notification.getNotificationId());
        body.put("templateId", notification.getTemplateId());
        body.put("facilityId", notification.getFacilityId());
        body.put("patientId", notification.getPatientId());
        body.put("relatedAssessmentId", notification.getRelatedAssessmentId());
        body.put("relatedBookingId", notification.getRelatedBookingId());
        ObjectNode parameters = body.putObject("parameters");
        new TreeMap<>(notification.getTemplateParameters()).forEach(parameters::put);
        body.put("occurredAt", notification.getOccurredAt().toString());
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a webhook body", e);
        }
    }

    private static URI target(String address) {
        try {
            URI uri = URI.create(address.trim());
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null ? uri : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
