package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.dispatch.TestNotifications.NOW;
import static org.careflow.dispatch.TestNotifications.reminder;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.careflow.dispatch.CloudApiStandIn.RecordedRequest;
import org.careflow.dispatch.CloudApiStandIn.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One attempt through the Cloud API, against the stand-in: the request on the wire and how answers are read. */
class WhatsAppSenderTest {

    private static CloudApiStandIn api;
    private static HttpClient http;

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

    @AfterEach
    void forget() {
        api.reset();
    }

    @Test
    void shouldPostTemplateWithBearerTokenAndReturnMessageIdWhenApiAccepts() throws Exception {
        // Given a reminder outside the customer-service window
        WhatsAppSender sender = sender(api.baseUrl() + "/", Duration.ofSeconds(2));

        // When it is sent
        SendResult result = sender.send(reminder("n-1").build());

        // Then one request went to the number's messages endpoint, authorised, with the template body
        RecordedRequest request = api.requestsTo("/messages").get(0);
        assertThat(api.requests()).hasSize(1);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v21.0/" + TestNotifications.PHONE_NUMBER_ID + "/messages");
        assertThat(request.header("Authorization")).hasValue("Bearer " + TestNotifications.TOKEN);
        assertThat(request.header("Content-Type")).hasValue("application/json");
        assertThat(request.body().get("type").asText()).isEqualTo("template");
        assertThat(request.body().get("to").asText()).isEqualTo("447700900123");
        assertThat(request.body().at("/template/components/1/parameters/0/payload").asText()).isEqualTo("CONFIRM:bk-42");
        assertThat(request.notificationId()).isEqualTo("n-1");

        // ... and the API's message id is the provider id
        assertThat(result).isEqualTo(new SendResult.Sent(request.providerMessageId()));
        assertThat(request.providerMessageId()).startsWith("wamid.");
    }

    @Test
    void shouldPostFreeFormTextWhenSessionWindowIsOpen() throws Exception {
        // Given a confirmation inside the customer-service window
        WhatsAppSender sender = sender(api.baseUrl(), Duration.ofSeconds(2));

        // When it is sent
        sender.send(reminder("n-2").setTemplateId("appointment_confirmation").setSessionWindowEndsAt(NOW.plusSeconds(60)).build());

        // Then the API got a text message
        RecordedRequest request = api.awaitRequestFor("n-2", Duration.ofSeconds(5));
        assertThat(request.body().get("type").asText()).isEqualTo("text");
        assertThat(request.body().at("/text/body").asText()).startsWith("Your follow-up appointment at Riverside Clinic");
    }

    @Test
    void shouldReportRetryableWithRetryAfterWhenApiThrottles() throws Exception {
        // Given the API answers 429 with Retry-After: 3
        api.failNext(1, Reply.throttled(3));

        // When a reminder is sent
        SendResult result = sender(api.baseUrl(), Duration.ofSeconds(2)).send(reminder("n-3").build());

        // Then it is worth retrying, after the API's wait
        assertThat(result).isInstanceOf(SendResult.Failed.class);
        SendResult.Failed failed = (SendResult.Failed) result;
        assertThat(failed.retryable()).isTrue();
        assertThat(failed.code()).isEqualTo("130429");
        assertThat(failed.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldReportRetryableWhenApiAnswers500() throws Exception {
        // Given the API fails with 500 and a body that is not a Graph error
        api.failNext(1, Reply.serverError());

        // When a reminder is sent
        SendResult result = sender(api.baseUrl(), Duration.ofSeconds(2)).send(reminder("n-4").build());

        // Then it is worth retrying, under our own code
        assertThat(result).isEqualTo(new SendResult.Failed("HTTP_500", WhatsAppSender.SERVICE + " answered HTTP 500", true, null));
    }

    @Test
    void shouldReportRetryableWhenGraphCodeIsSpamRateLimitDespiteHttp400() throws Exception {
        // Given the API's "spam rate limit hit" error, which comes with HTTP 400
        api.failNext(1, Reply.graphError(400, 131048, "(#131048) Spam rate limit hit"));

        // When a reminder is sent
        SendResult.Failed failed = (SendResult.Failed) sender(api.baseUrl(), Duration.ofSeconds(2)).send(reminder("n-5").build());

        // Then it is retryable all the same
        assertThat(failed.retryable()).isTrue();
        assertThat(failed.code()).isEqualTo("131048");
        assertThat(failed.message()).isEqualTo("(#131048) Spam rate limit hit");
    }

    @Test
    void shouldReportPermanentWhenMessageIsUndeliverable() throws Exception {
        // Given the API says the message cannot be delivered
        api.failNext(1, Reply.undeliverable());

        // When a reminder is sent
        SendResult.Failed failed = (SendResult.Failed) sender(api.baseUrl(), Duration.ofSeconds(2)).send(reminder("n-6").build());

        // Then it is permanent, with the API's code and message
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.code()).isEqualTo("131026");
        assertThat(failed.message()).isEqualTo("(#131026) Message Undeliverable.");
    }

    @Test
    void shouldReportPermanentWhenTokenHasExpired() throws Exception {
        // Given the API says the access token expired
        api.failNext(1, Reply.graphError(401, 190, "Error validating access token: Session has expired"));

        // When a reminder is sent
        SendResult.Failed failed = (SendResult.Failed) sender(api.baseUrl(), Duration.ofSeconds(2)).send(reminder("n-7").build());

        // Then sending again would not help
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.code()).isEqualTo("190");
    }

    @Test
    void shouldReportRetryableTimeoutWhenApiIsSlowerThanRequestTimeout() throws Exception {
        // Given an API that takes a second to answer and a 200 ms request timeout; a stand-in of its own, so that the
        // timed-out request, which a loaded machine may deliver late, never lands among another test's requests
        try (CloudApiStandIn slow = CloudApiStandIn.start()) {
            slow.failNext(1, Reply.slow(Duration.ofSeconds(1)));

            // When a reminder is sent
            SendResult.Failed failed = (SendResult.Failed) sender(slow.baseUrl(), Duration.ofMillis(200)).send(reminder("n-8").build());

            // Then the timeout is retryable
            assertThat(failed.code()).isEqualTo("TIMEOUT");
            assertThat(failed.retryable()).isTrue();
        }
    }

    private static WhatsAppSender sender(String baseUrl, Duration timeout) {
        return new WhatsAppSender(TestNotifications.settings(URI.create(baseUrl), 3, timeout), http, new SendRateLimiter(1_000, System::nanoTime, Sleeper.REAL),
            Clock.fixed(NOW, ZoneOffset.UTC));
    }
}
