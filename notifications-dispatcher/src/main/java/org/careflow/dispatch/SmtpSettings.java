package org.careflow.dispatch;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the dispatcher sends {@code EMAIL} notifications: one SMTP submission server, the sender address, and
 * optional credentials. Pass it to {@link NotificationDispatcher#start(java.util.Map, String, org.careflow.topics.EventSerdes,
 * DispatcherSettings, SmtpSettings)}; without it, email notifications are dead-lettered as unsupported.
 *
 * @param host     the SMTP server's host name or address, e.g. smtp.clinic.example
 * @param port     its port: 587 for submission with STARTTLS, 25 for plain relay (implicit TLS on 465 is not supported)
 * @param from     the one address messages are sent from, also used as the envelope sender and in Message-IDs
 * @param username the login; null or blank: the server is used without authentication
 * @param password the login's password; never logged
 * @param startTls true to require STARTTLS before anything else is sent: the server must offer it, or sending fails
 * @param timeout  how long connecting, and then each SMTP command, may take
 */
public record SmtpSettings(String host, int port, String from, String username, String password, boolean startTls,
                           Duration timeout) {

    public SmtpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(timeout, "timeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("SmtpSettings.host is blank: set it to the SMTP server's host name");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("SmtpSettings.port must be between 1 and 65535 (587 for submission), was " + port);
        }
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("SmtpSettings.timeout must be positive, was " + timeout);
        }
        try {
            new InternetAddress(from, true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("SmtpSettings.from must be one email address, e.g. careflow@clinic.example or Careflow <careflow@clinic.example>", e);
        }
    }

    /** True when a username is set, so the dispatcher logs in to the server. */
    boolean authenticates() {
        return username != null && !username.isBlank();
    }

    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", from=" + from + ", username=" + (authenticates() ? username : "[none]")
            + ", password=" + (password == null || password.isEmpty() ? "[none]" : "[hidden]") + ", startTls=" + startTls
            + ", timeout=" + timeout + "]";
    }
}
