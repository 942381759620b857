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
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.careflow.dispatch.CloudApiStandIn;
import org.careflow.dispatch.DispatcherConfig;
import org.careflow.dispatch.CloudApiStandIn.RecordedRequest;
import org.careflow.ingest.IngestConfig;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.platform.embedded.Await;
import org.careflow.topics.BookingIds;
import org.careflow.http.metrics.PrometheusSamples;
import org.careflow.security.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, contacts, attacked over HTTP and the signed WhatsApp webhook on the whole local stack: another facility's
 * integration rewriting a patient's number, a patient registering someone else's number, a verification from the
 * wrong phone, and another facility that books the patient at its own provider to get its phone bound, then replies
 * "2" and STOP from it. Each step names the invariant it checks. The WhatsApp Cloud API is a local stand-in that records what
 * careflow sends.
 */
@Tag("integration")
class ContactsSecurityIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String APP_SECRET = "contacts-app-secret";
    private static final String FACILITY = "f-home";
    private static final String OTHER_FACILITY = "f-evil";
    /** careflow's id of the other facility's booking of the victim (its request names the facility). */
    private static final String EVIL_BOOKING = BookingIds.of(OTHER_FACILITY, "p-victim", "dr-evil", "bk-evil-1");
    private static final String VICTIM_PHONE = "+447700900101";
    private static final String ATTACKER_PHONE = "+447700900666";
    private static final String MALLORY_PHONE = "+447700900202";

    @Test
    void shouldKeepEveryPatientsNumberAndRepliesTheirsWhenFacilitiesAndPatientsAttackContacts(@TempDir Path dataDir) throws Exception {
        try (CloudApiStandIn cloudApi = CloudApiStandIn.start()) {
            StackOptions options = StackOptions.ephemeral(dataDir)
                .withSettings(LocalStack.INGEST, Map.of(IngestConfig.WHATSAPP_APP_SECRET_CONFIG, APP_SECRET,
                    IngestConfig.WHATSAPP_VERIFY_TOKEN_CONFIG, "contacts-verify"))
                .withSettings(LocalStack.DISPATCHER, Map.of(
                    DispatcherConfig.WHATSAPP_BASE_URL_CONFIG, cloudApi.baseUrl(),
                    DispatcherConfig.WHATSAPP_ACCESS_TOKEN_CONFIG, "contacts-token",
                    DispatcherConfig.WHATSAPP_PHONE_NUMBER_ID_CONFIG, "100200300"))
                .withSettings(LocalStack.NOTIFICATIONS, Map.of(
                    NotificationsConfig.QUIET_HOURS_CONFIG, ""));
            try (LocalStack stack = LocalStack.start(options)) {
                HttpCalls.actAs(stack.auth());
                String ingest = stack.ingestUrl();
                HttpCalls.registerFacilities(ingest, FACILITY, OTHER_FACILITY);
                String scheduling = stack.schedulingUrl();
                String notifications = stack.notificationsUrl();
                String home = stack.auth().token(Role.INTEGRATION, Set.of(FACILITY), null);
                String evil = stack.auth().token(Role.INTEGRATION, Set.of(OTHER_FACILITY), null);
                Instant day = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.DAYS);
                LocalDateTime start = LocalDateTime.ofInstant(day.plus(Duration.ofHours(9)), ZoneOffset.UTC);
                assertThat(HttpCalls.sendUntilAccepted("PUT", ingest + "/v1/providers/dr-home/schedule", """
                    {"facilityId": "%s", "timeZone": "UTC", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
                     "weekly": {}, "extraSessions": [{"date": "%s", "start": "09:00", "end": "12:00"}]}
                    """.formatted(FACILITY, start.toLocalDate())).statusCode()).isEqualTo(202);
                Instant first = day.plus(Duration.ofHours(9));
                Await.until("the provider's slots", DEADLINE, () -> freeSlots(scheduling).contains(first.toString()));

                // Given the victim's number, written by the home facility's integration, and a booking there
                assertThat(send("PUT", ingest + "/v1/patients/p-victim/contact", contact(VICTIM_PHONE), home)).isEqualTo(202);
                assertThat(book(ingest, "bk-victim-1", "p-victim", first)).isEqualTo(202);
                RecordedRequest confirmation = Await.value("the victim's confirmation", DEADLINE, () -> sentTo(cloudApi, VICTIM_PHONE,
                    "appointment_confirmation", 1));

                // Invariant: another facility's integration cannot rewrite a patient's number or consent
                assertThat(send("PUT", ingest + "/v1/patients/p-victim/contact", contact(ATTACKER_PHONE), evil)).isEqualTo(202);
                awaitCounted(notifications, Map.of("status", "WAITING_FOR_LINK", "reason", "NOT_LINKED"), 2.0);
                assertThat(book(ingest, "bk-victim-2", "p-victim", first.plus(Duration.ofMinutes(30)))).isEqualTo(202);
                Await.value("the second confirmation, to the victim's number", DEADLINE,
                    () -> sentTo(cloudApi, VICTIM_PHONE, "appointment_confirmation", 2));
                assertThat(cloudApi.requestsTo("/messages")).noneMatch(r -> r.body() != null
                    && r.body().path("to").asText().equals(ATTACKER_PHONE.substring(1)));

                // Invariant: a patient registering someone else's number does not take it over: a code goes to the number,
                // and the owner's replies still act for the owner
                assertThat(HttpCalls.send("PUT", ingest + "/v1/patients/p-mallory/contact", contact(VICTIM_PHONE)).statusCode()).isEqualTo(202);
                RecordedRequest stolenCode = Await.value("the verification sent to the victim's number", DEADLINE,
                    () -> sentTo(cloudApi, VICTIM_PHONE, "phone_verification", 1));
                assertThat(webhook(ingest, inbound(VICTIM_PHONE, "wamid.victim-2", "2", confirmation.providerMessageId()))).isEqualTo(200);
                Await.until("the victim's booking to be cancelled by the victim's own reply", DEADLINE, () -> {
                    JsonNode b = HttpCalls.getJson(scheduling + "/v1/bookings/" + victimBooking("bk-victim-1"));
                    return b != null && "CANCELLED".equals(b.get("status").asText());
                });
                assertThat(parameter(stolenCode.body(), "code")).matches("[0-9]{6}");

                // Invariant: a verification completes only from the phone, with its code
                assertThat(HttpCalls.send("PUT", ingest + "/v1/patients/p-mallory/contact", contact(MALLORY_PHONE)).statusCode()).isEqualTo(202);
                RecordedRequest verification = Await.value("the verification sent to mallory's number", DEADLINE,
                    () -> sentTo(cloudApi, MALLORY_PHONE, "phone_verification", 1));
                String code = parameter(verification.body(), "code");
                String wrong = code.equals("000000") ? "111111" : "000000";
                assertThat(webhook(ingest, inbound(ATTACKER_PHONE, "wamid.wrong-phone", code, null))).isEqualTo(200);
                assertThat(webhook(ingest, inbound(MALLORY_PHONE, "wamid.wrong-code", wrong, null))).isEqualTo(200);
                assertThat(webhook(ingest, inbound(MALLORY_PHONE, "wamid.right", code, verification.providerMessageId()))).isEqualTo(200);
                JsonNode log = Await.value("mallory's phone to be verified", DEADLINE, () -> {
                    JsonNode m = HttpCalls.getJson(notifications + "/v1/patients/p-mallory/messages");
                    return m != null && m.get("messages").findValuesAsText("action").contains("PHONE_VERIFIED") ? m : null;
                });
                // only the right message, from the right phone, reached mallory's conversation
                assertThat(log.get("messages").findValuesAsText("id")).doesNotContain("wamid.wrong-phone", "wamid.wrong-code");
                awaitCounted(notifications, Map.of("status", "PHONE_VERIFIED", "reason", "none"), 1.0);

                // Invariant: after all this the victim's number is still the victim's alone: a new booking's confirmation goes there
                // (the victim wrote, so it may go as free text: find it by its notification)
                assertThat(book(ingest, "bk-victim-3", "p-victim", first.plus(Duration.ofMinutes(60)))).isEqualTo(202);
                String third = Await.value("the third booking's confirmation", DEADLINE, () -> confirmationOf(notifications, victimBooking("bk-victim-3")));
                assertThat(cloudApi.awaitRequestFor(third, DEADLINE).body().path("to").asText()).isEqualTo(VICTIM_PHONE.substring(1));
                assertThat(cloudApi.requestsTo("/messages")).noneMatch(r -> r.body() != null
                    && r.body().path("to").asText().equals(ATTACKER_PHONE.substring(1)));

                // The other facility books the victim at its own provider: that links it, so its waiting write (the
                // attacker's phone) applies, but for the other facility's messages and bookings alone
                assertThat(send("PUT", ingest + "/v1/providers/dr-evil/schedule", schedule(OTHER_FACILITY, start), evil)).isEqualTo(202);
                Await.until("the other facility's slots", DEADLINE, () -> freeSlots(scheduling, "dr-evil").contains(first.toString()));
                assertThat(send("POST", ingest + "/v1/bookings", booking("bk-evil-1", "p-victim", "dr-evil", OTHER_FACILITY, first), evil)).isEqualTo(202);
                String evilConfirmation = Await.value("the other facility's confirmation", DEADLINE, () -> confirmationOf(notifications, EVIL_BOOKING));
                assertThat(cloudApi.awaitRequestFor(evilConfirmation, DEADLINE).body().path("to").asText()).isEqualTo(ATTACKER_PHONE.substring(1));

                // Invariant: another facility's phone never receives the home facility's messages
                assertThat(book(ingest, "bk-victim-4", "p-victim", first.plus(Duration.ofMinutes(90)))).isEqualTo(202);
                String fourth = Await.value("the fourth booking's confirmation", DEADLINE, () -> confirmationOf(notifications, victimBooking("bk-victim-4")));
                RecordedRequest fourthSent = cloudApi.awaitRequestFor(fourth, DEADLINE);
                assertThat(fourthSent.body().path("to").asText()).isEqualTo(VICTIM_PHONE.substring(1));
                Await.until("the victim's conversation to know the fourth confirmation's provider id", DEADLINE, () -> {
                    JsonNode m = HttpCalls.getJson(notifications + "/v1/patients/p-victim/messages");
                    return m != null && fourthSent.providerMessageId().equals(entry(m, fourth).path("providerMessageId").asText());
                });

                // Invariant: a "2" from the phone another facility bound acts only on that facility's bookings: answering the
                // home facility's confirmation does nothing; typed, it cancels the other facility's own booking
                assertThat(webhook(ingest, inbound(ATTACKER_PHONE, "wamid.evil-ctx", "2", fourthSent.providerMessageId()))).isEqualTo(200);
                assertThat(webhook(ingest, inbound(ATTACKER_PHONE, "wamid.evil-2", "2", null))).isEqualTo(200);
                JsonNode acted = Await.value("both replies from the other facility's phone to be decided", DEADLINE, () -> {
                    JsonNode m = HttpCalls.getJson(notifications + "/v1/patients/p-victim/messages");
                    return m != null && m.get("messages").findValuesAsText("id").containsAll(List.of("wamid.evil-ctx", "wamid.evil-2")) ? m : null;
                });
                assertThat(entry(acted, "wamid.evil-ctx").path("action").asText()).isEqualTo("TO_INBOX");
                assertThat(entry(acted, "wamid.evil-2").path("action").asText()).isEqualTo("CANCELLATION_REQUESTED");
                assertThat(entry(acted, "wamid.evil-2").path("bookingId").asText()).isEqualTo(EVIL_BOOKING);
                Await.until("the other facility's own booking to be cancelled", DEADLINE, () -> {
                    JsonNode b = getJson(scheduling + "/v1/bookings/" + EVIL_BOOKING, stack.auth().token(Role.SCHEDULER, Set.of(OTHER_FACILITY), null));
                    return b != null && "CANCELLED".equals(b.get("status").asText());
                });
                for (String kept : List.of("bk-victim-2", "bk-victim-3", "bk-victim-4")) {
                    assertThat(HttpCalls.getJson(scheduling + "/v1/bookings/" + victimBooking(kept)).get("status").asText()).as(kept).isEqualTo("CONFIRMED");
                }

                // Invariant: STOP from that phone does not silence the home facility's messages to the victim's number
                assertThat(webhook(ingest, inbound(ATTACKER_PHONE, "wamid.evil-stop", "STOP", null))).isEqualTo(200);
                Await.until("the STOP to be decided", DEADLINE, () -> {
                    JsonNode m = HttpCalls.getJson(notifications + "/v1/patients/p-victim/messages");
                    return m != null && m.get("messages").findValuesAsText("id").contains("wamid.evil-stop")
                        && "CONSENT_REVOKED".equals(entry(m, "wamid.evil-stop").path("action").asText());
                });
                assertThat(book(ingest, "bk-victim-5", "p-victim", first.plus(Duration.ofMinutes(120)))).isEqualTo(202);
                String fifth = Await.value("the fifth booking's confirmation", DEADLINE, () -> confirmationOf(notifications, victimBooking("bk-victim-5")));
                assertThat(cloudApi.awaitRequestFor(fifth, DEADLINE).body().path("to").asText()).isEqualTo(VICTIM_PHONE.substring(1));
                assertThat(cloudApi.requestsTo("/messages")).filteredOn(r -> r.body() != null
                    && r.body().path("to").asText().equals(ATTACKER_PHONE.substring(1))).hasSize(1);
            }
        }
        LogHygiene.assertNothingSensitiveLogged(List.of("p-victim", "p-mallory"));
    }

    private static String contact(String phone) {
        return """
            {"phone": "%s", "preferredChannel": "WHATSAPP", "language": "en-GB", "timeZone": "Europe/London",
             "consent": {"granted": true, "at": "%s"}}
            """.formatted(phone, Instant.now().minus(Duration.ofMinutes(1)));
    }

    /** careflow's id of the victim's booking {@code clientId} with the home facility's provider. */
    private static String victimBooking(String clientId) {
        return BookingIds.of(FACILITY, "p-victim", "dr-home", clientId);
    }

    private static int book(String ingest, String bookingId, String patientId, Instant slot) {
        return HttpCalls.sendUntilAccepted("POST", ingest + "/v1/bookings", booking(bookingId, patientId, "dr-home", FACILITY, slot)).statusCode();
    }

    /** The {@code n}th message of {@code template} sent to {@code phone}, or null while there are fewer. */
    private static RecordedRequest sentTo(CloudApiStandIn cloudApi, String phone, String template, int n) {
        List<RecordedRequest> sent = cloudApi.requestsTo("/messages").stream()
            .filter(r -> r.body() != null && r.body().path("to").asText().equals(phone.substring(1))
                && r.body().path("template").path("name").asText().equals(template))
            .toList();
        return sent.size() >= n ? sent.get(n - 1) : null;
    }

    /** The notificationId of a booking's confirmation, once planned. */
    private static String confirmationOf(String notifications, String bookingId) {
        JsonNode r = HttpCalls.getJson(notifications + "/v1/patients/p-victim/reminders");
        if (r == null) {
            return null;
        }
        for (JsonNode booking : r.get("bookings")) {
            if (booking.get("bookingId").asText().equals(bookingId)) {
                JsonNode first = booking.get("reminders").get(0);
                return first.hasNonNull("notificationId") ? first.get("notificationId").asText() : null;
            }
        }
        return null;
    }

    private static String schedule(String facilityId, LocalDateTime start) {
        return """
            {"facilityId": "%s", "timeZone": "UTC", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
             "weekly": {}, "extraSessions": [{"date": "%s", "start": "09:00", "end": "12:00"}]}
            """.formatted(facilityId, start.toLocalDate());
    }

    /** A booking as a facility's integration posts it, naming its facility. */
    private static String booking(String bookingId, String patientId, String providerId, String facilityId, Instant slot) {
        return """
            {"bookingId": "%s", "patientId": "%s", "providerId": "%s", "facilityId": "%s", "slotStart": "%s", "appointmentType": "follow-up"}
            """.formatted(bookingId, patientId, providerId, facilityId, slot);
    }

    /** The conversation entry with {@code id}. */
    private static JsonNode entry(JsonNode log, String id) {
        for (JsonNode m : log.get("messages")) {
            if (id.equals(m.path("id").asText())) {
                return m;
            }
        }
        return HttpCalls.json("{}");
    }

    /** The JSON body of a 200 answer to a GET with an explicit token, or null. */
    private static JsonNode getJson(String url, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET().build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? HttpCalls.json(response.body()) : null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String parameter(JsonNode body, String name) {
        for (JsonNode p : body.path("template").path("components").get(0).path("parameters")) {
            if (name.equals(p.path("parameter_name").asText())) {
                return p.path("text").asText();
            }
        }
        return null;
    }

    private static List<String> freeSlots(String scheduling) {
        return freeSlots(scheduling, "dr-home");
    }

    private static List<String> freeSlots(String scheduling, String provider) {
        JsonNode slots = HttpCalls.getJson(scheduling + "/v1/providers/" + provider + "/slots");
        return slots == null ? List.of() : slots.get("slots").findValuesAsText("start");
    }

    private static void awaitCounted(String notifications, Map<String, String> labels, double expected) {
        Await.until("careflow_contact_decisions_total " + labels + " to reach " + expected, DEADLINE, () -> {
            HttpResponse<String> response = HttpCalls.get(notifications + "/metrics");
            return response.statusCode() == 200
                && PrometheusSamples.sum(response.body(), "careflow_contact_decisions_total", labels) == expected;
        });
    }

    private static String inbound(String phone, String id, String text, String repliedTo) {
        String context = repliedTo == null ? "" : ", \"context\": {\"from\": \"15550001111\", \"id\": \"" + repliedTo + "\"}";
        return """
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "100200300"},
              "messages": [{"from": "%s", "id": "%s", "timestamp": "%d", "type": "text", "text": {"body": "%s"}%s}]}}]}]}
            """.formatted(phone.substring(1), id, Instant.now().getEpochSecond(), text, context);
    }

    /** Posts a webhook delivery signed with the app secret, as Meta signs it. */
    private static int webhook(String ingest, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingest + "/v1/webhooks/whatsapp"))
            .header("Content-Type", "application/json")
            .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    /** Sends with an explicit bearer token: the attacker's, not the one ItCallers would pick. */
    private static int send(String method, String url, String body, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }
}
