package org.careflow.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.DeliveryError;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.RecipientKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to do with one notification and does it, without Kafka: skips one whose idempotency key was already
 * sent, fails expired ones and ones without an address, sends through the channel's sender, and retries retryable
 * failures with backoff up to the attempt limit.
 */
final class NotificationHandler {

    static final String EXPIRED = "EXPIRED";
    static final String NO_ADDRESS = "NO_ADDRESS";
    static final String CHANNEL_UNSUPPORTED = "CHANNEL_UNSUPPORTED";

    private static final Logger LOG = LoggerFactory.getLogger(NotificationHandler.class);

    private final Map<Channel, ChannelSender> senders;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final Clock clock;
    private final RecentKeys sentKeys;

    NotificationHandler(Map<Channel, ChannelSender> senders, int maxAttempts, Backoff backoff, Sleeper sleeper, Clock clock,
                        RecentKeys sentKeys) {
        this.senders = new EnumMap<>(Channel.class);
        this.senders.putAll(senders);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sentKeys = Objects.requireNonNull(sentKeys, "sentKeys");
    }

    /**
     * Handles one notification.
     *
     * @throws InterruptedException when the dispatcher closes meanwhile; nothing is to be published or committed then
     */
    Outcome handle(OutboundNotification notification) throws InterruptedException {
        String id = notification.getNotificationId();
        if (sentKeys.contains(notification.getIdempotencyKey())) {
            LOG.info("Skipped notification {}: a message with its idempotency key was already sent", id);
            return Outcome.ALREADY_SENT;
        }
        if (isExpired(notification)) {
            return expired(notification, 0);
        }
        String address = notification.getRecipientAddress();
        if (address == null || address.isBlank()) {
            String reason = notification.getRecipientKind() == RecipientKind.ON_CALL
                ? "No recipient address: no on-call contact is configured for the facility"
                : "No recipient address: the patient has no contact for channel " + notification.getChannel();
            return failedWithDeadLetter(notification, NO_ADDRESS, reason, false, 0);
        }
        ChannelSender sender = senders.get(notification.getChannel());
        if (sender == null) {
            return failedWithDeadLetter(notification, CHANNEL_UNSUPPORTED, unsupportedReason(notification.getChannel()), false, 0);
        }
        return sendWithRetries(notification, sender);
    }

    private Outcome sendWithRetries(OutboundNotification notification, ChannelSender sender) throws InterruptedException {
        String id = notification.getNotificationId();
        int attempt = 0;
        while (true) {
            attempt++;
            SendResult result = sender.send(notification);
            if (result instanceof SendResult.Sent sent) {
                sentKeys.add(notification.getIdempotencyKey());
                LOG.debug("Sent notification {} on {} after {} attempt(s)", id, notification.getChannel(), attempt);
                return new Outcome(status(id, DeliveryStatus.SENT, sent.providerMessageId(), null), null, attempt);
            }
            SendResult.Failed failed = (SendResult.Failed) result;
            if (!failed.retryable()) {
                LOG.warn("Notification {} failed permanently on {} with code {}", id, notification.getChannel(), failed.code());
                DeliveryError error = new DeliveryError(failed.code(), failed.message(), false);
                DeadLetter deadLetter = notification.getLegallyRequired()
                    ? new DeadLetter("Permanent failure of a legally required message: " + failed.message(), failed.code(), attempt,
                        clock.instant())
                    : null;
                return new Outcome(status(id, DeliveryStatus.FAILED, null, error), deadLetter, attempt);
            }
            if (attempt >= maxAttempts) {
                LOG.warn("Gave up on notification {} after {} attempts; last code {}", id, attempt, failed.code());
                String message = "Attempts exhausted after " + attempt + " tries; last error: " + failed.message();
                return failedWithDeadLetter(notification, failed.code(), message, true, attempt);
            }
            Duration wait = backoff.delay(attempt, failed.retryAfter());
            LOG.info("Notification {} attempt {}/{} failed with retryable code {}; retrying in {} ms", id, attempt, maxAttempts,
                failed.code(), wait.toMillis());
            sleeper.sleep(wait);
            if (isExpired(notification)) {
                return expired(notification, attempt);
            }
        }
    }

    static String unsupportedReason(Channel channel) {
        if (channel == Channel.EMAIL) {
            return "Channel EMAIL is not configured in this dispatcher: no SMTP server is configured";
        }
        return "Channel " + channel + " is not supported or not configured in this dispatcher";
    }

    private boolean isExpired(OutboundNotification notification) {
        Instant expiresAt = notification.getExpiresAt();
        return expiresAt != null && !clock.instant().isBefore(expiresAt);
    }

    private Outcome expired(OutboundNotification notification, int attempts) {
        LOG.info("Notification {} expired before it could be sent", notification.getNotificationId());
        DeliveryError error = new DeliveryError(EXPIRED, "Expired at " + notification.getExpiresAt() + " before it was sent", false);
        return new Outcome(status(notification.getNotificationId(), DeliveryStatus.FAILED, null, error), null, attempts);
    }

    private Outcome failedWithDeadLetter(OutboundNotification notification, String code, String reason, boolean retryable,
                                         int attempts) {
        if (attempts == 0) {
            LOG.warn("Notification {} cannot be sent ({}); dead-lettered", notification.getNotificationId(), code);
        }
        DeliveryError error = new DeliveryError(code, truncate(reason), retryable);
        return new Outcome(status(notification.getNotificationId(), DeliveryStatus.FAILED, null, error),
            new DeadLetter(reason, code, attempts, clock.instant()), attempts);
    }

    private NotificationStatus status(String notificationId, DeliveryStatus status, String providerMessageId, DeliveryError error) {
        Instant now = clock.instant();
        return NotificationStatus.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(now)
            .setNotificationId(notificationId)
            .setStatus(status)
            .setProviderMessageId(providerMessageId)
            .setError(error)
            .setAt(now)
            .build();
    }

    private static String truncate(String message) {
        return message.length() > SendResult.Failed.MAX_MESSAGE_LENGTH ? message.substring(0, SendResult.Failed.MAX_MESSAGE_LENGTH) : message;
    }
}
