package org.careflow.dispatch;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;

/**
 * Decides whether a failed SMTP exchange is worth repeating. Retryable: 4xx replies (the server's "try again later"),
 * connection, network and timeout trouble, and rejected credentials (a rotated password may be fixed meanwhile).
 * Permanent: 5xx replies, such as 550 for a mailbox that does not exist. The messages never quote the server, whose
 * replies tend to repeat the recipient's address; only the reply code and its enhanced status code are kept.
 */
final class SmtpFailures {

    static final String SERVICE = "the SMTP server";

    /** The RFC 3463 enhanced status code after a reply code, as in "550 5.1.1 ...". */
    private static final Pattern ENHANCED_CODE = Pattern.compile("\\b[2-5]\\d{2}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    private static final int MAX_CHAIN = 20;

    private SmtpFailures() {
    }

    /**
     * Classifies what {@code Transport.connect} or {@code sendMessage} threw.
     *
     * @param lastReturnCode the transport's last reply code, for failures that carry none (a 421 greeting, say); -1 if unknown
     * @param timeout        the configured timeout, for the message
     */
    static SendResult.Failed classify(MessagingException e, int lastReturnCode, Duration timeout) {
        if (e instanceof AuthenticationFailedException) {
            return new SendResult.Failed("AUTH_FAILED", SERVICE + " did not accept the dispatcher's credentials", true, null);
        }
        Reply reply = reply(e);
        if (reply != null) {
            return failure(reply);
        }
        if (has(e, SocketTimeoutException.class)) {
            return new SendResult.Failed("TIMEOUT", SERVICE + " did not answer within " + timeout, true, null);
        }
        if (has(e, MailConnectException.class) || has(e, SocketConnectException.class) || has(e, ConnectException.class)) {
            return new SendResult.Failed("CONNECTION_FAILED", "Could not connect to " + SERVICE, true, null);
        }
        IOException io = find(e, IOException.class);
        if (io != null) {
            return new SendResult.Failed("IO_ERROR", "Network error talking to " + SERVICE + " (" + io.getClass().getSimpleName() + ")",
                true, null);
        }
        if (lastReturnCode >= 400 && lastReturnCode < 600) {
            return failure(new Reply(lastReturnCode, "answered", enhancedCode(e.getMessage())));
        }
        return new SendResult.Failed("SMTP_ERROR", "The exchange with " + SERVICE + " failed (" + e.getClass().getSimpleName() + ")",
            true, null);
    }

    private static SendResult.Failed failure(Reply reply) {
        boolean permanent = reply.code() >= 500;
        String detail = reply.code() + (reply.enhancedCode() == null ? "" : " " + reply.enhancedCode());
        String message = "The SMTP server " + reply.stage() + " " + detail + (permanent ? ", a permanent failure" : ", try again later");
        return new SendResult.Failed("SMTP_" + reply.code(), message, !permanent, null);
    }

    /** The first SMTP reply in the chain of exceptions, with which part of the exchange it refused. */
    private static Reply reply(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < MAX_CHAIN; t = t.getCause(), depth++) {
            if (t instanceof SMTPAddressFailedException f && isFailure(f.getReturnCode())) {
                return new Reply(f.getReturnCode(), "refused the recipient with", enhancedCode(f.getMessage()));
            }
            if (t instanceof SMTPSenderFailedException f && isFailure(f.getReturnCode())) {
                return new Reply(f.getReturnCode(), "refused the sender with", enhancedCode(f.getMessage()));
            }
            if (t instanceof SMTPSendFailedException f && isFailure(f.getReturnCode())) {
                return new Reply(f.getReturnCode(), "refused the message with", enhancedCode(f.getMessage()));
            }
        }
        return null;
    }

    private static boolean isFailure(int code) {
        return code >= 400 && code < 600;
    }

    static String enhancedCode(String serverReply) {
        if (serverReply == null) {
            return null;
        }
        Matcher matcher = ENHANCED_CODE.matcher(serverReply);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        return find(e, type) != null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < MAX_CHAIN; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private record Reply(int code, String stage, String enhancedCode) {
    }
}
