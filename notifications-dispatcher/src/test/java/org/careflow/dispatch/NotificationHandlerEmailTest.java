package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.dispatch.TestNotifications.EMAIL;
import static org.careflow.dispatch.TestNotifications.NOW;
import static org.careflow.dispatch.TestNotifications.onCallEmail;
import static org.careflow.dispatch.TestNotifications.smtp;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import java.time.Duration;
import java.util.Map;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.NotificationStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The handler's decisions for EMAIL notifications, with real SMTP (GreenMail, or a closed port) and fake time for the waits. */
class NotificationHandlerEmailTest {

    private static final int MAX_ATTEMPTS = 3;

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    private FakeTime time;

    @BeforeEach
    void newTime() {
        time = new FakeTime(NOW);
    }

    @Test
    void shouldReportSentWithMessageIdWhenServerAccepts() throws Exception {
        // Given a handler that sends email to GreenMail
        NotificationHandler handler = handler(GREEN_MAIL.getSmtp().getPort());

        // When an alert by email is handled
        Outcome outcome = handler.handle(onCallEmail("n-1", EMAIL).build());

        // Then it was sent once, and the SENT status carries the message's Message-ID
        NotificationStatus status = outcome.status();
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(GREEN_MAIL.waitForIncomingEmail(5_000, 1)).isTrue();
        assertThat(status.getProviderMessageId()).isEqualTo(GREEN_MAIL.getReceivedMessages()[0].getMessageID());
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.deadLetter()).isNull();
    }

    @Test
    void shouldRetryThenFailAndDeadLetterWhenServerIsDown() throws Exception {
        // Given a handler whose SMTP server is not listening
        NotificationHandler handler = handler(ScriptedSmtpServer.closedPort());

        // When an alert by email is handled
        Outcome outcome = handler.handle(onCallEmail("n-2", EMAIL).build());

        // Then it was tried maxAttempts times with backoff in between, and given up on for staff to see
        assertThat(outcome.attempts()).isEqualTo(MAX_ATTEMPTS);
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(outcome.status().getError().getCode()).isEqualTo("CONNECTION_FAILED");
        assertThat(outcome.status().getError().getRetryable()).isTrue();
        assertThat(outcome.deadLetter().errorCode()).isEqualTo("CONNECTION_FAILED");
        assertThat(outcome.deadLetter().attempts()).isEqualTo(MAX_ATTEMPTS);
        assertThat(outcome.deadLetter().reason()).contains("Attempts exhausted").doesNotContain(EMAIL);
    }

    @Test
    void shouldFailOnceWithoutRetryWhenAddressIsInvalid() throws Exception {
        // Given a handler that sends email to GreenMail, and a legally required alert with a malformed address
        NotificationHandler handler = handler(GREEN_MAIL.getSmtp().getPort());

        // When it is handled
        Outcome outcome = handler.handle(onCallEmail("n-3", "oncall-at-clinic.example").build());

        // Then it failed for good after one attempt, without waiting, nothing was sent, and staff are told
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
        assertThat(outcome.status().getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(outcome.status().getError().getCode()).isEqualTo("INVALID_ADDRESS");
        assertThat(outcome.status().getError().getRetryable()).isFalse();
        assertThat(outcome.deadLetter().errorCode()).isEqualTo("INVALID_ADDRESS");
        assertThat(outcome.deadLetter().reason()).doesNotContain("oncall-at-clinic.example");
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldFailAndDeadLetterSayingNoSmtpServerWhenEmailIsNotConfigured() throws Exception {
        // Given a handler without an email sender, as when the dispatcher started without SmtpSettings
        NotificationHandler handler = new NotificationHandler(Map.of(), MAX_ATTEMPTS,
            new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 1.0), time.sleeper(), time.clock(), new RecentKeys(100));

        // When an alert by email is handled
        Outcome outcome = handler.handle(onCallEmail("n-4", EMAIL).build());

        // Then nothing was tried; it is unsupported, and the dead letter says what is missing
        assertThat(outcome.attempts()).isZero();
        assertThat(outcome.status().getError().getCode()).isEqualTo("CHANNEL_UNSUPPORTED");
        assertThat(outcome.deadLetter().errorCode()).isEqualTo("CHANNEL_UNSUPPORTED");
        assertThat(outcome.deadLetter().reason()).contains("EMAIL", "no SMTP server is configured");
    }

    private NotificationHandler handler(int smtpPort) {
        return new NotificationHandler(Map.of(Channel.EMAIL, new EmailSender(smtp(smtpPort), time.clock())), MAX_ATTEMPTS,
            new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 1.0), time.sleeper(), time.clock(), new RecentKeys(100));
    }
}
