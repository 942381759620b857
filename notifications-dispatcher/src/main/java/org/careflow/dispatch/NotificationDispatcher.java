package org.careflow.dispatch;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.RegistryProbe;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@code outbound-notifications} through the WhatsApp Cloud API, webhooks and, when {@link SmtpSettings} are
 * given, email over SMTP, on its own thread, and reports
 * each outcome as a {@link NotificationStatus} on {@code notification-statuses}; notifications it gives up on go
 * unchanged to {@code outbound-dead-letters} with the reason in headers (see {@link DeadLetter}).
 *
 * <p>Delivery guarantee: one record at a time, the offset is committed synchronously right after Kafka acknowledged
 * the outcome, so a restarted dispatcher resumes after the last handled record. Before each attempt the record's
 * offset is committed again with a {@link SendIntent} as its metadata, which both checks that this dispatcher still
 * owns the partition (Kafka refuses the commit from an older group generation) and leaves a durable note: a dispatcher
 * that finds the note on the record it resumes at knows that record's fate is unknown, and reads its status reports
 * ({@link StatusReports}: its own SENT, or the Cloud API's status webhook) before sending anything again, waiting
 * {@link DispatcherSettings#inDoubtWait()} for a WhatsApp report. A patient can get a message twice only if a
 * dispatcher stops after the Cloud API accepted it and before its SENT status was acknowledged (a window of one HTTP
 * call and one Kafka write, measured as {@code careflow_notification_unrecorded_send_seconds}) and the Cloud API's
 * status report then does not arrive within the in-doubt wait; each such resend is counted
 * ({@code careflow_notification_sends_in_doubt_total{resolution="sent_again"}}). Within one dispatcher the
 * {@value #RECENT_KEYS_CAPACITY} most recent idempotency keys are remembered too.
 *
 * <pre>{@code
 * try (NotificationDispatcher dispatcher = NotificationDispatcher.start(kafkaConfig, "careflow-dispatcher", serdes, settings, smtp)) {
 *     ...
 * }
 * }</pre>
 */
public final class NotificationDispatcher implements AutoCloseable {

    /** How many sent idempotency keys are remembered. */
    public static final int RECENT_KEYS_CAPACITY = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CLOSE_GRACE_EXTRA = Duration.ofSeconds(15);
    // Few records per poll: each may block for its retries, and all of a poll's records must be handled within max.poll.interval.ms.
    private static final int MAX_POLL_RECORDS = 10;
    private static final Duration MIN_MAX_POLL_INTERVAL = Duration.ofMinutes(5);

    private final String groupId;
    private final DispatcherSettings settings;
    private final Duration attemptTimeout;
    private final KafkaConsumer<String, OutboundNotification> consumer;
    private final OutcomePublisher publisher;
    private final HttpClient http;
    private final NotificationHandler handler;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Sleeper closableSleeper;
    private final Thread thread;
    private final BusinessMetrics metrics;
    private final RegistryProbe registry;
    private final Backoff registryBackoff;
    private final StatusReports reports;
    private final Clock clock;
    /** The committed offset, with its metadata, of each partition this dispatcher owns, as Kafka holds it. */
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    private int registryWaits;
    private volatile boolean closing;
    private volatile boolean running;
    private volatile boolean waitingForRegistry;
    private volatile Throwable failure;

    private enum Step { NEXT, REJOIN, STOP }

    private NotificationDispatcher(Map<String, Object> kafkaConfig, String groupId, EventSerdes serdes, DispatcherSettings settings,
                                   SmtpSettings smtp, Clock clock, BusinessMetrics metrics, RegistryProbe registry) {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.registry = registry;
        this.registryBackoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> ThreadLocalRandom.current().nextDouble());
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.attemptTimeout = attemptTimeout(settings, smtp);
        Objects.requireNonNull(kafkaConfig, "kafkaConfig");
        Objects.requireNonNull(serdes, "serdes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.closableSleeper = duration -> {
            if (closed.await(Math.max(duration.toNanos(), 0), TimeUnit.NANOSECONDS)) {
                throw new InterruptedException("the dispatcher is closing");
            }
        };
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.requestTimeout()).build();
        Map<Channel, ChannelSender> senders = new EnumMap<>(Channel.class);
        senders.put(Channel.WHATSAPP, new WhatsAppSender(settings, http,
            new SendRateLimiter(settings.sendRatePerSecond(), System::nanoTime, closableSleeper), clock));
        senders.put(Channel.WEBHOOK, new WebhookSender(http, settings.requestTimeout(), settings.webhookRule()));
        if (smtp != null) {
            senders.put(Channel.EMAIL, new EmailSender(smtp, clock));
        }
        this.handler = new NotificationHandler(senders, settings.maxAttempts(),
            new Backoff(settings.initialBackoff(), settings.maxBackoff(), () -> ThreadLocalRandom.current().nextDouble()),
            closableSleeper, clock, new RecentKeys(RECENT_KEYS_CAPACITY), settings.inDoubtWait());
        KafkaConsumer<String, OutboundNotification> created = null;
        StatusReports createdReports = null;
        try {
            created = new KafkaConsumer<>(consumerConfig(kafkaConfig, groupId, settings, smtp),
                serdes.keySerde(Topics.OUTBOUND_NOTIFICATIONS).deserializer(), serdes.valueSerde(Topics.OUTBOUND_NOTIFICATIONS).deserializer());
            createdReports = new StatusReports(kafkaConfig, "careflow-dispatcher-" + groupId + "-reports", serdes);
            this.publisher = new OutcomePublisher(kafkaConfig, "careflow-dispatcher-" + groupId + "-producer", serdes, closableSleeper);
        } catch (RuntimeException e) {
            for (AutoCloseable client : new AutoCloseable[] {created, createdReports}) {
                if (client != null) {
                    try {
                        client.close();
                    } catch (Exception closing) {
                        e.addSuppressed(closing);
                    }
                }
            }
            http.close();
            throw e;
        }
        this.reports = createdReports;
        this.consumer = created;
        this.thread = Thread.ofPlatform().name("careflow-notification-dispatcher-" + groupId).unstarted(this::run);
    }

    /**
     * Starts a dispatcher with the system clock and without email: {@code EMAIL} notifications are dead-lettered.
     *
     * @param kafkaConfig client settings shared by its consumer and producer; needs {@code bootstrap.servers}
     * @param groupId     the consumer group: dispatchers sharing it share the partitions and the committed progress
     */
    public static NotificationDispatcher start(Map<String, Object> kafkaConfig, String groupId, EventSerdes serdes,
                                               DispatcherSettings settings) {
        return start(kafkaConfig, groupId, serdes, settings, (SmtpSettings) null, Clock.systemUTC());
    }

    /** Starts a dispatcher without email whose statuses and expiry checks read {@code clock}. */
    public static NotificationDispatcher start(Map<String, Object> kafkaConfig, String groupId, EventSerdes serdes,
                                               DispatcherSettings settings, Clock clock) {
        return start(kafkaConfig, groupId, serdes, settings, (SmtpSettings) null, clock);
    }

    /**
     * Starts a dispatcher with the system clock that also sends {@code EMAIL} notifications through {@code smtp}.
     *
     * @param smtp the SMTP server; null: email is not configured, and {@code EMAIL} notifications are dead-lettered
     */
    public static NotificationDispatcher start(Map<String, Object> kafkaConfig, String groupId, EventSerdes serdes,
                                               DispatcherSettings settings, SmtpSettings smtp) {
        return start(kafkaConfig, groupId, serdes, settings, smtp, Clock.systemUTC());
    }

    /** Starts a dispatcher that sends email through {@code smtp} (null: none) and reads {@code clock}. */
    public static NotificationDispatcher start(Map<String, Object> kafkaConfig, String groupId, EventSerdes serdes,
                                               DispatcherSettings settings, SmtpSettings smtp, Clock clock) {
        return start(kafkaConfig, groupId, serdes, settings, smtp, clock, BusinessMetrics.NONE);
    }

    /**
     * Starts a dispatcher as {@link #start(Map, String, EventSerdes, DispatcherSettings, SmtpSettings, Clock)} does that
     * counts, once Kafka acknowledged each outcome, patient notifications sent or failed and the records it dead-letters.
     */
    public static NotificationDispatcher start(Map<String, Object> kafkaConfig, String groupId, EventSerdes serdes,
                                               DispatcherSettings settings, SmtpSettings smtp, Clock clock, BusinessMetrics metrics) {
        return start(kafkaConfig, groupId, serdes, settings, smtp, clock, metrics, null);
    }

    /**
     * As {@link #start(Map, String, EventSerdes, DispatcherSettings, SmtpSettings, Clock, BusinessMetrics)}, asking
     * {@code registry} (null: nobody) whether a record it cannot read is unreadable on its own (dead-lettered to
     * {@code notifications-dead-letters}) or waits for the registry (read again, with backoff; nothing skipped).
     */
    public static NotificationDispatcher start(Map<String, Object> kafkaConfig, String groupId, EventSerdes serdes,
                                               DispatcherSettings settings, SmtpSettings smtp, Clock clock, BusinessMetrics metrics,
                                               RegistryProbe registry) {
        NotificationDispatcher dispatcher = new NotificationDispatcher(kafkaConfig, groupId, serdes, settings, smtp, clock, metrics, registry);
        dispatcher.running = true;
        dispatcher.thread.start();
        LOG.info("Notification dispatcher started in group {} with {} and {}", groupId, settings,
            smtp == null ? "no SMTP server (email is not sent)" : smtp);
        return dispatcher;
    }

    /** False once the dispatcher stopped, because it was closed or because of {@link #failure()}. */
    public boolean isRunning() {
        return running;
    }

    /** True while the dispatcher holds a record it cannot read because the schema registry does not serve it. */
    public boolean waitingForRegistry() {
        return waitingForRegistry;
    }

    /** The error that stopped the dispatcher, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Stops taking new notifications, lets the one in hand finish its current HTTP call, publish its outcome and
     * commit, and waits for the thread to end; a notification waiting for a retry is left for the next run.
     */
    @Override
    public void close() {
        if (!closing) {
            closing = true;
            closed.countDown();
            consumer.wakeup();
        }
        try {
            thread.join(attemptTimeout.plus(CLOSE_GRACE_EXTRA));
            if (thread.isAlive()) {
                LOG.warn("The dispatcher thread did not stop within its grace period; interrupting it");
                thread.interrupt();
                thread.join(CLOSE_GRACE_EXTRA);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.OUTBOUND_NOTIFICATIONS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Where each partition resumes, with the send intent a previous owner may have left there.
                    consumer.committed(new HashSet<>(partitions)).forEach((partition, offset) -> {
                        if (offset != null) {
                            committed.put(partition, offset);
                        }
                    });
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(committed::remove);
                }
            });
            while (!closing) {
                ConsumerRecords<String, OutboundNotification> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (RecordDeserializationException e) {
                    if (!handleUnreadable(e)) {
                        return;
                    }
                    continue;
                }
                for (ConsumerRecord<String, OutboundNotification> record : records) {
                    Step step = closing ? Step.STOP : process(record);
                    if (step == Step.STOP) {
                        return;
                    }
                    if (step == Step.REJOIN) {
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                fail(e);
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            // close() may have interrupted a send; the clients must still close cleanly.
            Thread.interrupted();
            closeClients();
            running = false;
            LOG.info("Notification dispatcher of group {} stopped", groupId);
        }
    }

    private Step process(ConsumerRecord<String, OutboundNotification> record) {
        OutboundNotification notification = record.value();
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (notification != null) {
            Outcome outcome;
            try {
                outcome = handler.handle(notification, inDoubtSince(partition, record.offset(), notification),
                    new PartitionLedger(partition, record.offset()));
            } catch (InterruptedException e) {
                LOG.info("Closing: notification {} is left for the next run", notification.getNotificationId());
                return Step.STOP;
            } catch (SendLedger.NotOwnerException e) {
                LOG.warn("Notification {} was not sent: {}", notification.getNotificationId(), e.getMessage());
                return Step.REJOIN;
            }
            if (!outcome.skipped()) {
                if (!publisher.publish(notification, outcome)) {
                    return Step.STOP;
                }
                count(notification, outcome);
            }
        }
        return commit(partition, record.offset() + 1) ? Step.NEXT : Step.REJOIN;
    }

    /** When the attempt a previous owner left unfinished on this very record started; null when there is none. */
    private Instant inDoubtSince(TopicPartition partition, long offset, OutboundNotification notification) {
        OffsetAndMetadata resumedAt = committed.get(partition);
        if (resumedAt == null || resumedAt.offset() != offset) {
            return null;
        }
        return SendIntent.parse(resumedAt.metadata())
            .filter(intent -> intent.notificationId().equals(notification.getNotificationId()))
            .map(SendIntent::at).orElse(null);
    }

    /** The ledger of the record at {@code offset}: its intents are its committed offset's metadata. */
    private final class PartitionLedger implements SendLedger {

        private final TopicPartition partition;
        private final long offset;

        PartitionLedger(TopicPartition partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }

        @Override
        public void intend(OutboundNotification notification, Instant at) throws InterruptedException {
            OffsetAndMetadata intent = new OffsetAndMetadata(offset, new SendIntent(notification.getNotificationId(), at).metadata());
            try {
                consumer.commitSync(Map.of(partition, intent));
            } catch (CommitFailedException | RebalanceInProgressException e) {
                throw new NotOwnerException("the group rebalanced and " + partition + " may belong to another dispatcher now", e);
            } catch (WakeupException e) {
                throw new InterruptedException("the dispatcher is closing");
            }
            committed.put(partition, intent);
        }

        @Override
        public Optional<NotificationStatus> reportedSent(String notificationId, Instant since) {
            return reports.reportedSent(notificationId, since);
        }
    }

    private void count(OutboundNotification notification, Outcome outcome) {
        if (outcome.inDoubt() != null) {
            metrics.sendInDoubt(outcome.inDoubt());
        }
        if (outcome.sentAttemptAt() != null) {
            metrics.unrecordedSend(Duration.between(outcome.sentAttemptAt(), clock.instant()));
        }
        if (notification.getRecipientKind() == RecipientKind.PATIENT) {
            DeliveryStatus status = outcome.status().getStatus();
            if (status == DeliveryStatus.SENT || status == DeliveryStatus.FAILED) {
                metrics.reminder(status == DeliveryStatus.SENT ? "sent" : "failed");
            }
        }
        if (outcome.deadLetter() != null) {
            metrics.deadLetter(Topics.OUTBOUND_DEAD_LETTERS.name());
        }
    }

    /** Commits {@code offset}; false when the group rebalanced meanwhile and the poll loop must rejoin. */
    private boolean commit(TopicPartition partition, long offset) {
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(partition, new OffsetAndMetadata(offset));
        try {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                // close() woke the consumer, but this record is handled: record that before stopping.
                consumer.commitSync(offsets);
            }
            committed.put(partition, offsets.get(partition));
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("Could not commit offset {} of {}: the group rebalanced, so its new owner may handle the record again",
                offset, partition);
            return false;
        }
    }

    /**
     * A record the consumer could not read. While the schema registry does not serve the dispatcher it is not
     * unreadable, only unread: the consumer goes back to it and reads it again after a backoff (nothing is skipped or
     * dead-lettered for an outage). Otherwise it goes, unchanged, to {@code notifications-dead-letters} and the
     * dispatcher moves past it. False when the dispatcher closed meanwhile.
     */
    private boolean handleUnreadable(RecordDeserializationException e) {
        if (registry != null && !registry.serving()) {
            waitingForRegistry = true;
            Duration pause = registryBackoff.delay(++registryWaits, null);
            LOG.warn("Could not read the record at offset {} of {} while the schema registry does not serve the dispatcher; "
                + "reading it again in {} ms", e.offset(), e.topicPartition(), pause.toMillis());
            consumer.seek(e.topicPartition(), e.offset());
            try {
                closableSleeper.sleep(pause);
                return true;
            } catch (InterruptedException closingNow) {
                return false;
            }
        }
        waitingForRegistry = false;
        registryWaits = 0;
        LOG.error("The record at offset {} of {} is not an OutboundNotification; dead-lettering it unchanged", e.offset(), e.topicPartition(), e);
        if (!publisher.deadLetterUnreadable(e)) {
            return false;
        }
        metrics.deadLetter(Topics.NOTIFICATIONS_DEAD_LETTERS.name());
        consumer.seek(e.topicPartition(), e.offset() + 1);
        commit(e.topicPartition(), e.offset() + 1);
        return true;
    }

    private void fail(Throwable e) {
        failure = e;
        LOG.error("The notification dispatcher of group {} stopped on an unexpected error", groupId, e);
    }

    private void closeClients() {
        for (AutoCloseable closeable : new AutoCloseable[] {consumer, reports, publisher, http}) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Could not close {}", closeable.getClass().getSimpleName(), e);
            }
        }
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> kafkaConfig, String groupId, DispatcherSettings settings,
                                                      SmtpSettings smtp) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval(settings, smtp).toMillis());
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "careflow-dispatcher-" + groupId);
        return config;
    }

    /** Long enough for a whole poll of notifications that all exhaust their attempts. */
    static Duration maxPollInterval(DispatcherSettings settings) {
        return maxPollInterval(settings, null);
    }

    /** As {@link #maxPollInterval(DispatcherSettings)}, with attempts as long as the slower of HTTP and SMTP ({@code smtp} may be null). */
    static Duration maxPollInterval(DispatcherSettings settings, SmtpSettings smtp) {
        // Each attempt may wait for status reports instead of the backoff, and a record in doubt waits once before its first.
        Duration longestWait = settings.maxBackoff().compareTo(settings.inDoubtWait()) > 0 ? settings.maxBackoff() : settings.inDoubtWait();
        Duration worstPerRecord = attemptTimeout(settings, smtp).plus(longestWait).multipliedBy(Math.max(settings.maxAttempts(), 1))
            .plus(settings.inDoubtWait());
        Duration worstPerPoll = worstPerRecord.multipliedBy(MAX_POLL_RECORDS);
        Duration interval = worstPerPoll.compareTo(MIN_MAX_POLL_INTERVAL) > 0 ? worstPerPoll : MIN_MAX_POLL_INTERVAL;
        return interval.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0 ? Duration.ofMillis(Integer.MAX_VALUE) : interval;
    }

    /** How long one attempt may block: the HTTP timeout, or the SMTP one when that is longer. */
    private static Duration attemptTimeout(DispatcherSettings settings, SmtpSettings smtp) {
        Duration http = settings.requestTimeout();
        return smtp != null && smtp.timeout().compareTo(http) > 0 ? smtp.timeout() : http;
    }
}
