package org.careflow.dispatch;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import org.careflow.events.notifications.OutboundNotification;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an {@code EMAIL} notification as one plain-text message over SMTP, one connection per attempt. The
 * {@code Message-ID} is derived from the idempotency key, so a message sent twice (after a crash, say) carries the
 * same id and mail systems that drop duplicates by it can; the key itself travels in {@value #IDEMPOTENCY_KEY_HEADER}.
 */
final class EmailSender implements ChannelSender {

    static final String IDEMPOTENCY_KEY_HEADER = "X-Careflow-Idempotency-Key";
    static final String NOTIFICATION_ID_HEADER = "X-Careflow-Notification-Id";

    private static final Logger LOG = LoggerFactory.getLogger(EmailSender.class);
    private static final String MAILTO = "mailto:";

    private final SmtpSettings smtp;
    private final Session session;
    private final InternetAddress from;
    private final String messageIdDomain;
    private final Clock clock;

    EmailSender(SmtpSettings smtp, Clock clock) {
        this.smtp = Objects.requireNonNull(smtp, "smtp");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.from = new InternetAddress(smtp.from(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("SmtpSettings.from is not an email address", e);
        }
        String address = from.getAddress();
        this.messageIdDomain = address.substring(address.lastIndexOf('@') + 1);
        this.session = Session.getInstance(sessionProperties(smtp, from));
    }

    static Properties sessionProperties(SmtpSettings smtp, InternetAddress from) {
        String timeoutMillis = String.valueOf(Math.max(smtp.timeout().toMillis(), 1));
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", "smtp");
        properties.put("mail.smtp.host", smtp.host());
        properties.put("mail.smtp.port", String.valueOf(smtp.port()));
        properties.put("mail.smtp.connectiontimeout", timeoutMillis);
        properties.put("mail.smtp.timeout", timeoutMillis);
        properties.put("mail.smtp.writetimeout", timeoutMillis);
        properties.put("mail.smtp.from", from.getAddress());
        properties.put("mail.smtp.auth", String.valueOf(smtp.authenticates()));
        // Required, not just enabled: credentials and patient details must never go out in clear because a server stopped offering TLS.
        properties.put("mail.smtp.starttls.enable", String.valueOf(smtp.startTls()));
        properties.put("mail.smtp.starttls.required", String.valueOf(smtp.startTls()));
        properties.put("mail.smtp.ssl.checkserveridentity", "true");
        // The session's debug output would print addresses and message content.
        properties.put("mail.debug", "false");
        return properties;
    }

    @Override
    public SendResult send(OutboundNotification notification) {
        InternetAddress to;
        try {
            to = recipient(notification.getRecipientAddress());
        } catch (AddressException e) {
            return SendResult.Failed.permanent("INVALID_ADDRESS", "The recipient address is not one valid email address");
        }
        String messageId = messageId(notification.getIdempotencyKey(), messageIdDomain);
        MimeMessage message;
        try {
            message = compose(notification, to, messageId);
        } catch (MessagingException e) {
            return SendResult.Failed.permanent("INVALID_MESSAGE", "Could not compose the email (" + e.getClass().getSimpleName() + ")");
        }
        Transport transport = null;
        try {
            transport = session.getTransport("smtp");
            if (smtp.authenticates()) {
                // An empty password is still a login attempt; a null one would make the transport refuse to try.
                transport.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password() == null ? "" : smtp.password());
            } else {
                transport.connect(smtp.host(), smtp.port(), null, null);
            }
            transport.sendMessage(message, new Address[] {to});
        } catch (MessagingException e) {
            return SmtpFailures.classify(e, lastReturnCode(transport), smtp.timeout());
        } finally {
            close(transport, notification);
        }
        LOG.debug("Notification {} accepted by the SMTP server as {}", notification.getNotificationId(), messageId);
        return new SendResult.Sent(messageId);
    }

    /** The recipient of {@code address}, an email address with or without a {@code mailto:} scheme. */
    static InternetAddress recipient(String address) throws AddressException {
        if (address == null) {
            throw new AddressException("no address");
        }
        String plain = address.strip();
        if (plain.regionMatches(true, 0, MAILTO, 0, MAILTO.length())) {
            plain = plain.substring(MAILTO.length());
            int query = plain.indexOf('?');
            if (query >= 0) {
                plain = plain.substring(0, query);
            }
            try {
                // A mailto URI percent-encodes; '+' is literal in it, unlike in a form.
                plain = URLDecoder.decode(plain.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new AddressException("malformed percent-encoding");
            }
        }
        InternetAddress[] parsed = InternetAddress.parse(plain, true);
        if (parsed.length != 1 || parsed[0].getAddress() == null || !parsed[0].getAddress().contains("@") || parsed[0].isGroup()) {
            throw new AddressException("not one address");
        }
        InternetAddress recipient = new InternetAddress(parsed[0].getAddress(), true);
        recipient.validate();
        return recipient;
    }

    /** A Message-ID that is the same for every attempt at one idempotency key, and reveals nothing of it. */
    static String messageId(String idempotencyKey, String domain) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return "<" + HexFormat.of().formatHex(digest, 0, 20) + ".careflow@" + domain.toLowerCase(Locale.ROOT) + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    private MimeMessage compose(OutboundNotification notification, InternetAddress to, String messageId) throws MessagingException {
        EmailMessages.Email email = EmailMessages.render(notification);
        MimeMessage message = new FixedIdMimeMessage(session, messageId);
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, to);
        message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
        message.setText(email.body(), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(clock.instant()));
        message.setHeader(IDEMPOTENCY_KEY_HEADER, headerValue(IDEMPOTENCY_KEY_HEADER, notification.getIdempotencyKey()));
        message.setHeader(NOTIFICATION_ID_HEADER, headerValue(NOTIFICATION_ID_HEADER, notification.getNotificationId()));
        // RFC 3834: an automatic message, so that out-of-office replies are not sent back to it.
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setHeader("Content-Language", headerValue("Content-Language", notification.getLanguage().strip()));
        message.saveChanges();
        return message;
    }

    /** One header line whatever the value holds: control characters dropped, non-ASCII encoded. */
    private static String headerValue(String name, String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "");
        try {
            return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(clean, StandardCharsets.UTF_8.name(), null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    private static int lastReturnCode(Transport transport) {
        return transport instanceof SMTPTransport smtpTransport ? smtpTransport.getLastReturnCode() : -1;
    }

    private static void close(Transport transport, OutboundNotification notification) {
        if (transport == null || !transport.isConnected()) {
            return;
        }
        try {
            transport.close();
        } catch (MessagingException e) {
            // The outcome is already decided; a failed QUIT changes nothing about it.
            LOG.debug("Could not close the SMTP connection after notification {} ({})", notification.getNotificationId(),
                e.getClass().getSimpleName());
        }
    }

    /** A message whose Message-ID is ours rather than a random one made up when it is saved. */
    private static final class FixedIdMimeMessage extends MimeMessage {

        private final String messageId;

        FixedIdMimeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
