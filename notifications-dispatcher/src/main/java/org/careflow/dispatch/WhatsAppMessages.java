package org.careflow.dispatch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.careflow.events.notifications.OutboundNotification;

/**
 * Builds the JSON body of a Cloud API {@code /messages} call for a notification: free-form text inside the
 * customer-service window when a built-in wording exists, otherwise the approved template with named body
 * parameters and, for appointment messages, Confirm and Cancel quick-reply buttons.
 */
final class WhatsAppMessages {

    /** Templates whose approved versions carry the two quick-reply buttons. */
    static final Set<String> TEMPLATES_WITH_BOOKING_BUTTONS = Set.of("appointment_confirmation", "appointment_reminder");
    static final String CONFIRM_PAYLOAD_PREFIX = "CONFIRM:";
    static final String CANCEL_PAYLOAD_PREFIX = "CANCEL:";

    private WhatsAppMessages() {
    }

    static ObjectNode body(OutboundNotification notification, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("messaging_product", "whatsapp");
        body.put("recipient_type", "individual");
        body.put("to", toField(notification.getRecipientAddress()));
        Optional<String> text = insideSessionWindow(notification, now)
            ? FreeFormWordings.render(notification.getTemplateId(), notification.getLanguage(), notification.getTemplateParameters())
            : Optional.empty();
        if (text.isPresent()) {
            body.put("type", "text");
            body.putObject("text").put("preview_url", false).put("body", text.get());
        } else {
            body.put("type", "template");
            body.set("template", template(notification));
        }
        // The Cloud API echoes this in its status webhooks: it is how a status finds its notification.
        body.put("biz_opaque_callback_data", notification.getNotificationId());
        return body;
    }

    static boolean insideSessionWindow(OutboundNotification notification, Instant now) {
        return notification.getSessionWindowEndsAt() != null && notification.getSessionWindowEndsAt().isAfter(now);
    }

    /** BCP 47 (en-GB) to the Cloud API's form (en_GB). */
    static String languageCode(String languageTag) {
        return languageTag.trim().replace('-', '_');
    }

    /** The Cloud API wants the number without the leading '+'. */
    static String toField(String e164) {
        String trimmed = e164.trim();
        return trimmed.startsWith("+") ? trimmed.substring(1) : trimmed;
    }

    private static ObjectNode template(OutboundNotification notification) {
        ObjectNode template = Json.MAPPER.createObjectNode();
        template.put("name", notification.getTemplateId());
        template.putObject("language").put("code", languageCode(notification.getLanguage()));
        ArrayNode components = template.putArray("components");
        Map<String, String> sorted = new TreeMap<>(notification.getTemplateParameters());
        if (!sorted.isEmpty()) {
            ObjectNode bodyComponent = components.addObject().put("type", "body");
            ArrayNode parameters = bodyComponent.putArray("parameters");
            sorted.forEach((name, value) -> parameters.addObject().put("type", "text").put("parameter_name", name).put("text", value));
        }
        String bookingId = notification.getRelatedBookingId();
        if (bookingId != null && TEMPLATES_WITH_BOOKING_BUTTONS.contains(notification.getTemplateId())) {
            addQuickReply(components, 0, CONFIRM_PAYLOAD_PREFIX + bookingId);
            addQuickReply(components, 1, CANCEL_PAYLOAD_PREFIX + bookingId);
        }
        return template;
    }

    private static void addQuickReply(ArrayNode components, int index, String payload) {
        ObjectNode button = components.addObject()
            .put("type", "button")
            .put("sub_type", "quick_reply")
            .put("index", String.valueOf(index));
        button.putArray("parameters").addObject().put("type", "payload").put("payload", payload);
    }
}
