package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careflow.dispatch.TestNotifications.NOW;
import static org.careflow.dispatch.TestNotifications.onCallWebhook;
import static org.careflow.dispatch.TestNotifications.reminder;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.careflow.dispatch.CloudApiStandIn.Reply;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * At most one message per notification: the handler records an intent before every attempt and, when an attempt's
 * fate is unknown, reads what is known before sending again. Real HTTP to the stand-in, fake time for the waits, and a
 * ledger that plays the status reports.
 */
class SendInDoubtTest {

    private static final int MAX_ATTEMPTS = 3;
    private static final Duration IN_DOUBT_WAIT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(300);

    private static CloudApiStandIn api;
    private static HttpClient http;

    private FakeTime time;
    private NotificationHandler handler;
    private ScriptedLedger ledger;

    @BeforeAll
    static void startStandIn() {
        api = CloudApiStandIn.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stopStandIn() {
        http.close();
        api.close();
    }

    @BeforeEach
    void newHandler() {
        time = new FakeTime(NOW);
        DispatcherSettings settings = TestNotifications.settings(api.baseUri(), MAX_ATTEMPTS, REQUEST_TIMEOUT);
        WhatsAppSender whatsApp = new WhatsAppSender(settings, http, new SendRateLimiter(1_000, time.ticker(), time.sleeper()),
            time.clock());
        handler = new NotificationHandler(Map.of(Channel.WHATSAPP, whatsApp, Channel.WEBHOOK, new WebhookSender(http,
            REQUEST_TIMEOUT, TestNotifications.STAND_IN_ONLY)), MAX_ATTEMPTS, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2),
            () -> 1.0), time.sleeper(), time.clock(), new RecentKeys(100), IN_DOUBT_WAIT);
        ledger = new ScriptedLedger();
    }

    @AfterEach
    void forget() {
        api.reset();
    }

    @Test
    void shouldRecordAnIntentBeforeEveryAttempt() throws Exception {
        // Given an API that throttles the first attempt (an answer: not in doubt)
        api.failNextFor("n-1", 1, Reply.throttled(0));

        // When the reminder is handled
        Outcome outcome = handler.handle(reminder("n-1").build(), null, ledger);

        // Then each of the two attempts was preceded by its recorded intent, and nothing was in doubt
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(ledger.requestsSeenAtEachIntent).containsExactly(0, 1);
        assertThat(ledger.reportReads).isZero();
        assertThat(outcome.inDoubt()).isNull();
        assertThat(outcome.sentAttemptAt()).isEqualTo(ledger.intents.get(1));
    }

    @Test
    void shouldNotSendWhenAnotherDispatcherOwnsTheNotificationNow() {
        // Given a ledger that refuses the intent: the partition went to another dispatcher
        ledger.notOwner = true;

        // When the reminder is handled, the refusal stops it before any request
        assertThatThrownBy(() -> handler.handle(reminder("n-2").build(), null, ledger)).isInstanceOf(SendLedger.NotOwnerException.class);
        assertThat(api.requestsFor("n-2")).isEmpty();
    }

    @Test
    void shouldSettleAsSentWithoutSendingAgainWhenAReportSaysTheTimedOutAttemptWentOut() throws Exception {
        // Given an API that accepts the message but answers after the timeout, and a status webhook that then reports it delivered
        api.failNextFor("n-3", 1, Reply.slow(REQUEST_TIMEOUT.multipliedBy(3)));
        ledger.reports = () -> api.requestsFor("n-3").isEmpty() ? Optional.empty() : Optional.of(report("n-3", DeliveryStatus.DELIVERED));

        // When it is handled
        Outcome outcome = handler.handle(reminder("n-3").build(), null, ledger);

        // Then the one request stands: SENT with the provider's id from the report, resolved as reported
        assertThat(api.requestsFor("n-3")).hasSize(1);
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(outcome.status().getProviderMessageId()).isEqualTo("wamid.reported-n-3");
        assertThat(outcome.inDoubt()).isEqualTo(Outcome.REPORTED_SENT);
    }

    @Test
    void shouldWaitTheInDoubtWaitForAReportBeforeSendingATimedOutMessageAgain() throws Exception {
        // Given an API that answers the first attempt too late, and no report ever
        api.failNextFor("n-4", 1, Reply.slow(REQUEST_TIMEOUT.multipliedBy(3)));

        // When it is handled
        Outcome outcome = handler.handle(reminder("n-4").build(), null, ledger);

        // Then the second attempt waited the in-doubt wait after the first, reading the reports meanwhile, and is counted as sent again
        assertThat(api.requestsFor("n-4")).hasSize(2);
        assertThat(ledger.intents).hasSize(2);
        assertThat(Duration.between(ledger.intents.get(0), ledger.intents.get(1))).isGreaterThanOrEqualTo(IN_DOUBT_WAIT);
        assertThat(ledger.reportReads).isGreaterThan(1);
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(outcome.inDoubt()).isEqualTo(Outcome.SENT_AGAIN);
    }

    @Test
    void shouldNotTreatA429AsInDoubt() throws Exception {
        // Given a 429 (an answer that the message was not taken)
        api.failNextFor("n-5", 1, Reply.throttled(0));

        // When it is handled
        handler.handle(reminder("n-5").build(), null, ledger);

        // Then it was sent again after the backoff alone, without reading any report
        assertThat(api.requestsFor("n-5")).hasSize(2);
        assertThat(ledger.reportReads).isZero();
        assertThat(time.elapsed()).isLessThan(IN_DOUBT_WAIT);
    }

    @Test
    void shouldNotSendAgainWhatAPreviousOwnerLeftInDoubtWhenAReportSaysItWentOut() throws Exception {
        // Given a notification a stopped dispatcher was sending a minute ago, and its SENT status on record
        ledger.reports = () -> Optional.of(report("n-6", DeliveryStatus.SENT));

        // When the new owner handles it
        Outcome outcome = handler.handle(reminder("n-6").build(), NOW.minusSeconds(60), ledger);

        // Then nothing is sent; it is settled as sent, from the report
        assertThat(api.requestsFor("n-6")).isEmpty();
        assertThat(ledger.intents).isEmpty();
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(outcome.inDoubt()).isEqualTo(Outcome.REPORTED_SENT);
        assertThat(outcome.sentAttemptAt()).isNull();
    }

    @Test
    void shouldSendAgainWhatAPreviousOwnerLeftInDoubtOnlyAfterTheInDoubtWait() throws Exception {
        // Given a notification a stopped dispatcher started sending just now, and no report
        Instant since = NOW.minusSeconds(5);

        // When the new owner handles it
        Outcome outcome = handler.handle(reminder("n-7").build(), since, ledger);

        // Then it is sent once, not before the in-doubt wait after the stopped attempt, and counted as sent again
        assertThat(api.requestsFor("n-7")).hasSize(1);
        assertThat(ledger.intents.get(0)).isAfterOrEqualTo(since.plus(IN_DOUBT_WAIT));
        assertThat(outcome.inDoubt()).isEqualTo(Outcome.SENT_AGAIN);
    }

    @Test
    void shouldKeepWaitingWhileTheReportsCannotBeRead() throws Exception {
        // Given reports that cannot be read for the first five tries (the registry is down), then can, and say nothing
        int[] reads = {0};
        ledger.reports = () -> {
            if (++reads[0] <= 5) {
                throw new StatusReports.Unreadable("registry down", null);
            }
            return Optional.empty();
        };

        // When a notification left in doubt long ago (its wait is over) is handled
        handler.handle(reminder("n-8").build(), NOW.minus(IN_DOUBT_WAIT.multipliedBy(2)), ledger);

        // Then it was not sent before the reports could be read
        assertThat(reads[0]).isEqualTo(6);
        assertThat(api.requestsFor("n-8")).hasSize(1);
        assertThat(ledger.intents.get(0)).isAfterOrEqualTo(NOW.plus(NotificationHandler.REPORT_CHECK_INTERVAL.multipliedBy(5)));
    }

    @Test
    void shouldNotWaitTheInDoubtWaitForAWebhookWhichCarriesItsOwnIdempotencyKey() throws Exception {
        // Given an on-call webhook a stopped dispatcher was sending, and no report
        // When the new owner handles it
        handler.handle(onCallWebhook("n-9", api.webhookUrl("/oncall")).build(), NOW.minusSeconds(1), ledger);

        // Then it is sent again at once (the receiver drops a repeat by its Idempotency-Key), after reading the reports once
        assertThat(api.requestsFor("n-9")).hasSize(1);
        assertThat(ledger.reportReads).isEqualTo(1);
        assertThat(time.elapsed()).isZero();
    }

    private static NotificationStatus report(String notificationId, DeliveryStatus status) {
        return NotificationStatus.newBuilder().setEventId("e-" + notificationId).setOccurredAt(NOW).setNotificationId(notificationId)
            .setStatus(status).setProviderMessageId("wamid.reported-" + notificationId).setAt(NOW).build();
    }

    /** A ledger that records intents with how many requests the stand-in had then, and answers reports from a script. */
    private final class ScriptedLedger implements SendLedger {

        final List<Instant> intents = new ArrayList<>();
        final List<Integer> requestsSeenAtEachIntent = new ArrayList<>();
        Supplier<Optional<NotificationStatus>> reports = Optional::empty;
        boolean notOwner;
        int reportReads;

        @Override
        public void intend(OutboundNotification notification, Instant at) {
            if (notOwner) {
                throw new NotOwnerException("the partition moved", null);
            }
            intents.add(at);
            requestsSeenAtEachIntent.add(api.requestsFor(notification.getNotificationId()).size());
        }

        @Override
        public Optional<NotificationStatus> reportedSent(String notificationId, Instant since) {
            reportReads++;
            return reports.get();
        }
    }
}
