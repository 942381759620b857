package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.dispatch.TestNotifications.EMAIL;
import static org.careflow.dispatch.TestNotifications.NOW;
import static org.careflow.dispatch.TestNotifications.SENDER;
import static org.careflow.dispatch.TestNotifications.onCallEmail;
import static org.careflow.dispatch.TestNotifications.reminder;
import static org.careflow.dispatch.TestNotifications.smtp;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.OutboundNotification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One attempt at an email, against GreenMail (a real SMTP server in the JVM) or a scripted server for its refusals. */
class EmailSenderTest {

    private static final long DEADLINE_MILLIS = 5_000;

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private EmailSender sender;

    @BeforeEach
    void senderToGreenMail() {
        sender = new EmailSender(smtp(GREEN_MAIL.getSmtp().getPort()), clock);
    }

    @Test
    void shouldDeliverAlertWithSubjectBodyAndHeadersWhenServerAccepts() throws Exception {
        // Given a deterioration alert for the on-call clinician's mailbox
        OutboundNotification alert = onCallEmail("n-1", EMAIL).build();

        // When it is sent
        SendResult result = sender.send(alert);

        // Then the mailbox got one plain-text message with the alert's subject, body and idempotency headers ...
        MimeMessage received = awaitOneMessage();
        assertThat(received.getRecipients(Message.RecipientType.TO)).extracting(Object::toString).containsExactly(EMAIL);
        assertThat(received.getFrom()).extracting(Object::toString).containsExactly(SENDER);
        assertThat(received.getSubject()).isEqualTo("Deterioration alert: Riverside Clinic");
        assertThat(received.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(body(received)).contains("Patient: J. Doe", "Band: HIGH", "Score: 7", "Reasons: SpO2 93", "Assessment: a-1");
        assertThat(received.getHeader(EmailSender.IDEMPOTENCY_KEY_HEADER)).containsExactly("alert-n-1");
        assertThat(received.getHeader(EmailSender.NOTIFICATION_ID_HEADER)).containsExactly("n-1");
        assertThat(received.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(received.getSentDate().toInstant()).isEqualTo(NOW);

        // ... and it counts as sent, with the Message-ID as the provider's id
        String messageId = received.getMessageID();
        assertThat(messageId).isEqualTo(EmailSender.messageId("alert-n-1", "careflow.example")).endsWith("@careflow.example>");
        assertThat(result).isEqualTo(new SendResult.Sent(messageId));
    }

    @Test
    void shouldDeliverToPlainAddressWhenRecipientHasMailtoPrefix() throws Exception {
        // Given an alert whose address is a mailto: URI
        OutboundNotification alert = onCallEmail("n-2", "mailto:" + EMAIL).build();

        // When it is sent
        SendResult result = sender.send(alert);

        // Then it went to the address inside the URI
        assertThat(result).isInstanceOf(SendResult.Sent.class);
        assertThat(awaitOneMessage().getAllRecipients()).containsExactly(new InternetAddress(EMAIL));
    }

    @Test
    void shouldUseAppointmentWordingWhenReminderGoesByEmail() throws Exception {
        // Given an appointment reminder to a patient by email
        OutboundNotification reminder = reminder("n-3").setChannel(Channel.EMAIL).setRecipientAddress("patient@home.example").build();

        // When it is sent
        sender.send(reminder);

        // Then the subject names the facility and the body is the reminder's English wording
        MimeMessage received = awaitOneMessage();
        assertThat(received.getSubject()).isEqualTo("Appointment reminder: Riverside Clinic");
        assertThat(body(received)).contains("Reminder: your follow-up appointment at Riverside Clinic is at Tue 3 Mar, 10:30.");
    }

    @Test
    void shouldGiveSameMessageIdWhenSameIdempotencyKeyIsSentTwice() throws Exception {
        // Given two notifications that share an idempotency key (a repeat after a crash, say)
        OutboundNotification first = onCallEmail("n-4", EMAIL).setIdempotencyKey("alert:same").build();
        OutboundNotification repeat = onCallEmail("n-5", EMAIL).setIdempotencyKey("alert:same").build();

        // When both are sent
        SendResult.Sent a = (SendResult.Sent) sender.send(first);
        SendResult.Sent b = (SendResult.Sent) sender.send(repeat);

        // Then both messages carry one Message-ID, so the receiving side can drop the repeat
        assertThat(a.providerMessageId()).isEqualTo(b.providerMessageId());
        assertThat(GREEN_MAIL.waitForIncomingEmail(DEADLINE_MILLIS, 2)).isTrue();
        assertThat(GREEN_MAIL.getReceivedMessages()).extracting(MimeMessage::getMessageID).containsOnly(a.providerMessageId());
    }

    @Test
    void shouldLogInWhenCredentialsAreConfigured() throws Exception {
        // Given a server that knows the dispatcher's account, and settings with its credentials
        GREEN_MAIL.setUser(SENDER, "careflow", "s3cret");
        EmailSender authenticating = new EmailSender(new SmtpSettings("127.0.0.1", GREEN_MAIL.getSmtp().getPort(), SENDER, "careflow",
            "s3cret", false, Duration.ofSeconds(2)), clock);

        // When an alert is sent
        SendResult result = authenticating.send(onCallEmail("n-6", EMAIL).build());

        // Then it was accepted
        assertThat(result).isInstanceOf(SendResult.Sent.class);
        assertThat(awaitOneMessage().getSubject()).startsWith("Deterioration alert");
    }

    @Test
    void shouldReportRetryableAuthFailureWhenPasswordIsWrong() {
        // Given settings whose password the server does not accept
        GREEN_MAIL.setUser(SENDER, "careflow", "s3cret");
        EmailSender wrongPassword = new EmailSender(new SmtpSettings("127.0.0.1", GREEN_MAIL.getSmtp().getPort(), SENDER, "careflow",
            "wrong", false, Duration.ofSeconds(2)), clock);

        // When an alert is sent
        SendResult.Failed failed = (SendResult.Failed) wrongPassword.send(onCallEmail("n-7", EMAIL).build());

        // Then it is worth repeating (the credentials may be fixed meanwhile), and nothing was delivered
        assertThat(failed.code()).isEqualTo("AUTH_FAILED");
        assertThat(failed.retryable()).isTrue();
        assertThat(failed.message()).doesNotContain("wrong");
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldFailPermanentlyWithoutConnectingWhenAddressIsInvalid() {
        // Given a server that counts its connections, and alerts with addresses that are not one email address
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
            EmailSender toScripted = new EmailSender(smtp(server.port()), clock);
            for (String invalid : new String[] {"not-an-address", "a@b@c", "one@x.example, two@y.example", "mailto:", "mailto:%zz"}) {
                // When it is sent
                SendResult result = toScripted.send(onCallEmail("n-8", invalid).build());

                // Then it failed for good, without a word to the server, and the message does not repeat the address
                assertThat(result).as(invalid).isEqualTo(SendResult.Failed.permanent("INVALID_ADDRESS",
                    "The recipient address is not one valid email address"));
            }
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void shouldReportRetryableConnectionFailureWhenServerIsDown() {
        // Given settings that point at a closed port
        EmailSender toNowhere = new EmailSender(smtp(ScriptedSmtpServer.closedPort()), clock);

        // When an alert is sent
        SendResult.Failed failed = (SendResult.Failed) toNowhere.send(onCallEmail("n-9", EMAIL).build());

        // Then it is worth repeating
        assertThat(failed.code()).isEqualTo("CONNECTION_FAILED");
        assertThat(failed.retryable()).isTrue();
        assertThat(failed.message()).isEqualTo("Could not connect to the SMTP server");
    }

    @Test
    void shouldReportRetryableTimeoutWhenServerDoesNotAnswer() throws Exception {
        // Given a port that takes connections (the kernel's backlog does) but never greets
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EmailSender impatient = new EmailSender(new SmtpSettings("127.0.0.1", silent.getLocalPort(), SENDER, null, null, false,
                Duration.ofMillis(300)), clock);

            // When an alert is sent
            SendResult.Failed failed = (SendResult.Failed) impatient.send(onCallEmail("n-14", EMAIL).build());

            // Then it gave up after the timeout, and may try again
            assertThat(failed.code()).isEqualTo("TIMEOUT");
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.message()).contains("PT0.3S");
        }
    }

    @Test
    void shouldFailPermanentlyWithReplyCodeButNoAddressWhenServerRefusesMailbox() {
        // Given a server that answers RCPT TO with 550, quoting the address as servers do
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start().rcptReply("550 5.1.1 <" + EMAIL + ">: mailbox unavailable")) {
            // When an alert is sent
            SendResult.Failed failed = (SendResult.Failed) new EmailSender(smtp(server.port()), clock).send(onCallEmail("n-10", EMAIL).build());

            // Then it failed for good with the reply codes, and the message keeps the address out
            assertThat(failed.code()).isEqualTo("SMTP_550");
            assertThat(failed.retryable()).isFalse();
            assertThat(failed.message()).contains("refused the recipient", "550 5.1.1").doesNotContain(EMAIL);
            assertThat(server.commands()).noneMatch(command -> command.startsWith("DATA"));
        }
    }

    @Test
    void shouldReportRetryableWhenServerDefersRecipient() {
        // Given a server that answers RCPT TO with 451 (greylisting, a full queue)
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start().rcptReply("451 4.7.1 try again later")) {
            // When an alert is sent
            SendResult.Failed failed = (SendResult.Failed) new EmailSender(smtp(server.port()), clock).send(onCallEmail("n-11", EMAIL).build());

            // Then it is worth repeating
            assertThat(failed.code()).isEqualTo("SMTP_451");
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.message()).contains("451 4.7.1");
        }
    }

    @Test
    void shouldReportRetryableWhenServerGreetsWithServiceNotAvailable() {
        // Given a server too busy to talk, which greets with 421 and hangs up
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start().greeting("421 4.3.2 too busy")) {
            // When an alert is sent
            SendResult.Failed failed = (SendResult.Failed) new EmailSender(smtp(server.port()), clock).send(onCallEmail("n-12", EMAIL).build());

            // Then it is worth repeating
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.code()).isEqualTo("SMTP_421");
        }
    }

    @Test
    void shouldFailPermanentlyWhenServerRejectsMessageContent() {
        // Given a server that accepts the recipient but refuses the message after DATA
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start().dataEndReply("554 5.6.0 message refused")) {
            // When an alert is sent
            SendResult.Failed failed = (SendResult.Failed) new EmailSender(smtp(server.port()), clock).send(onCallEmail("n-13", EMAIL).build());

            // Then it failed for good
            assertThat(failed.code()).isEqualTo("SMTP_554");
            assertThat(failed.retryable()).isFalse();
            assertThat(failed.message()).contains("refused the message");
        }
    }

    private static MimeMessage awaitOneMessage() {
        assertThat(GREEN_MAIL.waitForIncomingEmail(DEADLINE_MILLIS, 1)).as("a message arrived").isTrue();
        MimeMessage[] received = GREEN_MAIL.getReceivedMessages();
        assertThat(received).hasSize(1);
        return received[0];
    }

    private static String body(MimeMessage message) throws Exception {
        return message.getContent().toString().replace("\r\n", "\n");
    }
}
