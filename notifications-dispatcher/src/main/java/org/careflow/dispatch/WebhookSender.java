package org.careflow.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.TreeMap;
import org.careflow.events.notifications.OutboundNotification;

/**
 * Delivers a notification to another system (an on-call paging gateway, say) by POSTing it as JSON to the
 * notification's address, with its idempotency key in the {@code Idempotency-Key} header so the receiver can drop repeats.
 */
final class WebhookSender implements ChannelSender {

    static final String SERVICE = "the webhook";
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    private final HttpClient http;
    private final Duration requestTimeout;

    WebhookSender(HttpClient http, Duration requestTimeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    @Override
    public SendResult send(OutboundNotification notification) throws InterruptedException {
        URI target = target(notification.getRecipientAddress());
        if (target == null) {
            return SendResult.Failed.permanent("INVALID_ADDRESS", "The webhook address is not an absolute http(s) URL");
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
