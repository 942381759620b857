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
import org.careflow.events.notifications.DeliveryError;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.RecipientKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The decisions about one notification, with real HTTP to the stand-in and fake time for the waits. */
class NotificationHandlerTest {

    private static final int MAX_ATTEMPTS = 3;
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private static CloudApiStandIn api;
    private static HttpClient http;

    private FakeTime time;
    private NotificationHandler handler;

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
        handler = handler(time, Duration.ofSeconds(2), Duration.ZERO);
    }

    /** A handler of WhatsApp (to the stand-in) and webhooks on fake time, with the given request timeout and in-doubt wait. */
    private static NotificationHandler handler(FakeTime time, Duration requestTimeout, Duration inDoubtWait) {
        DispatcherSettings settings = TestNotifications.settings(api.baseUri(), MAX_ATTEMPTS, requestTimeout);
        WhatsAppSender whatsApp = new WhatsAppSender(settings, http, new SendRateLimiter(1_000, time.ticker(), time.sleeper()),
            time.clock());
        return new NotificationHandler(Map.of(Channel.WHATSAPP, whatsApp, Channel.WEBHOOK, new WebhookSender(http,
            requestTimeout, TestNotifications.STAND_IN_ONLY)), MAX_ATTEMPTS, new Backoff(INITIAL_BACKOFF, MAX_BACKOFF, () -> 1.0),
            time.sleeper(), time.clock(), new RecentKeys(100), inDoubtWait);
    }

    @AfterEach
    void forget() {
        api.reset();
    }

    @Test
    void shouldReportSentWithProviderIdWhenApiAcceptsFirstTime() throws Exception {
        // Given a reminder
        // When it is handled
        Outcome outcome = handler.handle(reminder("n-1").build());

        // Then it was sent once and the status carries the API's message id, stamped with the clock's now
        assertThat(api.requestsFor("n-1")).hasSize(1);
        NotificationStatus status = outcome.status();
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(status.getNotificationId()).isEqualTo("n-1");
        assertThat(status.getProviderMessageId()).isEqualTo(api.requestsFor("n-1").get(0).providerMessageId());
        assertThat(status.getError()).isNull();
        assertThat(status.getOccurredAt()).isEqualTo(NOW);
        assertThat(status.getAt()).isEqualTo(NOW);
        assertThat(status.getEventId()).isNotBlank();
        assertThat(outcome.deadLetter()).isNull();
    }

    @Test
    void shouldNotSendAndFailAsExpiredWithoutDeadLetterWhenExpiryHasPassed() throws Exception {
        // Given a reminder that expired a minute ago
        // When it is handled
        Outcome outcome = handler.handle(reminder("n-2").setExpiresAt(NOW.minusSeconds(60)).build());

        // Then nothing was sent, the status says EXPIRED, not retryable, and staff are not bothered
        assertThat(api.requests()).isEmpty();
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(outcome.status().getError().getCode()).isEqualTo("EXPIRED");
        assertThat(outcome.status().getError().getRetryable()).isFalse();
        assertThat(outcome.deadLetter()).isNull();
    }

    @Test
    void shouldSendWhenExpiryIsStillAhead() throws Exception {
        // Given a reminder that expires in a minute
        // When it is handled
        Outcome outcome = handler.handle(reminder("n-3").setExpiresAt(NOW.plusSeconds(60)).build());

        // Then it was sent
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(api.requestsFor("n-3")).hasSize(1);
    }

    @Test
    void shouldFailAndDeadLetterWithOnCallReasonWhenOnCallAlertHasNoAddress() throws Exception {
        // Given an on-call alert for a facility with nobody on the rota
        // When it is handled
        Outcome outcome = handler.handle(onCallWebhook("n-4", null).setRecipientKind(RecipientKind.ON_CALL).build());

        // Then nothing was sent; the status and the dead letter say there is no address, and why
        assertThat(api.requests()).isEmpty();
        DeliveryError error = outcome.status().getError();
        assertThat(error.getCode()).isEqualTo("NO_ADDRESS");
        assertThat(error.getRetryable()).isFalse();
        assertThat(outcome.deadLetter().errorCode()).isEqualTo("NO_ADDRESS");
        assertThat(outcome.deadLetter().reason()).contains("no on-call contact is configured for the facility");
        assertThat(outcome.deadLetter().attempts()).isZero();
        assertThat(outcome.deadLetter().failedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldFailAndDeadLetterWhenPatientAddressIsBlank() throws Exception {
        // Given a patient reminder with a blank address
        // When it is handled
        Outcome outcome = handler.handle(reminder("n-5").setRecipientAddress("  ").build());

        // Then nothing was sent; the dead letter says why, without any phone number
        assertThat(api.requests()).isEmpty();
        assertThat(outcome.status().getError().getCode()).isEqualTo("NO_ADDRESS");
        assertThat(outcome.deadLetter().reason()).contains("no contact for channel WHATSAPP").doesNotContain("+44");
    }

    @Test
    void shouldFailAndDeadLetterAsUnsupportedWhenChannelIsSms() throws Exception {
        // Given an SMS, which this dispatcher does not send yet
        // When it is handled
        Outcome outcome = handler.handle(reminder("n-6").setChannel(Channel.SMS).build());

        // Then it is failed and dead-lettered for staff
        assertThat(api.requests()).isEmpty();
        assertThat(outcome.status().getError().getCode()).isEqualTo("CHANNEL_UNSUPPORTED");
        assertThat(outcome.deadLetter().errorCode()).isEqualTo("CHANNEL_UNSUPPORTED");
    }

    @Test
    void shouldRetryWithBackoffHonouringRetryAfterWhenApiThrottlesThenFails() throws Exception {
        // Given the API throttles (Retry-After: 1 s), then fails with 500, then accepts
        api.failNextFor("n-7", 1, Reply.throttled(1)).failNextFor("n-7", 1, Reply.serverError());

        // When the reminder is handled
        Outcome outcome = handler.handle(reminder("n-7").build());

        // Then it took three attempts, waiting the API's second and then the doubled backoff
        assertThat(api.requestsFor("n-7")).extracting(CloudApiStandIn.RecordedRequest::answeredStatus).containsExactly(429, 500, 200);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofMillis(200));
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(outcome.status().getProviderMessageId()).isEqualTo(api.requestsFor("n-7").get(2).providerMessageId());
        assertThat(outcome.attempts()).isEqualTo(3);
    }

    @Test
    void shouldRetryWhenGraphSpamRateLimitComesWithHttp400() throws Exception {
        // Given the API's 131048 error with HTTP 400, once
        api.failNextFor("n-8", 1, Reply.graphError(400, 131048, "(#131048) Spam rate limit hit"));

        // When the reminder is handled
        Outcome outcome = handler.handle(reminder("n-8").build());

        // Then it was retried and sent
        assertThat(api.requestsFor("n-8")).hasSize(2);
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void shouldFailWithoutRetryOrDeadLetterWhenMessageIsUndeliverable() throws Exception {
        // Given the API says the message cannot be delivered
        api.failNextFor("n-9", 1, Reply.undeliverable());

        // When an ordinary reminder is handled
        Outcome outcome = handler.handle(reminder("n-9").build());

        // Then it was tried once; the status carries the API's code and message, not retryable; no dead letter
        assertThat(api.requestsFor("n-9")).hasSize(1);
        assertThat(time.sleeps()).isEmpty();
        DeliveryError error = outcome.status().getError();
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(error.getCode()).isEqualTo("131026");
        assertThat(error.getMessage()).isEqualTo("(#131026) Message Undeliverable.");
        assertThat(error.getRetryable()).isFalse();
        assertThat(outcome.deadLetter()).isNull();
    }

    @Test
    void shouldFailWithoutRetryWhenTokenHasExpired() throws Exception {
        // Given the API says the access token expired
        api.failNextFor("n-10", 1, Reply.graphError(401, 190, "Error validating access token"));

        // When a reminder is handled
        Outcome outcome = handler.handle(reminder("n-10").build());

        // Then it was tried once: a new token is needed, not another attempt
        assertThat(api.requestsFor("n-10")).hasSize(1);
        assertThat(outcome.status().getError().getCode()).isEqualTo("190");
        assertThat(outcome.status().getError().getRetryable()).isFalse();
    }

    @Test
    void shouldDeadLetterPermanentFailureWhenMessageIsLegallyRequired() throws Exception {
        // Given a legally required message the API cannot deliver
        api.failNextFor("n-11", 1, Reply.undeliverable());

        // When it is handled
        Outcome outcome = handler.handle(reminder("n-11").setLegallyRequired(true).build());

        // Then it goes to staff through the dead-letter topic
        assertThat(api.requestsFor("n-11")).hasSize(1);
        assertThat(outcome.deadLetter().errorCode()).isEqualTo("131026");
        assertThat(outcome.deadLetter().attempts()).isEqualTo(1);
        assertThat(outcome.deadLetter().reason()).contains("Message Undeliverable");
    }

    @Test
    void shouldFailRetryableAndDeadLetterWhenAttemptsAreExhausted() throws Exception {
        // Given an API that always answers 500
        api.failNextFor("n-12", Integer.MAX_VALUE, Reply.serverError());

        // When a reminder is handled
        Outcome outcome = handler.handle(reminder("n-12").build());

        // Then it was tried maxAttempts times with doubling waits, then failed as retryable and dead-lettered
        assertThat(api.requestsFor("n-12")).hasSize(MAX_ATTEMPTS);
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        DeliveryError error = outcome.status().getError();
        assertThat(error.getCode()).isEqualTo("HTTP_500");
        assertThat(error.getRetryable()).isTrue();
        assertThat(error.getMessage()).contains("Attempts exhausted after 3 tries");
        assertThat(outcome.deadLetter().attempts()).isEqualTo(MAX_ATTEMPTS);
        assertThat(outcome.deadLetter().errorCode()).isEqualTo("HTTP_500");
        assertThat(outcome.deadLetter().failedAt()).isEqualTo(NOW.plusMillis(300));
    }

    @Test
    void shouldStopRetryingAsExpiredWhenExpiryPassesDuringBackoff() throws Exception {
        // Given a reminder that expires 150 ms from now, and an API failing with 500
        api.failNextFor("n-13", Integer.MAX_VALUE, Reply.serverError());

        // When it is handled (backoffs of 100 then 200 ms)
        Outcome outcome = handler.handle(reminder("n-13").setExpiresAt(NOW.plusMillis(150)).build());

        // Then it stopped once expired, without a dead letter
        assertThat(api.requestsFor("n-13")).hasSize(2);
        assertThat(outcome.status().getError().getCode()).isEqualTo("EXPIRED");
        assertThat(outcome.deadLetter()).isNull();
    }

    @Test
    void shouldSendOnceWhenTwoNotificationsShareIdempotencyKey() throws Exception {
        // Given two notifications with one idempotency key
        Outcome first = handler.handle(reminder("n-14").setIdempotencyKey("reminder-r-1").build());

        // When the second is handled
        Outcome second = handler.handle(reminder("n-15").setIdempotencyKey("reminder-r-1").build());

        // Then only the first was sent; the second is skipped without a status
        assertThat(first.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(second.skipped()).isTrue();
        assertThat(api.requests()).hasSize(1);
        assertThat(api.requestsFor("n-15")).isEmpty();
    }

    @Test
    void shouldSendAgainWhenEarlierAttemptWithSameKeyFailed() throws Exception {
        // Given a notification that failed permanently (say a template problem, since fixed)
        api.failNextFor("n-16", 1, Reply.graphError(400, 132001, "(#132001) Template name does not exist in the translation"));
        handler.handle(reminder("n-16").build());

        // When it is replayed from the dead-letter topic with the same key
        Outcome replay = handler.handle(reminder("n-16").build());

        // Then it is sent: only sent keys block repeats
        assertThat(replay.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(api.requestsFor("n-16")).hasSize(2);
    }

    @Test
    void shouldSendWebhookAndReportSentWithoutProviderIdWhenReceiverAccepts() throws Exception {
        // Given an on-call alert for a paging webhook
        // When it is handled
        Outcome outcome = handler.handle(onCallWebhook("n-17", api.webhookUrl("/paging")).build());

        // Then the webhook got it and the status is SENT without a provider id
        assertThat(api.requestsTo("/paging")).hasSize(1);
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(outcome.status().getProviderMessageId()).isNull();
    }

    @Test
    void shouldStopWithoutOutcomeWhenSleeperIsInterruptedByClose() throws Exception {
        // Given a handler whose waits are cut short, as when the dispatcher closes
        api.failNextFor("n-18", Integer.MAX_VALUE, Reply.serverError());
        NotificationHandler closing = new NotificationHandler(Map.of(Channel.WEBHOOK, new WebhookSender(http, Duration.ofSeconds(2), TestNotifications.STAND_IN_ONLY)),
            MAX_ATTEMPTS, new Backoff(INITIAL_BACKOFF, MAX_BACKOFF, () -> 1.0), duration -> {
                throw new InterruptedException("closing");
            }, time.clock(), new RecentKeys(10));

        // When / Then: handling gives up after the first attempt, with no outcome to publish
        assertThatThrownBy(() -> closing.handle(onCallWebhook("n-18", api.webhookUrl("/h")).build()))
            .isInstanceOf(InterruptedException.class);
        assertThat(api.requestsFor("n-18")).hasSize(1);
    }

    /**
     * At most one message per notification: the handler records an intent before every attempt and, when an attempt's
     * fate is unknown, reads what is known before sending again; a ledger plays the status reports.
     */
    @Nested
    class InDoubt {

        private static final Duration IN_DOUBT_WAIT = Duration.ofSeconds(60);
        private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(300);

        private ScriptedLedger ledger;

        @BeforeEach
        void inDoubtHandler() {
            handler = handler(time, REQUEST_TIMEOUT, IN_DOUBT_WAIT);
            ledger = new ScriptedLedger();
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
}
