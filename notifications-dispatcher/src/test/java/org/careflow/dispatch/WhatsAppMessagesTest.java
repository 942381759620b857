package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.dispatch.TestNotifications.NOW;
import static org.careflow.dispatch.TestNotifications.reminder;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.careflow.events.notifications.OutboundNotification;
import org.junit.jupiter.api.Test;

class WhatsAppMessagesTest {

    @Test
    void shouldSendTemplateWithSortedNamedParametersAndBookingButtonsWhenOutsideSessionWindow() {
        // Given a reminder about a booking, with no open customer-service window
        OutboundNotification notification = reminder("n-1").build();

        // When its body is built
        JsonNode body = WhatsAppMessages.body(notification, NOW);

        // Then it is the approved template, in the Cloud API's language form, addressed without '+'
        assertThat(body.get("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(body.get("recipient_type").asText()).isEqualTo("individual");
        assertThat(body.get("to").asText()).isEqualTo("447700900123");
        assertThat(body.get("type").asText()).isEqualTo("template");
        assertThat(body.get("biz_opaque_callback_data").asText()).isEqualTo("n-1");
        assertThat(body.has("text")).isFalse();
        JsonNode template = body.get("template");
        assertThat(template.get("name").asText()).isEqualTo("appointment_reminder");
        assertThat(template.at("/language/code").asText()).isEqualTo("en_GB");

        // ... with every parameter named, sorted by name
        JsonNode components = template.get("components");
        assertThat(components).hasSize(3);
        JsonNode bodyComponent = components.get(0);
        assertThat(bodyComponent.get("type").asText()).isEqualTo("body");
        assertThat(names(bodyComponent.get("parameters")))
            .containsExactly("appointment_time", "appointment_type", "facility", "provider", "reminder_offset");
        JsonNode first = bodyComponent.get("parameters").get(0);
        assertThat(first.get("type").asText()).isEqualTo("text");
        assertThat(first.get("text").asText()).isEqualTo("Tue 3 Mar, 10:30");

        // ... and the Confirm and Cancel quick replies carrying the booking id
        assertButton(components.get(1), "0", "CONFIRM:bk-42");
        assertButton(components.get(2), "1", "CANCEL:bk-42");
    }

    @Test
    void shouldSendFreeFormTextWhenSessionWindowIsOpenAndEnglishWordingExists() {
        // Given a confirmation while the patient's customer-service window is still open
        OutboundNotification notification = reminder("n-2").setTemplateId("appointment_confirmation")
            .setSessionWindowEndsAt(NOW.plusSeconds(3600)).build();

        // When its body is built
        JsonNode body = WhatsAppMessages.body(notification, NOW);

        // Then it is plain text in the built-in English wording, without a template
        assertThat(body.get("type").asText()).isEqualTo("text");
        assertThat(body.has("template")).isFalse();
        assertThat(body.at("/text/body").asText()).isEqualTo(
            "Your follow-up appointment at Riverside Clinic is booked for Tue 3 Mar, 10:30. "
                + "Reply 1 to confirm you will come, or 2 to cancel.");
        assertThat(body.get("to").asText()).isEqualTo("447700900123");
        assertThat(body.get("biz_opaque_callback_data").asText()).isEqualTo("n-2");
    }

    @Test
    void shouldAskWhichAppointmentInFreeFormTextSinceTheQuestionIsSentInsideThePatientsWindow() {
        // Given the question a shared phone's ambiguous reply gets, inside the window that reply opened
        OutboundNotification notification = reminder("n-ask").setTemplateId("which_appointment")
            .setTemplateParameters(Map.of("appointments", "2")).setSessionWindowEndsAt(NOW.plusSeconds(3600)).build();

        // When its body is built
        JsonNode body = WhatsAppMessages.body(notification, NOW);

        // Then it is text, needing no approved template, and names how many appointments the phone has
        assertThat(body.get("type").asText()).isEqualTo("text");
        assertThat(body.at("/text/body").asText()).startsWith("This phone has 2 upcoming appointments");
    }

    @Test
    void shouldSendTheVerificationCodeAsTheApprovedTemplateOutsideTheWindowAndAsTextInsideIt() {
        OutboundNotification.Builder verification = reminder("n-code").setTemplateId("phone_verification")
            .setTemplateParameters(Map.of("code", "042917", "valid_hours", "24"));

        JsonNode outside = WhatsAppMessages.body(verification.setSessionWindowEndsAt(null).build(), NOW);
        JsonNode inside = WhatsAppMessages.body(verification.setSessionWindowEndsAt(NOW.plusSeconds(60)).build(), NOW);

        assertThat(outside.at("/template/name").asText()).isEqualTo("phone_verification");
        assertThat(outside.toString()).contains("042917");
        assertThat(inside.at("/text/body").asText()).contains("042917").contains("24 hours");
    }

    @Test
    void shouldSendReminderWordingWhenSessionWindowIsOpen() {
        // Given a reminder inside the window
        OutboundNotification notification = reminder("n-3").setSessionWindowEndsAt(NOW.plusSeconds(1)).build();

        // When its body is built
        JsonNode body = WhatsAppMessages.body(notification, NOW);

        // Then the reminder wording is used
        assertThat(body.at("/text/body").asText())
            .isEqualTo("Reminder: your follow-up appointment at Riverside Clinic is at Tue 3 Mar, 10:30. "
                + "Reply 1 to confirm you will come, or 2 to cancel.");
    }

    @Test
    void shouldSendTemplateWhenSessionWindowHasPassed() {
        // Given a window that closed a second ago
        OutboundNotification notification = reminder("n-4").setSessionWindowEndsAt(NOW.minusSeconds(1)).build();

        // When / Then: only a template may be sent
        assertThat(WhatsAppMessages.body(notification, NOW).get("type").asText()).isEqualTo("template");
    }

    @Test
    void shouldSendTemplateWhenSessionWindowEndsExactlyNow() {
        // Given a window that ends at this very instant
        OutboundNotification notification = reminder("n-5").setSessionWindowEndsAt(NOW).build();

        // When / Then: it is no longer open
        assertThat(WhatsAppMessages.body(notification, NOW).get("type").asText()).isEqualTo("template");
    }

    @Test
    void shouldSendTemplateWhenLanguageHasNoBuiltInWording() {
        // Given an open window but a Welsh-language notification, for which no free-form wording ships
        OutboundNotification notification = reminder("n-6").setLanguage("cy-GB").setSessionWindowEndsAt(NOW.plusSeconds(600)).build();

        // When its body is built
        JsonNode body = WhatsAppMessages.body(notification, NOW);

        // Then the approved Welsh template is sent
        assertThat(body.get("type").asText()).isEqualTo("template");
        assertThat(body.at("/template/language/code").asText()).isEqualTo("cy_GB");
    }

    @Test
    void shouldSendTemplateWhenWordingPlaceholderHasNoValue() {
        // Given an open window but no facility parameter to fill the wording with
        OutboundNotification notification = reminder("n-7").setTemplateParameters(Map.of("appointment_time", "10:30"))
            .setSessionWindowEndsAt(NOW.plusSeconds(600)).build();

        // When / Then: a half-filled text is not sent; the template is
        assertThat(WhatsAppMessages.body(notification, NOW).get("type").asText()).isEqualTo("template");
    }

    @Test
    void shouldOmitButtonsWhenTemplateIsAnAlertOrNoBookingIsRelated() {
        // Given a deterioration alert (related to a booking id by mistake) and a reminder without a booking
        OutboundNotification alert = reminder("n-8").setTemplateId("deterioration_alert")
            .setTemplateParameters(Map.of("score", "7", "band", "HIGH")).build();
        OutboundNotification withoutBooking = reminder("n-9").setRelatedBookingId(null).build();

        // When their bodies are built
        JsonNode alertComponents = WhatsAppMessages.body(alert, NOW).at("/template/components");
        JsonNode reminderComponents = WhatsAppMessages.body(withoutBooking, NOW).at("/template/components");

        // Then neither has buttons
        assertThat(alertComponents).hasSize(1);
        assertThat(names(alertComponents.get(0).get("parameters"))).containsExactly("band", "score");
        assertThat(reminderComponents).hasSize(1);
        assertThat(reminderComponents.get(0).get("type").asText()).isEqualTo("body");
    }

    @Test
    void shouldSendUnknownTemplateWithWhateverParametersThereAreWhenTemplateIdIsNotKnown() {
        // Given a template careflow has no wording for, inside the window, without parameters
        OutboundNotification notification = reminder("n-10").setTemplateId("clinic_closed").setTemplateParameters(Map.of())
            .setSessionWindowEndsAt(NOW.plusSeconds(600)).setLanguage("en").build();

        // When its body is built
        JsonNode body = WhatsAppMessages.body(notification, NOW);

        // Then it is that template with no components
        assertThat(body.get("type").asText()).isEqualTo("template");
        assertThat(body.at("/template/name").asText()).isEqualTo("clinic_closed");
        assertThat(body.at("/template/language/code").asText()).isEqualTo("en");
        assertThat(body.at("/template/components")).isEmpty();
    }

    private static List<String> names(JsonNode parameters) {
        List<String> names = new ArrayList<>();
        parameters.forEach(p -> names.add(p.get("parameter_name").asText()));
        return names;
    }

    private static void assertButton(JsonNode button, String index, String payload) {
        assertThat(button.get("type").asText()).isEqualTo("button");
        assertThat(button.get("sub_type").asText()).isEqualTo("quick_reply");
        assertThat(button.get("index").asText()).isEqualTo(index);
        assertThat(button.get("parameters")).hasSize(1);
        assertThat(button.at("/parameters/0/type").asText()).isEqualTo("payload");
        assertThat(button.at("/parameters/0/payload").asText()).isEqualTo(payload);
    }
}
