package org.careflow.dispatch;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.topics.OnCallWebhookRule;

/** Notifications and settings for the dispatcher's tests. */
final class TestNotifications {

    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    static final String PHONE = "+447700900123";
    static final String PHONE_NUMBER_ID = "106540352242922";
    static final String TOKEN = "test-token";
    static final String EMAIL = "oncall.riverside@clinic.example";
    static final String SENDER = "careflow@careflow.example";

    private TestNotifications() {
    }

    /** An appointment reminder to a patient on WhatsApp, outside the customer-service window. */
    static OutboundNotification.Builder reminder(String notificationId) {
        return OutboundNotification.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(NOW.minusSeconds(60))
            .setNotificationId(notificationId)
            .setIdempotencyKey("reminder-" + notificationId)
            .setRecipientKind(RecipientKind.PATIENT)
            .setPatientId("p-1")
            .setFacilityId("f-1")
            .setRecipientAddress(PHONE)
            .setChannel(Channel.WHATSAPP)
            .setTemplateId("appointment_reminder")
            .setLanguage("en-GB")
            .setTemplateParameters(Map.of(
                "reminder_offset", "24h",
                "appointment_time", "Tue 3 Mar, 10:30",
                "facility", "Riverside Clinic",
                "provider", "Dr Okafor",
                "appointment_type", "follow-up"))
            .setRelatedBookingId("bk-42")
            .setRelatedAssessmentId(null)
            .setLegallyRequired(false)
            .setExpiresAt(null)
            .setSessionWindowEndsAt(null);
    }

    /** A deterioration alert to the on-call clinician's paging webhook. */
    static OutboundNotification.Builder onCallWebhook(String notificationId, String url) {
        return reminder(notificationId)
            .setIdempotencyKey("alert-" + notificationId)
            .setRecipientKind(RecipientKind.ON_CALL)
            .setPatientId("p-7")
            .setChannel(Channel.WEBHOOK)
            .setRecipientAddress(url)
            .setTemplateId("deterioration_alert")
            .setTemplateParameters(Map.of("facility", "Riverside Clinic", "patient", "J. Doe", "band", "HIGH", "score", "7",
                "reasons", "SpO2 93", "assessment", "a-1"))
            .setRelatedBookingId(null)
            .setRelatedAssessmentId("a-1")
            .setLegallyRequired(true);
    }

    /** A deterioration alert to the on-call clinician's mailbox. */
    static OutboundNotification.Builder onCallEmail(String notificationId, String address) {
        return onCallWebhook(notificationId, address).setChannel(Channel.EMAIL);
    }

    /** An unauthenticated, plain SMTP server on loopback, as in the tests. */
    static SmtpSettings smtp(int port) {
        return new SmtpSettings("127.0.0.1", port, SENDER, null, null, false, Duration.ofSeconds(2));
    }

    /** The rule tests send webhooks under: the local stand-in (127.0.0.1) allow-listed, as an operator would a local receiver. */
    static final OnCallWebhookRule STAND_IN_ONLY = new OnCallWebhookRule(java.util.List.of("127.0.0.1"));

    static DispatcherSettings settings(URI baseUrl, int maxAttempts) {
        return settings(baseUrl, maxAttempts, Duration.ofSeconds(2));
    }

    static DispatcherSettings settings(URI baseUrl, int maxAttempts, Duration requestTimeout) {
        return new DispatcherSettings(baseUrl, "v21.0", PHONE_NUMBER_ID, TOKEN, 1_000, maxAttempts, Duration.ofMillis(100),
            Duration.ofSeconds(2), requestTimeout, STAND_IN_ONLY);
    }
}
