package org.careflow.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *
 * <p>At most one message per notification: before every attempt the {@link SendLedger} records the intent (and
 * refuses when another dispatcher owns the notification now). When an attempt's fate is unknown (a timeout, a network
 * error or a 5xx: the provider may have accepted it) or a previous owner's intent was found, the ledger's status reports
 * are read before anything is sent again: a report that the message went out settles it as SENT. A WhatsApp message is
 * given the in-doubt wait for the Cloud API's status webhook to report it; webhooks and email carry their own
 * idempotency key and message id, so their receivers drop a repeat.
 */
final class NotificationHandler {

    static final String EXPIRED = "EXPIRED";
    static final String NO_ADDRESS = "NO_ADDRESS";
    static final String CHANNEL_UNSUPPORTED = "CHANNEL_UNSUPPORTED";

    private static final Logger LOG = LoggerFactory.getLogger(NotificationHandler.class);
    /** How often the status reports of a notification in doubt are read again while waiting. */
    static final Duration REPORT_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final Map<Channel, ChannelSender> senders;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final Clock clock;
    private final RecentKeys sentKeys;
    private final Duration inDoubtWait;

    NotificationHandler(Map<Channel, ChannelSender> senders, int maxAttempts, Backoff backoff, Sleeper sleeper, Clock clock,
                        RecentKeys sentKeys) {
        this(senders, maxAttempts, backoff, sleeper, clock, sentKeys, Duration.ZERO);
    }

    /** @param inDoubtWait how long a WhatsApp message whose fate is unknown waits for a status report before it is sent again */
    NotificationHandler(Map<Channel, ChannelSender> senders, int maxAttempts, Backoff backoff, Sleeper sleeper, Clock clock,
                        RecentKeys sentKeys, Duration inDoubtWait) {
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
        this.inDoubtWait = Objects.requireNonNull(inDoubtWait, "inDoubtWait");
    }

    /**
     * Handles one notification.
     *
     * @throws InterruptedException when the dispatcher closes meanwhile; nothing is to be published or committed then
     */
    Outcome handle(OutboundNotification notification) throws InterruptedException {
        return handle(notification, null, SendLedger.NONE);
    }

    /**
     * Handles one notification, recording each attempt in {@code ledger} first.
     *
     * @param inDoubtSince when a previous owner's attempt at it started, if one was found unfinished; null otherwise
     * @throws InterruptedException          when the dispatcher closes meanwhile; nothing is to be published or committed then
     * @throws SendLedger.NotOwnerException  when another dispatcher owns the notification now; the same
     */
    Outcome handle(OutboundNotification notification, Instant inDoubtSince, SendLedger ledger) throws InterruptedException {
        String id = notification.getNotificationId();
        if (sentKeys.contains(notification.getIdempotencyKey())) {
            LOG.info("Skipped notification {}: a message with its idempotency key was already sent", id);
            return Outcome.ALREADY_SENT;
        }
        boolean inDoubt = inDoubtSince != null;
        if (inDoubt) {
            Optional<NotificationStatus> reported = awaitReport(notification, inDoubtSince, clock.instant(), ledger);
            if (reported.isPresent()) {
                return reportedSent(notification, reported.get(), 0);
            }
            LOG.warn("Notification {} was being sent by a dispatcher that stopped; no report says it went out, so it is sent again", id);
        }
        return decideAndSend(notification, ledger, inDoubt);
    }

    private Outcome decideAndSend(OutboundNotification notification, SendLedger ledger, boolean wasInDoubt) throws InterruptedException {
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
        return sendWithRetries(notification, sender, ledger, wasInDoubt);
    }

