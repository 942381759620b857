package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.careflow.dispatch.CloudApiStandIn.RecordedRequest;
import org.careflow.dispatch.CloudApiStandIn.Reply;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher on a real KRaft broker and the real Apicurio registry, sending to the Cloud API stand-in and, by
 * email, to GreenMail (a real SMTP server in the JVM). Every test
 * uses its own notification ids on one shared dispatcher group, so the tests do not depend on each other's order.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationDispatcherIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration IN_DOUBT_WAIT = Duration.ofSeconds(3);

    private PlatformFixture platform;
    private CloudApiStandIn api;
    private GreenMail mail;
    private EventSerdes serdes;
    private String groupId;
    private NotificationDispatcher dispatcher;
    private KafkaProducer<String, OutboundNotification> producer;
    private TopicReader<NotificationStatus> statuses;
    private TopicReader<OutboundNotification> deadLetters;
    private final CountingMetrics metrics = new CountingMetrics();

    @BeforeAll
    void startPlatform(@TempDir Path dir) {
        platform = PlatformFixture.catalogue(dir);
        serdes = new RegistryEventSerdes(platform.registryUrl(), false);
        api = CloudApiStandIn.start();
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
            serdes.keySerde(Topics.OUTBOUND_NOTIFICATIONS).serializer(), serdes.valueSerde(Topics.OUTBOUND_NOTIFICATIONS).serializer());
        statuses = new TopicReader<>(Topics.NOTIFICATION_STATUSES);
        deadLetters = new TopicReader<>(Topics.OUTBOUND_DEAD_LETTERS);
        groupId = "dispatcher-it-" + UUID.randomUUID();
        dispatcher = startDispatcher();
    }

    @AfterAll
    void stopPlatform() {
        for (AutoCloseable closeable : new AutoCloseable[] {dispatcher, producer, statuses, deadLetters, api, mail::stop, platform}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    void shouldSendOnceAndPublishSentStatusWithProviderIdWhenApiAccepts() {
        // Given a reminder on outbound-notifications
        String id = newId();
        publish(TestNotifications.reminder(id).build());

        long sentBefore = metrics.count("reminder:sent");

        // When the dispatcher has handled it
        NotificationStatus status = statuses.await(id);
        Await.until("the send to be counted", DEADLINE, () -> metrics.count("reminder:sent") == sentBefore + 1);

        // Then it was sent once, and the SENT status carries the id the API gave the message
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.SENT);
        List<RecordedRequest> requests = api.requestsFor(id);
        assertThat(requests).hasSize(1);
        assertThat(status.getProviderMessageId()).isEqualTo(requests.get(0).providerMessageId()).startsWith("wamid.");
        assertThat(requests.get(0).body().at("/template/name").asText()).isEqualTo("appointment_reminder");
        assertThat(requests.get(0).header("Authorization")).hasValue("Bearer " + TestNotifications.TOKEN);
    }

    @Test
    void shouldSendAfterRetriesWhenApiThrottlesThenFailsThenAccepts() {
        // Given an API that answers this notification 429 (Retry-After: 1 s, capped at the 50 ms maximum), then 500, then 200
        String id = newId();
        api.failNextFor(id, 1, Reply.throttled(1)).failNextFor(id, 1, Reply.serverError());

        // When it is published and handled
        publish(TestNotifications.reminder(id).build());
        NotificationStatus status = statuses.await(id);

        // Then it took three calls, and the one SENT status names the message the API accepted
        List<RecordedRequest> requests = api.requestsFor(id);
        assertThat(requests).extracting(RecordedRequest::answeredStatus).containsExactly(429, 500, 200);
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(status.getProviderMessageId()).isEqualTo(requests.get(2).providerMessageId());
    }

    @Test
    void shouldPublishFailedStatusWithoutRetryWhenApiRejectsPermanently() {
        // Given an API that cannot deliver this notification
        String id = newId();
        api.failNextFor(id, Integer.MAX_VALUE, Reply.undeliverable());

        // When it is published and handled
        publish(TestNotifications.reminder(id).build());
        NotificationStatus status = statuses.await(id);

        // Then the FAILED status carries the API's code and is not retryable, after a single call
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(status.getError().getCode()).isEqualTo("131026");
        assertThat(status.getError().getRetryable()).isFalse();
        assertThat(api.requestsFor(id)).hasSize(1);
    }

    @Test
    void shouldPublishFailedStatusAndDeadLetterWithReasonHeadersWhenAttemptsAreExhausted() {
        // Given an API that always answers this notification with 500
        String id = newId();
        api.failNextFor(id, Integer.MAX_VALUE, Reply.serverError());
        OutboundNotification notification = TestNotifications.reminder(id).build();

        long failedBefore = metrics.count("reminder:failed");
        long deadBefore = metrics.count("deadLetter:" + Topics.OUTBOUND_DEAD_LETTERS.name());

        // When it is published and handled
        publish(notification);
        NotificationStatus status = statuses.await(id);
        ConsumerRecord<String, OutboundNotification> dead = deadLetters.awaitRecord(id);
        // (counted once Kafka acknowledged the outcome, which a reader may see first)
        Await.until("the failure and the dead letter to be counted", DEADLINE, () -> metrics.count("reminder:failed") == failedBefore + 1
            && metrics.count("deadLetter:" + Topics.OUTBOUND_DEAD_LETTERS.name()) == deadBefore + 1);

        // Then it was tried maxAttempts times and failed as retryable ...
        assertThat(api.requestsFor(id)).hasSize(MAX_ATTEMPTS);
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(status.getError().getCode()).isEqualTo("HTTP_500");
        assertThat(status.getError().getRetryable()).isTrue();
        assertThat(status.getError().getMessage()).contains("Attempts exhausted");

        // ... and the unchanged notification is on the dead-letter topic, with why, in headers without message content
        assertThat(dead.value()).isEqualTo(notification);
        DeadLetter reason = DeadLetter.fromHeaders(dead.headers());
        assertThat(reason.errorCode()).isEqualTo("HTTP_500");
        assertThat(reason.attempts()).isEqualTo(MAX_ATTEMPTS);
        assertThat(reason.reason()).contains("Attempts exhausted").doesNotContain(TestNotifications.PHONE).doesNotContain("Riverside");
        assertThat(reason.failedAt()).isBetween(Instant.now().minus(DEADLINE), Instant.now());
    }

    @Test
    void shouldNotSendHandledNotificationsAgainWhenDispatcherRestartsInSameGroup() {
        // Given one notification sent on every partition by the running dispatcher
        List<String> before = new ArrayList<>();
        for (int partition = 0; partition < Topics.OUTBOUND_NOTIFICATIONS.partitions(); partition++) {
            String id = newId();
            before.add(id);
            publish(partition, TestNotifications.reminder(id).build());
        }
        before.forEach(id -> assertThat(statuses.await(id).getStatus()).isEqualTo(DeliveryStatus.SENT));

        // When the dispatcher is replaced by a new one in the same group, and more notifications follow on every partition
        dispatcher.close();
        assertThat(dispatcher.isRunning()).isFalse();
        dispatcher = startDispatcher();
        List<String> after = new ArrayList<>();
        for (int partition = 0; partition < Topics.OUTBOUND_NOTIFICATIONS.partitions(); partition++) {
            String id = newId();
            after.add(id);
            publish(partition, TestNotifications.reminder(id).build());
        }
        after.forEach(id -> assertThat(statuses.await(id).getStatus()).isEqualTo(DeliveryStatus.SENT));

        // Then the new dispatcher resumed after the committed offsets: the earlier ones were sent once, with one status each
        before.forEach(id -> {
            assertThat(api.requestsFor(id)).as("calls for %s", id).hasSize(1);
            assertThat(statuses.all(id)).as("statuses of %s", id).hasSize(1);
        });
        after.forEach(id -> assertThat(api.requestsFor(id)).hasSize(1));
        assertThat(dispatcher.failure()).isEmpty();
    }

    @Test
    void shouldSendOnceWhenRecordsShareIdempotencyKey() {
        // Given two notifications with one idempotency key, then a marker, all on one partition
        String first = newId();
        String duplicate = newId();
        String marker = newId();
        String key = "reminder-" + UUID.randomUUID();
        publish(0, TestNotifications.reminder(first).setIdempotencyKey(key).build());
        publish(0, TestNotifications.reminder(duplicate).setIdempotencyKey(key).build());
        publish(0, TestNotifications.reminder(marker).build());

        // When the marker behind them was handled
        statuses.await(marker);

        // Then only one message went out for the key
        assertThat(statuses.await(first).getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(api.requestsFor(first)).hasSize(1);
        assertThat(api.requestsFor(duplicate)).isEmpty();
        assertThat(statuses.all(duplicate)).isEmpty();
    }

    @Test
    void shouldEmailAlertAndPublishSentStatusWithMessageIdWhenChannelIsEmail() {
        // Given a deterioration alert for the on-call clinician's mailbox, given as a mailto: URI
        String id = newId();
        publish(TestNotifications.onCallEmail(id, "mailto:" + TestNotifications.EMAIL).build());

        // When the dispatcher has handled it
        NotificationStatus status = statuses.await(id);

        // Then one message reached the mailbox with the alert's subject and body, and the SENT status names its Message-ID
        MimeMessage received = Await.value("the email of " + id, DEADLINE, () -> emailsFor(id).stream().findFirst().orElse(null));
        assertThat(emailsFor(id)).hasSize(1);
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.SENT);
        try {
            assertThat(received.getAllRecipients()).extracting(Object::toString).containsExactly(TestNotifications.EMAIL);
            assertThat(received.getSubject()).isEqualTo("Deterioration alert: Riverside Clinic");
            assertThat(received.getContent().toString()).contains("Patient: J. Doe", "Band: HIGH", "Score: 7");
            assertThat(status.getProviderMessageId()).isEqualTo(received.getMessageID());
        } catch (MessagingException | IOException e) {
            throw new AssertionError("Could not read the received email", e);
        }
        assertThat(deadLetters.all(id)).isEmpty();
    }

    @Test
    void shouldNotSendAgainWhatAStoppedDispatcherLeftInDoubtWhenItsSentStatusIsOnRecord() throws Exception {
        // Given a dispatcher that stopped after its SENT status of a notification was acknowledged and before its commit:
        // the group's offset still points at the notification, with the intent recorded before the send
        dispatcher.close();
        String id = newId();
        long offset = publishAt(0, TestNotifications.reminder(id).build());
        publishStatus(id, DeliveryStatus.SENT, "wamid.sent-before-the-stop");
        leaveIntent(0, offset, id, Instant.now().minusSeconds(1));
        long reportedBefore = metrics.count("sendInDoubt:" + Outcome.REPORTED_SENT);

        // When a new dispatcher of the group takes the partition over, and handles a marker behind it
        dispatcher = startDispatcher();
        String marker = newId();
        publish(0, TestNotifications.reminder(marker).build());
        statuses.await(marker);

        // Then the notification was not sent again: it is settled as SENT from the report, and counted as resolved by it
        assertThat(api.requestsFor(id)).isEmpty();
        assertThat(statuses.all(id)).hasSize(2).last().satisfies(settled -> {
            assertThat(settled.getStatus()).isEqualTo(DeliveryStatus.SENT);
            assertThat(settled.getProviderMessageId()).isEqualTo("wamid.sent-before-the-stop");
        });
        Await.until("the in-doubt resolution to be counted", DEADLINE,
            () -> metrics.count("sendInDoubt:" + Outcome.REPORTED_SENT) == reportedBefore + 1);
    }

    @Test
    void shouldSendAgainOnceAfterTheInDoubtWaitWhatAStoppedDispatcherLeftWithoutAnyReport() throws Exception {
        // Given a dispatcher that stopped during a send that left no trace: its intent is the group's offset, no status anywhere
        dispatcher.close();
        String id = newId();
        long offset = publishAt(0, TestNotifications.reminder(id).build());
        Instant intentAt = Instant.now();
        leaveIntent(0, offset, id, intentAt);
        long againBefore = metrics.count("sendInDoubt:" + Outcome.SENT_AGAIN);

        // When a new dispatcher takes the partition over
        dispatcher = startDispatcher();
        NotificationStatus status = statuses.await(id);

        // Then it is sent exactly once, not before the in-doubt wait after the stopped attempt, and counted as sent again
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.SENT);
        List<RecordedRequest> requests = api.requestsFor(id);
        assertThat(requests).hasSize(1);
        assertThat(status.getProviderMessageId()).isEqualTo(requests.get(0).providerMessageId());
        assertThat(status.getOccurredAt()).isAfterOrEqualTo(intentAt.plus(IN_DOUBT_WAIT));
        Await.until("the resend to be counted", DEADLINE, () -> metrics.count("sendInDoubt:" + Outcome.SENT_AGAIN) == againBefore + 1);
    }

    @Test
    void shouldNotSendATimedOutMessageAgainWhenTheCloudApiReportsItDelivered() {
        // Given a Cloud API that accepts the message but answers after the dispatcher's timeout, and then reports it
        // delivered through its status webhook (written to notification-statuses, as ingest does)
        String id = newId();
        api.failNextFor(id, 1, Reply.slow(Duration.ofSeconds(4)));
        long unrecordedBefore = metrics.count("unrecordedSend");

        // When it is published and the webhook's report follows the request
        publish(TestNotifications.reminder(id).build());
        RecordedRequest accepted = api.awaitRequestFor(id, DEADLINE);
        publishStatus(id, DeliveryStatus.DELIVERED, accepted.providerMessageId());

        // Then the dispatcher read the report instead of sending again: one request, SENT with the accepted message's id
        Await.until("the dispatcher's own status", DEADLINE, () -> statuses.all(id).size() == 2);
        assertThat(api.requestsFor(id)).hasSize(1);
        NotificationStatus settled = statuses.all(id).get(1);
        assertThat(settled.getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(settled.getProviderMessageId()).isEqualTo(accepted.providerMessageId());
        // (no attempt was answered, so no unrecorded window was measured)
        assertThat(metrics.count("unrecordedSend")).isEqualTo(unrecordedBefore);
    }

    @Test
    void shouldMeasureHowLongEachAcceptedSendStayedUnrecorded() {
        // Given a reminder the API accepts at once
        String id = newId();
        long measuredBefore = metrics.count("unrecordedSend");

        // When it is sent
        publish(TestNotifications.reminder(id).build());
        assertThat(statuses.await(id).getStatus()).isEqualTo(DeliveryStatus.SENT);

        // Then the window from the attempt's start to the acknowledged SENT status was measured, and is short
        Await.until("the window to be measured", DEADLINE, () -> metrics.count("unrecordedSend") == measuredBefore + 1);
        assertThat(metrics.lastWindow()).isPositive().isLessThan(Duration.ofSeconds(5));
    }

    /** Publishes and returns the record's offset. */
    private long publishAt(int partition, OutboundNotification notification) throws Exception {
        return producer.send(new ProducerRecord<>(Topics.OUTBOUND_NOTIFICATIONS.name(), partition, notification.getNotificationId(),
            notification)).get().offset();
    }

    /** A status on notification-statuses, as a dispatcher or the Cloud API's webhook (through ingest) writes it. */
    private void publishStatus(String notificationId, DeliveryStatus status, String providerMessageId) {
        NotificationStatus report = NotificationStatus.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
            .setNotificationId(notificationId).setStatus(status).setProviderMessageId(providerMessageId).setAt(Instant.now()).build();
        try (KafkaProducer<String, NotificationStatus> statusProducer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
                serdes.keySerde(Topics.NOTIFICATION_STATUSES).serializer(), serdes.valueSerde(Topics.NOTIFICATION_STATUSES).serializer())) {
            statusProducer.send(new ProducerRecord<>(Topics.NOTIFICATION_STATUSES.name(), notificationId, report)).get();
        } catch (Exception e) {
            throw new AssertionError("Could not publish a status of " + notificationId, e);
        }
    }

    /** Commits the group's offset of {@code partition} at {@code offset} with a send intent, as a dispatcher does before sending. */
    private void leaveIntent(int partition, long offset, String notificationId, Instant at) throws Exception {
        try (Admin admin = platform.admin()) {
            admin.alterConsumerGroupOffsets(groupId, Map.of(new TopicPartition(Topics.OUTBOUND_NOTIFICATIONS.name(), partition),
                new OffsetAndMetadata(offset, new SendIntent(notificationId, at).metadata()))).all().get();
        }
    }

    private NotificationDispatcher startDispatcher() {
        DispatcherSettings settings = new DispatcherSettings(api.baseUri(), "v21.0", TestNotifications.PHONE_NUMBER_ID,
            TestNotifications.TOKEN, 80, MAX_ATTEMPTS, Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofSeconds(2))
            .withInDoubtWait(IN_DOUBT_WAIT);
        return NotificationDispatcher.start(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()), groupId,
            serdes, settings, TestNotifications.smtp(mail.getSmtp().getPort()), Clock.systemUTC(), metrics);
    }

    /** Counts what the dispatcher reports, by method and label. */
    private static final class CountingMetrics implements BusinessMetrics {

        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        long count(String key) {
            LongAdder adder = counts.get(key);
            return adder == null ? 0 : adder.sum();
        }

        @Override
        public void reminder(String outcome) {
            counts.computeIfAbsent("reminder:" + outcome, k -> new LongAdder()).increment();
        }

        @Override
        public void deadLetter(String topic) {
            counts.computeIfAbsent("deadLetter:" + topic, k -> new LongAdder()).increment();
        }

        @Override
        public void sendInDoubt(String resolution) {
            counts.computeIfAbsent("sendInDoubt:" + resolution, k -> new LongAdder()).increment();
        }

        private volatile Duration lastWindow;

        @Override
        public void unrecordedSend(Duration window) {
            lastWindow = window;
            counts.computeIfAbsent("unrecordedSend", k -> new LongAdder()).increment();
        }

        Duration lastWindow() {
            return lastWindow;
        }
    }

    /** The messages GreenMail received for one notification, found by the dispatcher's notification-id header. */
    private List<MimeMessage> emailsFor(String notificationId) {
        return Arrays.stream(mail.getReceivedMessages()).filter(message -> {
            try {
                String[] header = message.getHeader(EmailSender.NOTIFICATION_ID_HEADER);
                return header != null && Arrays.asList(header).contains(notificationId);
            } catch (MessagingException e) {
                return false;
            }
        }).toList();
    }

    private static String newId() {
        return "n-" + UUID.randomUUID();
    }

    private void publish(OutboundNotification notification) {
        send(new ProducerRecord<>(Topics.OUTBOUND_NOTIFICATIONS.name(), notification.getNotificationId(), notification));
    }

    private void publish(int partition, OutboundNotification notification) {
        send(new ProducerRecord<>(Topics.OUTBOUND_NOTIFICATIONS.name(), partition, notification.getNotificationId(), notification));
    }

    private void send(ProducerRecord<String, OutboundNotification> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new AssertionError("Could not publish " + record.key(), e);
        }
    }

    /** Reads a whole topic from the beginning, keeping every record read, by key. */
    private final class TopicReader<V> implements AutoCloseable {

        private final KafkaConsumer<String, V> consumer;
        private final Map<String, List<ConsumerRecord<String, V>>> byKey = new HashMap<>();

        private TopicReader(Topic<String, V> topic) {
            Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(config, serdes.keySerde(topic).deserializer(), serdes.valueSerde(topic).deserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        V await(String key) {
            return awaitRecord(key).value();
        }

        ConsumerRecord<String, V> awaitRecord(String key) {
            return Await.value("a record with key " + key, DEADLINE, () -> {
                drain();
                List<ConsumerRecord<String, V>> found = byKey.get(key);
                return found == null ? null : found.get(0);
            });
        }

        /** Every value read so far for {@code key}, after reading what has arrived. */
        List<V> all(String key) {
            drain();
            return byKey.getOrDefault(key, List.of()).stream().map(ConsumerRecord::value).toList();
        }

        private void drain() {
            for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(100))) {
                byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
