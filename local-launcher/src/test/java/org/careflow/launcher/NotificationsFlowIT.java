package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.careflow.dispatch.CloudApiStandIn;
import org.careflow.dispatch.DispatcherConfig;
import org.careflow.dispatch.CloudApiStandIn.RecordedRequest;
import org.careflow.ingest.IngestConfig;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.platform.embedded.Await;
import org.careflow.http.metrics.PrometheusSamples;
import org.careflow.topics.BookingIds;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From booking to a delivered reminder to a "2" reply that cancels the booking and frees the slot, on the whole
 * local stack. The WhatsApp Cloud API is the one stand-in: a local server that records what careflow sends; the
 * provider's webhooks are posted to the ingest API signed as Meta signs them.
 */
@Tag("integration")
class NotificationsFlowIT {

    /** careflow's ids of the client's bookings "bk-msg" and "bk-after-restart" (the patient names no facility). */
    private static final String BK_MSG = BookingIds.of("f-msg", "p-msg", "dr-msg", "bk-msg");
    private static final String BK_AFTER_RESTART = BookingIds.of("f-msg", "p-msg", "dr-msg", "bk-after-restart");


    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String APP_SECRET = "flow-app-secret";
    private static final String PHONE = "+447700900123";
    private static final Duration REMINDER_OFFSET = Duration.ofMinutes(5);

