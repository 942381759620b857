package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.net.SocketException;
import java.time.Duration;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.Test;

/** Failures that are awkward to provoke from a real server, classified as the transport reports them. */
class SmtpFailuresTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void shouldReportRetryableIoErrorWhenConnectionDropsMidMessage() {
        // Given the connection was reset while the message was being written, after an earlier 250
        MessagingException dropped = new MessagingException("IOException while sending message", new SocketException("Connection reset"));

        // When it is classified
        SendResult.Failed failed = SmtpFailures.classify(dropped, 250, TIMEOUT);

        // Then it is network trouble, worth repeating
        assertThat(failed).isEqualTo(new SendResult.Failed("IO_ERROR", "Network error talking to the SMTP server (SocketException)", true,
            null));
    }

    @Test
    void shouldUseNestedRecipientReplyWhenSendFailedForInvalidAddresses() throws Exception {
        // Given the transport's summary exception with the recipient's 552 (mailbox full, permanent) nested in it
        SMTPAddressFailedException recipient = new SMTPAddressFailedException(new InternetAddress("x@y.example"), "RCPT TO:<x@y.example>",
            552, "552 5.2.2 <x@y.example> mailbox full");
        SendFailedException summary = new SendFailedException("Invalid Addresses", recipient);

        // When it is classified
        SendResult.Failed failed = SmtpFailures.classify(summary, 552, TIMEOUT);

        // Then the recipient's reply decides, and the address stays out of the message
        assertThat(failed.code()).isEqualTo("SMTP_552");
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.message()).isEqualTo("The SMTP server refused the recipient with 552 5.2.2, a permanent failure");
    }

    @Test
    void shouldReadEnhancedStatusCodeWhenReplyHasOne() {
        // Given / When / Then
        assertThat(SmtpFailures.enhancedCode("550 5.1.1 <x@y.example>: unknown")).isEqualTo("5.1.1");
        assertThat(SmtpFailures.enhancedCode("Got bad greeting from SMTP host, response: 421 4.3.2 busy")).isEqualTo("4.3.2");
        assertThat(SmtpFailures.enhancedCode("550 mailbox unavailable")).isNull();
        assertThat(SmtpFailures.enhancedCode(null)).isNull();
    }
}
