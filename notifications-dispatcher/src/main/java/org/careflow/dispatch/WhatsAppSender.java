package org.careflow.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Objects;
import org.careflow.events.notifications.OutboundNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a notification through the WhatsApp Cloud API ({@code POST {base}/{version}/{phone-number-id}/messages}),
 * one attempt per call, after taking a token from the sending number's rate limit.
 */
final class WhatsAppSender implements ChannelSender {

    static final String SERVICE = "the WhatsApp Cloud API";

    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppSender.class);

    private final DispatcherSettings settings;
    private final HttpClient http;
    private final SendRateLimiter rateLimiter;
    private final Clock clock;
    private final URI messagesUri;

    WhatsAppSender(DispatcherSettings settings, HttpClient http, SendRateLimiter rateLimiter, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http");
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.messagesUri = messagesUri(settings);
    }

    static URI messagesUri(DispatcherSettings settings) {
        String base = settings.whatsAppBaseUrl().toString().replaceAll("/+$", "");
        return URI.create(base + "/" + settings.whatsAppApiVersion() + "/" + settings.phoneNumberId() + "/messages");
    }

    @Override
    public SendResult send(OutboundNotification notification) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(messagesUri)
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + settings.accessToken())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(write(WhatsAppMessages.body(notification, clock.instant()))))
            .build();
        rateLimiter.acquire(settings.phoneNumberId());
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return ResponseClassifier.failure(e, settings.requestTimeout(), SERVICE);
        }
        if (response.statusCode() / 100 == 2) {
            return new SendResult.Sent(messageId(notification, response.body()));
        }
        return ResponseClassifier.failure(response.statusCode(), response.headers(), response.body(), SERVICE);
    }

    private static String messageId(OutboundNotification notification, String body) {
        try {
            JsonNode id = Json.MAPPER.readTree(body).path("messages").path(0).path("id");
            if (id.isTextual()) {
                return id.asText();
            }
        } catch (IOException e) {
            // Accepted all the same: sending again would duplicate the message, so report it sent without an id.
        }
        LOG.warn("The Cloud API accepted notification {} without a message id; its delivery reports match by notification id only",
            notification.getNotificationId());
        return null;
    }

    private static String write(Object body) {
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a Cloud API request body", e);
        }
    }
}