    @Test
    void shouldRemindThenCancelWhenPatientRepliesTwoAndNeverSendTwiceAcrossARestart(@TempDir Path dataDir) throws Exception {
        try (CloudApiStandIn cloudApi = CloudApiStandIn.start()) {
            StackOptions options = StackOptions.ephemeral(dataDir)
                .withSettings(LocalStack.INGEST, Map.of(IngestConfig.WHATSAPP_APP_SECRET_CONFIG, APP_SECRET,
                    IngestConfig.WHATSAPP_VERIFY_TOKEN_CONFIG, "flow-verify"))
                .withSettings(LocalStack.DISPATCHER, Map.of(
                    DispatcherConfig.WHATSAPP_BASE_URL_CONFIG, cloudApi.baseUrl(),
                    DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG, "flow-token",
                    DispatcherConfig.WHATSAPP_PHONE_NUMBER_ID_CONFIG, "100200300"))
                .withSettings(LocalStack.NOTIFICATIONS, Map.of(
                    NotificationsConfig.REMINDER_OFFSET_OVERRIDES_CONFIG, "f-msg=" + REMINDER_OFFSET.toSeconds() + "s",
                    NotificationsConfig.QUIET_HOURS_CONFIG, "",
                    NotificationsConfig.PUNCTUATE_INTERVAL_MS_CONFIG, 200L));
            try (LocalStack stack = LocalStack.start(options)) {
                HttpCalls.actAs(stack.auth());
                // Given an appointment whose reminder falls 20 to 80 seconds from now (sessions start on whole minutes)
                Instant now = Instant.now();
                Instant slot = now.plus(REMINDER_OFFSET).plusSeconds(20 + 59).truncatedTo(ChronoUnit.MINUTES);
                // The provider's time zone keeps the session away from midnight, whatever time the test runs (a region
                // with a fixed UTC-6 offset: the APIs refuse fixed-offset ids such as Etc/GMT+6).
                ZoneId zone = slot.atZone(ZoneOffset.UTC).getHour() >= 22 ? ZoneId.of("America/Regina") : ZoneId.of("UTC");
                LocalDateTime local = LocalDateTime.ofInstant(slot, zone);
                String ingest = stack.ingestUrl();
                HttpCalls.registerFacilities(ingest, "f-msg");
                String scheduling = stack.schedulingUrl();
                String notifications = stack.notificationsUrl();

                // The patient's contact, with consent; the provider's session
                assertThat(HttpCalls.sendUntilAccepted("PUT", ingest + "/v1/patients/p-msg/contact", """
                    {"phone": "%s", "preferredChannel": "WHATSAPP", "language": "en-GB", "timeZone": "Europe/London",
                     "consent": {"granted": true, "at": "%s"}}
                    """.formatted(PHONE, now.minus(Duration.ofDays(1)))).statusCode()).isEqualTo(202);
                // The patient gave the number themselves: it is theirs once the code sent to it comes back from it
                RecordedRequest verification = awaitTemplate(cloudApi, "phone_verification");
                assertThat(verification.body().get("to").asText()).isEqualTo(PHONE.substring(1));
                String code = parameter(verification.body(), "code");
                assertThat(code).matches("[0-9]{6}");
                // (verified yesterday, so the confirmation and reminder below go as approved templates, outside the
                // 24-hour window a patient's message opens)
                assertThat(webhook(ingest, inboundPayload("wamid.verify-1", code, verification.providerMessageId(),
                    now.minus(Duration.ofHours(25))))).isEqualTo(200);
                Await.until("the phone to be verified", DEADLINE, () -> {
                    JsonNode m = HttpCalls.getJson(notifications + "/v1/patients/p-msg/messages");
                    return m != null && m.get("messages").findValuesAsText("action").contains("PHONE_VERIFIED");
                });
                assertThat(HttpCalls.sendUntilAccepted("PUT", ingest + "/v1/providers/dr-msg/schedule", """
                    {"facilityId": "f-msg", "timeZone": "%s", "slotMinutes": 5, "appointmentTypes": ["follow-up"],
                     "weekly": {}, "extraSessions": [{"date": "%s", "start": "%s", "end": "%s"}]}
                    """.formatted(zone.getId(), local.toLocalDate(), local.toLocalTime(), local.toLocalTime().plusMinutes(10)))
                    .statusCode()).isEqualTo(202);
                Await.until("the slot to be offered", DEADLINE, () -> freeSlots(scheduling).contains(slot.toString()));

                // When the patient books it
                assertThat(book(ingest, "bk-msg", slot).statusCode()).isEqualTo(202);

                // Then the confirmation is sent at once, as an approved template with the booking's buttons
                RecordedRequest confirmation = awaitTemplate(cloudApi, "appointment_confirmation");
                assertThat(confirmation.path()).isEqualTo("/v21.0/100200300/messages");
                assertThat(confirmation.header("Authorization")).contains("Bearer flow-token");
                assertThat(confirmation.body().get("to").asText()).isEqualTo(PHONE.substring(1));
                assertThat(confirmation.body().toString()).contains("CANCEL:" + BK_MSG);
                // and the reminder at its time
                RecordedRequest reminder = awaitTemplate(cloudApi, "appointment_reminder");
                String reminderId = reminder.notificationId();
                JsonNode reminders = Await.value("both to be sent", DEADLINE, () -> {
                    JsonNode r = HttpCalls.getJson(notifications + "/v1/patients/p-msg/reminders");
                    return r != null && r.findValuesAsText("status").stream().filter("SENT"::equals).count() == 2 ? r : null;
                });
                assertThat(reminders.get("bookings").get(0).get("reminders").findValuesAsText("kind")).containsExactly("CONFIRMATION", "REMINDER");
                // and /metrics (an ops token) counts the confirmed booking and both sends, with the Kafka Streams series
                awaitCounted(scheduling, "careflow_bookings_total",
                    Map.of("app", "streams-scheduling", "status", "CONFIRMED", "reason", "none"), 1.0);
                // (the verification message is a message to the patient too; the dispatcher, its own app, counts sends)
                String dispatcherMetrics = awaitCounted(stack.dispatcherUrl(), "careflow_reminders_total",
                    Map.of("app", "notifications-dispatcher", "outcome", "sent"), 3.0);
                awaitCounted(notifications, "careflow_contact_decisions_total",
                    Map.of("app", "streams-notifications", "status", "PHONE_VERIFIED", "reason", "none"), 1.0);
                assertThat(PrometheusSamples.sum(dispatcherMetrics, "careflow_reminders_total", Map.of("outcome", "failed"))).isNaN();
                assertThat(dispatcherMetrics).doesNotContain("p-msg").doesNotContain(PHONE.substring(1));
                for (String app : List.of(scheduling, notifications)) {
                    String text = Await.value("the Kafka Streams series of " + app, DEADLINE, () -> {
                        HttpResponse<String> r = HttpCalls.get(app + "/metrics");
                        return r.statusCode() == 200 && PrometheusSamples.has(r.body(), "kafka_stream_state_block_cache_usage") ? r.body() : null;
                    });
                    assertThat(PrometheusSamples.sum(text, "kafka_stream_thread_process_total", Map.of())).isPositive();
                    assertThat(PrometheusSamples.count(text, "kafka_consumer_fetch_manager_records_lag_max", Map.of())).isPositive();
                    assertThat(text).doesNotContain("p-msg").doesNotContain(PHONE.substring(1));
                }

                // When the provider reports the reminder delivered, and then (late, out of order) sent
                assertThat(webhook(ingest, statusPayload(reminder.providerMessageId(), reminderId, "delivered", now.plusSeconds(2))))
                    .isEqualTo(200);
                assertThat(webhook(ingest, statusPayload(reminder.providerMessageId(), reminderId, "sent", now.plusSeconds(1))))
                    .isEqualTo(200);

                // Then the notification is DELIVERED, with each step in its history
                JsonNode tracked = Await.value("the delivery to be tracked", DEADLINE, () -> {
                    JsonNode n = HttpCalls.getJson(notifications + "/v1/notifications/" + reminderId);
                    return n != null && "DELIVERED".equals(n.get("status").asText()) && n.get("history").size() == 2 ? n : null;
                });
                assertThat(tracked.get("history").findValuesAsText("status")).containsExactly("SENT", "DELIVERED");
                assertThat(tracked.get("relatedBookingId").asText()).isEqualTo(BK_MSG);

                // When the patient replies "2" to the reminder; an unsigned copy is refused first
                String reply = inboundPayload("wamid.reply-1", " 2 ", reminder.providerMessageId(), Instant.now());
                assertThat(send(ingest, reply, "sha256=" + "0".repeat(64))).isEqualTo(401);
                assertThat(webhook(ingest, reply)).isEqualTo(200);

                // Then scheduling cancels the booking and the slot is free again
                Await.until("the booking to be cancelled", DEADLINE, () -> {
                    JsonNode b = HttpCalls.getJson(scheduling + "/v1/bookings/" + BK_MSG);
                    return b != null && "CANCELLED".equals(b.get("status").asText());
                });
                Await.until("the slot to be free again", DEADLINE, () -> freeSlots(scheduling).contains(slot.toString()));
                awaitCounted(scheduling, "careflow_bookings_total", Map.of("app", "streams-scheduling", "status", "CANCELLED", "reason", "none"), 1.0);
                // and the conversation shows the reply, what it answered and what was done
                JsonNode conversation = Await.value("the reply in the conversation", DEADLINE, () -> {
                    JsonNode m = HttpCalls.getJson(notifications + "/v1/patients/p-msg/messages");
                    return m != null && m.get("messages").findValuesAsText("direction").contains("INBOUND") ? m : null;
                });
                JsonNode inbound = conversation.get("messages").get(conversation.get("messages").size() - 1);
                assertThat(inbound.get("intent").asText()).isEqualTo("CANCEL");
                assertThat(inbound.get("action").asText()).isEqualTo("CANCELLATION_REQUESTED");
                assertThat(inbound.get("inReplyTo").asText()).isEqualTo(reminderId);

                // When streams-notifications restarts on the same state, and a new booking proves it and the dispatcher run again
                stack.restartNotifications();
                Instant next = slot.plus(Duration.ofMinutes(5));
                assertThat(book(ingest, "bk-after-restart", next).statusCode()).isEqualTo(202);
                Await.until("the new booking to be confirmed", DEADLINE, () -> {
                    JsonNode b = HttpCalls.getJson(scheduling + "/v1/bookings/" + BK_AFTER_RESTART);
                    return b != null && "CONFIRMED".equals(b.get("status").asText());
                });
                String newConfirmation = Await.value("the new booking's confirmation to be emitted", DEADLINE, () -> {
                    JsonNode r = HttpCalls.getJson(notifications + "/v1/patients/p-msg/reminders");
                    if (r == null) {
                        return null;
                    }
                    for (JsonNode booking : r.get("bookings")) {
                        if (booking.get("bookingId").asText().equals(BK_AFTER_RESTART)) {
                            JsonNode first = booking.get("reminders").get(0);
                            return first.hasNonNull("notificationId") ? first.get("notificationId").asText() : null;
                        }
                    }
                    return null;
                });
                RecordedRequest sentAfterRestart = cloudApi.awaitRequestFor(newConfirmation, DEADLINE);
                // The patient wrote within 24 hours, so it goes as free text rather than a template
                assertThat(sentAfterRestart.body().get("type").asText()).isEqualTo("text");

                // Then nothing sent before the restart was sent again
                assertThat(cloudApi.requestsFor(confirmation.notificationId())).hasSize(1);
                assertThat(cloudApi.requestsFor(reminderId)).hasSize(1);
                assertThat(cloudApi.requestsTo("/messages")).filteredOn(r -> r.rawBody().contains(BK_MSG)).hasSize(2);
            }
        }
        // And no log line of the whole flow holds the patient's id, their phone number or a token
        LogHygiene.assertNothingSensitiveLogged(List.of("p-msg"));
    }