    private Outcome sendWithRetries(OutboundNotification notification, ChannelSender sender, SendLedger ledger, boolean wasInDoubt)
            throws InterruptedException {
        String id = notification.getNotificationId();
        int attempt = 0;
        boolean sentAgain = wasInDoubt;
        while (true) {
            attempt++;
            Instant attemptAt = clock.instant();
            ledger.intend(notification, attemptAt);
            SendResult result = sender.send(notification);
            if (result instanceof SendResult.Sent sent) {
                sentKeys.add(notification.getIdempotencyKey());
                LOG.debug("Sent notification {} on {} after {} attempt(s)", id, notification.getChannel(), attempt);
                return marked(new Outcome(status(id, DeliveryStatus.SENT, sent.providerMessageId(), null), null, attempt, null, attemptAt),
                    sentAgain);
            }
            SendResult.Failed failed = (SendResult.Failed) result;
            if (failed.retryable() && ResponseClassifier.mayHaveArrived(failed) && ledger != SendLedger.NONE) {
                // The provider may have accepted it: nothing is sent again before what is known about it has been read.
                Duration backoffWait = attempt >= maxAttempts ? Duration.ZERO : backoff.delay(attempt, failed.retryAfter());
                Optional<NotificationStatus> reported = awaitReport(notification, attemptAt, clock.instant().plus(backoffWait), ledger);
                if (reported.isPresent()) {
                    return reportedSent(notification, reported.get(), attempt);
                }
                if (attempt >= maxAttempts) {
                    LOG.warn("Gave up on notification {} after {} attempts; last code {}", id, attempt, failed.code());
                    return marked(failedWithDeadLetter(notification, failed.code(),
                        "Attempts exhausted after " + attempt + " tries; last error: " + failed.message(), true, attempt), sentAgain);
                }
                LOG.info("Notification {} attempt {}/{} ended with {} and no report says it went out; sending it again", id, attempt,
                    maxAttempts, failed.code());
                sentAgain = true;
                if (isExpired(notification)) {
                    return marked(expired(notification, attempt), sentAgain);
                }
                continue;
            }
            if (!failed.retryable()) {
                LOG.warn("Notification {} failed permanently on {} with code {}", id, notification.getChannel(), failed.code());
                DeliveryError error = new DeliveryError(failed.code(), failed.message(), false);
                DeadLetter deadLetter = notification.getLegallyRequired()
                    ? new DeadLetter("Permanent failure of a legally required message: " + failed.message(), failed.code(), attempt,
                        clock.instant())
                    : null;
                return marked(new Outcome(status(id, DeliveryStatus.FAILED, null, error), deadLetter, attempt), sentAgain);
            }
            if (attempt >= maxAttempts) {
                LOG.warn("Gave up on notification {} after {} attempts; last code {}", id, attempt, failed.code());
                String message = "Attempts exhausted after " + attempt + " tries; last error: " + failed.message();
                return marked(failedWithDeadLetter(notification, failed.code(), message, true, attempt), sentAgain);
            }
            Duration wait = backoff.delay(attempt, failed.retryAfter());
            LOG.info("Notification {} attempt {}/{} failed with retryable code {}; retrying in {} ms", id, attempt, maxAttempts,
                failed.code(), wait.toMillis());
            sleeper.sleep(wait);
            if (isExpired(notification)) {
                return marked(expired(notification, attempt), sentAgain);
            }
        }
    }

    /** A send made again after its fate was unknown is counted as such, whatever it came to. */
    private static Outcome marked(Outcome outcome, boolean sentAgain) {
        return sentAgain ? outcome.inDoubt(Outcome.SENT_AGAIN) : outcome;
    }

    /**
     * Reads the ledger's reports until one says the notification went out, or until the in-doubt wait after
     * {@code since} (for WhatsApp; no wait for other channels) and {@code notBefore} have both passed. Reports that
     * cannot be read are not an absence: it keeps trying, however long that takes, rather than send again blind.
     */
    private Optional<NotificationStatus> awaitReport(OutboundNotification notification, Instant since, Instant notBefore,
                                                     SendLedger ledger) throws InterruptedException {
        Instant waitEnd = notification.getChannel() == Channel.WHATSAPP ? since.plus(inDoubtWait) : since;
        Instant deadline = waitEnd.isAfter(notBefore) ? waitEnd : notBefore;
        while (true) {
            boolean readable = true;
            try {
                Optional<NotificationStatus> reported = ledger.reportedSent(notification.getNotificationId(), since);
                if (reported.isPresent()) {
                    return reported;
                }
            } catch (StatusReports.Unreadable e) {
                readable = false;
                LOG.warn("Cannot read the status reports of notification {} now ({}); it is not sent again until they are read",
                    notification.getNotificationId(), e.getMessage());
            }
            Instant now = clock.instant();
            if (readable && !now.isBefore(deadline)) {
                return Optional.empty();
            }
            Duration left = readable ? Duration.between(now, deadline) : REPORT_CHECK_INTERVAL;
            sleeper.sleep(left.compareTo(REPORT_CHECK_INTERVAL) < 0 ? left : REPORT_CHECK_INTERVAL);
        }
    }

    private Outcome reportedSent(OutboundNotification notification, NotificationStatus report, int attempts) {
        sentKeys.add(notification.getIdempotencyKey());
        LOG.info("Notification {} is reported {}: settled as sent, not sent again", notification.getNotificationId(), report.getStatus());
        return new Outcome(status(notification.getNotificationId(), DeliveryStatus.SENT, report.getProviderMessageId(), null), null,
            attempts, Outcome.REPORTED_SENT, null);
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
