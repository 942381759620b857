package org.careflow.ingest.notifications;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.types.Password;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.ingest.EventPublisher;
import org.careflow.ingest.IngestRoutes;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import org.careflow.security.EndpointClass;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WhatsApp Cloud API webhook: Meta's verification handshake ({@code GET}) and its deliveries of patients' messages
 * and of the statuses of messages careflow sent ({@code POST}). A delivery is written only when its signature proves
 * Meta sent it, and is answered 200 only once Kafka acknowledged every event in it; otherwise Meta redelivers it, and
 * the events' ids, derived from WhatsApp's ids, let downstream drop the copies.
 */
public final class WhatsAppWebhook {

    public static final String PATH = "/v1/webhooks/whatsapp";

    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppWebhook.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final String SUBSCRIBE = "subscribe";
    private static final int MAX_CHALLENGE_LENGTH = 512;

    private final EventPublisher publisher;
    /** SHA-256 of the verify token, so the comparison neither stops early nor reveals the token's length; null when unset. */
    private final byte[] verifyTokenDigest;
    private final WebhookSignature signature;
    private final WhatsAppPayloadParser parser;

    /**
     * @param verifyToken the token Meta echoes in the handshake; empty refuses every handshake
     * @param appSecret the app secret Meta signs deliveries with; empty answers every delivery 503
     */
    public WhatsAppWebhook(EventPublisher publisher, Clock clock, Password verifyToken, Password appSecret) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(verifyToken, "verifyToken");
        String token = verifyToken.value();
        this.verifyTokenDigest = token == null || token.isEmpty() ? null : sha256(token);
        this.signature = new WebhookSignature(appSecret);
        this.parser = new WhatsAppPayloadParser(clock);
    }

    /** False when no app secret is configured, so every delivery is refused. */
    public boolean configured() {
        return signature.configured();
    }

    /** Adds the routes to a server's configuration. */
    public void register(JavalinConfig config) {
        // WEBHOOK: no bearer token (Meta sends none); the verify token and the body's HMAC signature are the checks.
        config.routes.get(PATH, this::verify, EndpointClass.WEBHOOK);
        config.routes.post(PATH, this::receive, EndpointClass.WEBHOOK);
    }

    /** Meta's subscription handshake: echo {@code hub.challenge} only to a caller that knows the verify token. */
    private void verify(Context ctx) {
        if (verifyTokenDigest == null) {
            throw forbidden("No verify token is configured (whatsapp.verify.token), so no subscription can be verified.");
        }
        String mode = ctx.queryParam("hub.mode");
        String token = ctx.queryParam("hub.verify_token");
        String challenge = ctx.queryParam("hub.challenge");
        boolean tokenMatches = token != null && MessageDigest.isEqual(sha256(token), verifyTokenDigest);
        if (!SUBSCRIBE.equals(mode) || !tokenMatches || challenge == null || challenge.isEmpty()
            || challenge.length() > MAX_CHALLENGE_LENGTH) {
            LOG.warn("Refused a WhatsApp webhook verification: {}", !SUBSCRIBE.equals(mode) ? "hub.mode is not subscribe"
                : !tokenMatches ? "wrong verify token" : "no usable hub.challenge");
            throw forbidden("Send hub.mode=subscribe, the configured hub.verify_token and a hub.challenge.");
        }
        ctx.status(200).contentType("text/plain; charset=utf-8").header("X-Content-Type-Options", "nosniff").result(challenge);
    }

    private void receive(Context ctx) {
        if (!signature.configured()) {
            throw new ProblemException(Problem.of(503, "Webhook not configured", "The WhatsApp webhook has no app secret "
                + "(whatsapp.app.secret), so no delivery can be verified; nothing was recorded."));
        }
        // The signature covers the bytes exactly as sent: check them before anything parses them.
        byte[] body = ctx.bodyAsBytes();
        WebhookSignature.Result check = signature.verify(body, ctx.header(WebhookSignature.HEADER));
        if (check != WebhookSignature.Result.VALID) {
            LOG.warn("Refused a WhatsApp webhook delivery: signature {}", check);
            throw new ProblemException(Problem.of(401, "Invalid signature", switch (check) {
                case MISSING -> "The request has no " + WebhookSignature.HEADER + " header; only deliveries Meta signed are accepted.";
                case MALFORMED -> WebhookSignature.HEADER + " must be sha256= followed by 64 hex digits.";
                default -> WebhookSignature.HEADER + " does not match the body; only deliveries Meta signed are accepted.";
            }));
        }
        WhatsAppPayloadParser.Events events = parser.parse(IngestRoutes.jsonBody(ctx));
        LOG.debug("WhatsApp webhook delivery: {} message(s), {} status(es), {} ignored",
            events.messages().size(), events.statuses().size(), events.ignored());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("messages", events.messages().size());
        answer.put("statuses", events.statuses().size());
        answer.put("ignored", events.ignored());
        if (events.messages().isEmpty() && events.statuses().isEmpty()) {
            ctx.status(200).json(answer);
            return;
        }
        ctx.future(() -> {
            List<CompletableFuture<RecordMetadata>> writes = new ArrayList<>();
            // Keyed by sender: one sender's messages stay in order.
            for (InboundMessage message : events.messages()) {
                writes.add(publisher.publish(Topics.INBOUND_MESSAGES, message.getFromPhone(), message));
            }
            // Keyed by notification, like the notification's other statuses.
            for (NotificationStatus status : events.statuses()) {
                writes.add(publisher.publish(Topics.NOTIFICATION_STATUSES, status.getNotificationId(), status));
            }
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
                if (error != null) {
                    respondUnavailable(ctx, error);
                } else {
                    ctx.status(200).json(answer);
                }
                return null;
            });
        });
    }

    private void respondUnavailable(Context ctx, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.warn("WhatsApp webhook delivery not accepted, Kafka did not acknowledge every event: {}", cause.getClass().getSimpleName());
        ctx.header("Retry-After", Long.toString(RETRY_AFTER.toSeconds()));
        HttpServerFactory.respond(ctx, IngestRoutes.unconfirmed(error, publisher.timeout(),
            "Meta redelivers it; a redelivered event keeps its eventId, so copies are dropped downstream."));
    }

    private static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of(403, "Forbidden", detail));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