    /** The app's metrics once the series {@code name} with {@code labels} reached {@code expected}. */
    private static String awaitCounted(String app, String name, Map<String, String> labels, double expected) {
        return Await.value(name + " " + labels + " to reach " + expected, DEADLINE, () -> {
            HttpResponse<String> response = HttpCalls.get(app + "/metrics");
            if (response.statusCode() == 429) {
                return null; // polling faster than the ops rate class allows: ask again
            }
            assertThat(response.statusCode()).isEqualTo(200);
            return PrometheusSamples.sum(response.body(), name, labels) == expected ? response.body() : null;
        });
    }

    /** The value of a template's named body parameter in a Cloud API request. */
    private static String parameter(JsonNode body, String name) {
        for (JsonNode p : body.path("template").path("components").get(0).path("parameters")) {
            if (name.equals(p.path("parameter_name").asText())) {
                return p.path("text").asText();
            }
        }
        return null;
    }

    private static RecordedRequest awaitTemplate(CloudApiStandIn cloudApi, String template) {
        return Await.value(template + " to be sent", DEADLINE, () -> cloudApi.requestsTo("/messages").stream()
            .filter(r -> r.body() != null && r.body().path("template").path("name").asText().equals(template)).findFirst().orElse(null));
    }

    private static List<String> freeSlots(String scheduling) {
        JsonNode slots = HttpCalls.getJson(scheduling + "/v1/providers/dr-msg/slots");
        return slots == null ? List.of() : slots.get("slots").findValuesAsText("start");
    }

