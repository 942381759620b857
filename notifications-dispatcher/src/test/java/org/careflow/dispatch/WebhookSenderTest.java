package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.dispatch.TestNotifications.onCallWebhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.careflow.dispatch.CloudApiStandIn.RecordedRequest;
import org.careflow.dispatch.CloudApiStandIn.Reply;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.topics.OnCallWebhookRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {

    private static CloudApiStandIn receiver;
    private static HttpClient http;
    private static WebhookSender sender;

    @BeforeAll
    static void startReceiver() {
        receiver = CloudApiStandIn.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        sender = new WebhookSender(http, Duration.ofSeconds(2), TestNotifications.STAND_IN_ONLY);
    }

    @AfterAll
    static void stopReceiver() {
        http.close();
        receiver.close();
    }

    @AfterEach
    void forget() {
        receiver.reset();
    }

    @Test
    void shouldPostNotificationAsJsonWithIdempotencyKeyWhenChannelIsWebhook() throws Exception {
        // Given an on-call alert for a paging gateway
        OutboundNotification alert = onCallWebhook("n-1", receiver.webhookUrl("/paging/on-call")).build();

        // When it is sent
        SendResult result = sender.send(alert);

        // Then the gateway got the notification with its idempotency key, and it counts as sent without a provider id
        assertThat(result).isEqualTo(new SendResult.Sent(null));
        RecordedRequest request = receiver.requestsTo("/paging/on-call").get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Idempotency-Key")).hasValue("alert-n-1");
        assertThat(request.body().get("notificationId").asText()).isEqualTo("n-1");
        assertThat(request.body().get("templateId").asText()).isEqualTo("deterioration_alert");
        assertThat(request.body().get("facilityId").asText()).isEqualTo("f-1");
        assertThat(request.body().get("patientId").asText()).isEqualTo("p-7");
        assertThat(request.body().get("relatedAssessmentId").asText()).isEqualTo("a-1");
        assertThat(request.body().get("relatedBookingId").isNull()).isTrue();
        assertThat(request.body().at("/parameters/band").asText()).isEqualTo("HIGH");
        assertThat(request.body().get("occurredAt").asText()).isEqualTo("2026-03-02T08:59:00Z");
    }

    // ---- Where an on-call alert may go (invariant: only to a public https endpoint, unless the operator allow-listed it)

    @Test
    void shouldRefuseWithoutSendingWhenTheAddressIsLoopbackOrPlainHttpAndNotAllowListed() throws Exception {
        // Given a sender with nothing allow-listed, and the local receiver's http://127.0.0.1 URL
        WebhookSender strict = new WebhookSender(http, Duration.ofSeconds(2));

        // When
        SendResult result = strict.send(onCallWebhook("n-r1", receiver.webhookUrl("/hook")).build());

        // Then it is a permanent failure and nothing reached the receiver
        assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(WebhookSender.REFUSED_CODE);
            assertThat(f.retryable()).isFalse();
        });
        assertThat(receiver.requestsTo("/hook")).isEmpty();
    }

    @Test
    void shouldRefuseWhenAPublicLookingHostResolvesToAnInternalAddress() throws Exception {
        // Given a name that resolves to a public and a private address (DNS rebinding), and one to the metadata service
        WebhookSender.Resolver dns = host -> switch (host) {
            case "pager.example.org" -> List.of(InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.5"));
            case "rebound.example.org" -> List.of(InetAddress.getByName("169.254.169.254"));
            default -> throw new UnknownHostException(host);
        };
        WebhookSender checking = new WebhookSender(http, Duration.ofSeconds(2), OnCallWebhookRule.strict(), dns);

        // When / Then both are refused before any connection is made
        SendResult privateAddress = checking.send(onCallWebhook("n-r2", "https://pager.example.org/hook").build());
        SendResult metadata = checking.send(onCallWebhook("n-r3", "https://rebound.example.org/hook").build());
        assertThat(privateAddress).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(WebhookSender.REFUSED_CODE);
            assertThat(f.message()).contains("private");
        });
        assertThat(metadata).isInstanceOfSatisfying(SendResult.Failed.class, f -> assertThat(f.message()).contains("metadata"));
    }

    @Test
    void shouldSendWhenTheHostIsAllowListedEvenThoughItIsLoopback() throws Exception {
        // Given the receiver's host allow-listed (the sender of the other tests)
        // When
        SendResult result = sender.send(onCallWebhook("n-r4", receiver.webhookUrl("/allowed")).build());

        // Then
        assertThat(result).isEqualTo(new SendResult.Sent(null));
        assertThat(receiver.requestsTo("/allowed")).hasSize(1);
    }

    @Test
    void shouldReportRetryableWhenReceiverIsUnavailable() throws Exception {
        // Given a gateway answering 503 with Retry-After
        receiver.failNext(1, new Reply(503, "busy", Map.of("Retry-After", "2"), Duration.ZERO));

        // When an alert is sent
        SendResult.Failed failed = (SendResult.Failed) sender.send(onCallWebhook("n-2", receiver.webhookUrl("/hook")).build());

        // Then it is worth repeating after the wait asked for
        assertThat(failed.retryable()).isTrue();
        assertThat(failed.code()).isEqualTo("HTTP_503");
        assertThat(failed.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldReportPermanentWhenReceiverAnswers404() throws Exception {
        // Given a receiver that does not know the hook
        receiver.failNext(1, 404, "no such hook");

        // When an alert is sent
        SendResult.Failed failed = (SendResult.Failed) sender.send(onCallWebhook("n-3", receiver.webhookUrl("/gone")).build());

        // Then sending again would not help
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.code()).isEqualTo("HTTP_404");
    }

    @Test
    void shouldReportPermanentWithoutCallingWhenAddressIsNotAnHttpUrl() throws Exception {
        // Given an address that is a phone number, not a URL
        OutboundNotification misrouted = onCallWebhook("n-4", "+447700900123").build();

        // When it is sent
        SendResult.Failed failed = (SendResult.Failed) sender.send(misrouted);

        // Then nothing was called and the failure is permanent
        assertThat(failed.code()).isEqualTo("INVALID_ADDRESS");
        assertThat(failed.retryable()).isFalse();
        assertThat(receiver.requests()).isEmpty();
    }
}
