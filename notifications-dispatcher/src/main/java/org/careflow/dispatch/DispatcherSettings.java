package org.careflow.dispatch;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.careflow.topics.OnCallWebhookRule;

/**
 * What the dispatcher needs to deliver notifications: the WhatsApp Cloud API endpoint and credentials, the
 * per-number send rate, and how hard to retry. Built from {@code NotificationsConfig}.
 *
 * @param whatsAppBaseUrl     the Cloud API's base URL, e.g. https://graph.facebook.com
 * @param whatsAppApiVersion  the Graph API version in the path, e.g. v21.0
 * @param phoneNumberId       the business phone number id messages are sent from
 * @param accessToken         the bearer token; never logged
 * @param sendRatePerSecond   most messages per second sent from one phone number id
 * @param maxAttempts         attempts per notification before it goes to the dead-letter topic
 * @param initialBackoff      wait after the first retryable failure; doubles per attempt
 * @param maxBackoff          the longest wait between attempts
 * @param requestTimeout      how long one HTTP call may take
 * @param webhookRule         where on-call webhooks may be sent (public https hosts, plus the operator's allow-list)
 * @param inDoubtWait         how long a WhatsApp message whose fate is unknown (a timeout, a 5xx, a dispatcher that stopped
 *                            between the send and its outcome) waits for the Cloud API's status report before it is sent
 *                            again; see {@link SendIntent}
 */
public record DispatcherSettings(URI whatsAppBaseUrl, String whatsAppApiVersion, String phoneNumberId, String accessToken,
                                 int sendRatePerSecond, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                                 Duration requestTimeout, OnCallWebhookRule webhookRule, Duration inDoubtWait) {

    /** How long an in-doubt WhatsApp message waits for its status report by default: the Cloud API reports within seconds. */
    public static final Duration DEFAULT_IN_DOUBT_WAIT = Duration.ofSeconds(60);

    /** Settings with the default in-doubt wait. */
    public DispatcherSettings(URI whatsAppBaseUrl, String whatsAppApiVersion, String phoneNumberId, String accessToken,
                              int sendRatePerSecond, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                              Duration requestTimeout, OnCallWebhookRule webhookRule) {
        this(whatsAppBaseUrl, whatsAppApiVersion, phoneNumberId, accessToken, sendRatePerSecond, maxAttempts, initialBackoff,
            maxBackoff, requestTimeout, webhookRule, DEFAULT_IN_DOUBT_WAIT);
    }

    /** Settings with no webhook host allow-listed. */
    public DispatcherSettings(URI whatsAppBaseUrl, String whatsAppApiVersion, String phoneNumberId, String accessToken,
                              int sendRatePerSecond, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                              Duration requestTimeout) {
        this(whatsAppBaseUrl, whatsAppApiVersion, phoneNumberId, accessToken, sendRatePerSecond, maxAttempts, initialBackoff,
            maxBackoff, requestTimeout, OnCallWebhookRule.strict());
    }

    public DispatcherSettings {
        Objects.requireNonNull(whatsAppBaseUrl, "whatsAppBaseUrl");
        Objects.requireNonNull(whatsAppApiVersion, "whatsAppApiVersion");
        Objects.requireNonNull(phoneNumberId, "phoneNumberId");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(webhookRule, "webhookRule");
        Objects.requireNonNull(inDoubtWait, "inDoubtWait");
    }

    /** These settings with another in-doubt wait. */
    public DispatcherSettings withInDoubtWait(Duration wait) {
        return new DispatcherSettings(whatsAppBaseUrl, whatsAppApiVersion, phoneNumberId, accessToken, sendRatePerSecond, maxAttempts,
            initialBackoff, maxBackoff, requestTimeout, webhookRule, wait);
    }

    @Override
    public String toString() {
        return "DispatcherSettings[whatsAppBaseUrl=" + whatsAppBaseUrl + ", whatsAppApiVersion=" + whatsAppApiVersion
            + ", phoneNumberId=" + phoneNumberId + ", accessToken=[hidden], sendRatePerSecond=" + sendRatePerSecond
            + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff
            + ", requestTimeout=" + requestTimeout + ", inDoubtWait=" + inDoubtWait + "]";
    }
}