    private static HttpResponse<String> book(String ingest, String bookingId, Instant slot) {
        return HttpCalls.send("POST", ingest + "/v1/bookings", """
            {"bookingId": "%s", "patientId": "p-msg", "providerId": "dr-msg", "facilityId": "f-msg", "slotStart": "%s", "appointmentType": "follow-up"}
            """.formatted(bookingId, slot));
    }

    private static String statusPayload(String wamid, String notificationId, String status, Instant at) {
        return envelope("""
            "statuses": [{"id": "%s", "status": "%s", "timestamp": "%d", "recipient_id": "%s", "biz_opaque_callback_data": "%s"}]
            """.formatted(wamid, status, at.getEpochSecond(), PHONE.substring(1), notificationId));
    }

    private static String inboundPayload(String id, String text, String repliedTo, Instant at) {
        return envelope("""
            "contacts": [{"profile": {"name": "Patient"}, "wa_id": "%s"}],
            "messages": [{"from": "%s", "id": "%s", "timestamp": "%d", "type": "text", "text": {"body": "%s"},
                          "context": {"from": "15550001111", "id": "%s"}}]
            """.formatted(PHONE.substring(1), PHONE.substring(1), id, at.getEpochSecond(), text, repliedTo));
    }

    private static String envelope(String value) {
        return """
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "100200300"},
              %s}}]}]}
            """.formatted(value);
    }

    /** Posts a webhook delivery signed with the app secret, as Meta signs it. */
    private static int webhook(String ingest, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return send(ingest, body, "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))));
    }

    private static int send(String ingest, String body, String signature) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingest + "/v1/webhooks/whatsapp"))
            .header("Content-Type", "application/json").header("X-Hub-Signature-256", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }
}
