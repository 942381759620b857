package org.careflow.ingest.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.DeliveryError;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.validation.JsonReader;
import org.careflow.http.ProblemException;

/**
 * Turns a WhatsApp Cloud API webhook delivery into careflow events: each message a patient sent becomes an
 * {@link InboundMessage}, each status of a message careflow sent a {@link NotificationStatus}. The whole payload is
 * checked before anything is returned, so a delivery is written entirely or not at all; problems are a 400 naming each
 * bad field by JSON pointer. Fields careflow does not use are not checked: Meta adds fields over time, and refusing a
 * delivery makes Meta retry it for days.
 */
public final class WhatsAppPayloadParser {

    /** The {@code object} of every WhatsApp Business Account webhook. */
    public static final String OBJECT = "whatsapp_business_account";
    /** The only {@code field} of a change that carries messages and statuses; other fields are ignored. */
    public static final String MESSAGES_FIELD = "messages";
    public static final int MAX_ID_LENGTH = 256;
    /** Meta's own limit for {@code biz_opaque_callback_data}. */
    public static final int MAX_CALLBACK_DATA_LENGTH = 512;
    public static final int MAX_ERROR_MESSAGE_LENGTH = 1000;

    private static final Map<String, DeliveryStatus> STATUSES = Map.of(
        "sent", DeliveryStatus.SENT,
        "delivered", DeliveryStatus.DELIVERED,
        "read", DeliveryStatus.READ,
        "failed", DeliveryStatus.FAILED);
    private static final Pattern EPOCH_SECONDS = Pattern.compile("[0-9]{1,11}");
    private static final Pattern NON_DIGITS = Pattern.compile("[^0-9]");

    private final Clock clock;

    public WhatsAppPayloadParser(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What one delivery holds.
     *
     * @param messages the messages patients sent, in the order of the payload
     * @param statuses statuses of notifications careflow sent, in the order of the payload
     * @param ignored changes of another field and statuses careflow does not record (not sent by careflow, or a status
     *                careflow has no name for)
     */
    public record Events(List<InboundMessage> messages, List<NotificationStatus> statuses, int ignored) {
        public Events {
            messages = List.copyOf(messages);
            statuses = List.copyOf(statuses);
        }
    }

    /** Parses and validates a whole delivery; throws {@link ProblemException} (400) listing every problem. */
    public Events parse(JsonNode payload) {
        JsonReader in = new JsonReader();
        if (payload == null || !payload.isObject()) {
            in.error("", "the body must be a JSON object");
            throw ProblemException.invalid(in.errors());
        }
        String object = in.text(payload, "object", "/object", true, 64);
        if (object != null && !object.equals(OBJECT)) {
            in.error("/object", "must be " + OBJECT + ": subscribe this webhook to WhatsApp Business Account events only");
        }
        Instant now = clock.instant();
        Collector out = new Collector();
        List<JsonNode> entries = array(in, payload, "entry", "/entry", true);
        for (int i = 0; i < entries.size(); i++) {
            String entryPointer = "/entry/" + i;
            JsonNode entry = objectItem(in, entries.get(i), entryPointer);
            if (entry == null) {
                continue;
            }
            List<JsonNode> changes = array(in, entry, "changes", entryPointer + "/changes", true);
            for (int j = 0; j < changes.size(); j++) {
                String changePointer = entryPointer + "/changes/" + j;
                JsonNode change = objectItem(in, changes.get(j), changePointer);
                if (change == null) {
                    continue;
                }
                String field = in.text(change, "field", changePointer + "/field", true, 64);
                if (field == null) {
                    continue;
                }
                if (!field.equals(MESSAGES_FIELD)) {
                    out.ignored++;
                    continue;
                }
                JsonNode value = in.object(change, "value", changePointer + "/value", true);
                if (value != null) {
                    value(in, value, changePointer + "/value", now, out);
                }
            }
        }
        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        return new Events(out.messages, out.statuses, out.ignored);
    }

    private void value(JsonReader in, JsonNode value, String pointer, Instant now, Collector out) {
        String product = in.text(value, "messaging_product", pointer + "/messaging_product", false, 64);
        if (product != null && !product.equals("whatsapp")) {
            in.error(pointer + "/messaging_product", "must be whatsapp");
        }
        List<JsonNode> messages = array(in, value, "messages", pointer + "/messages", false);
        List<JsonNode> statuses = array(in, value, "statuses", pointer + "/statuses", false);
        // Careflow's number the patient wrote to tells which facility's line was used: needed with every message.
        JsonNode metadata = in.object(value, "metadata", pointer + "/metadata", !messages.isEmpty());
        String toPhone = metadata == null ? null : businessPhone(in, metadata, pointer + "/metadata", !messages.isEmpty());
        for (int k = 0; k < messages.size(); k++) {
            InboundMessage message = message(in, messages.get(k), pointer + "/messages/" + k, toPhone, now);
            if (message != null) {
                out.messages.add(message);
            }
        }
        for (int k = 0; k < statuses.size(); k++) {
            status(in, statuses.get(k), pointer + "/statuses/" + k, now, out);
        }
    }

    private static String businessPhone(JsonReader in, JsonNode metadata, String pointer, boolean required) {
        String display = in.text(metadata, "display_phone_number", pointer + "/display_phone_number", required, 64);
        if (display == null) {
            return null;
        }
        // Meta may format the display number ("+1 555-000-1111"); careflow stores E.164.
        String phone = "+" + NON_DIGITS.matcher(display).replaceAll("");
        if (!Phones.isE164(phone)) {
            in.error(pointer + "/display_phone_number", "must be a phone number with its country code, such as 15550001111");
            return null;
        }
        return phone;
    }

    private static InboundMessage message(JsonReader in, JsonNode item, String pointer, String toPhone, Instant now) {
        JsonNode message = objectItem(in, item, pointer);
        if (message == null) {
            return null;
        }
        String messageId = in.text(message, "id", pointer + "/id", true, MAX_ID_LENGTH);
        String fromPhone = senderPhone(in, message, pointer + "/from");
        Instant receivedAt = timestamp(in, message, pointer + "/timestamp");
        String type = in.text(message, "type", pointer + "/type", true, 64);
        Content content = type == null ? null : content(in, message, pointer, type);
        String replyTo = null;
        JsonNode context = in.object(message, "context", pointer + "/context", false);
        if (context != null) {
            replyTo = in.text(context, "id", pointer + "/context/id", false, MAX_ID_LENGTH);
        }
        if (messageId == null || fromPhone == null || receivedAt == null || content == null) {
            return null;
        }
        return InboundMessage.newBuilder()
            // Derived from the provider's id, so that a redelivered webhook yields the same event id.
            .setEventId(UUID.nameUUIDFromBytes(("WHATSAPP:" + messageId).getBytes(StandardCharsets.UTF_8)).toString())
            .setOccurredAt(now)
            .setMessageId(messageId)
            .setChannel(Channel.WHATSAPP)
            .setFromPhone(fromPhone)
            .setToPhone(toPhone)
            .setText(content.text())
            .setReceivedAt(receivedAt)
            .setReplyToProviderMessageId(replyTo)
            .setButtonPayload(content.buttonPayload())
            .build();
    }

    /** WhatsApp sends the sender's number as digits without the {@code +}. */
    private static String senderPhone(JsonReader in, JsonNode message, String pointer) {
        String from = in.text(message, "from", pointer, true, 32);
        if (from == null) {
            return null;
        }
        String phone = "+" + from;
        if (!Phones.isE164(phone)) {
            in.error(pointer, "must be the sender's WhatsApp number: country code and number in digits, without + "
                + "(such as 447700900123)");
            return null;
        }
        return phone;
    }

    private record Content(String text, String buttonPayload) {
    }

    /** The text a patient sent or the button they pressed; media and other types keep the message with empty text. */
    private static Content content(JsonReader in, JsonNode message, String pointer, String type) {
        switch (type) {
            case "text" -> {
                JsonNode text = in.object(message, "text", pointer + "/text", true);
                String body = text == null ? null : rawText(in, text, "body", pointer + "/text/body", true);
                return body == null ? null : new Content(body, null);
            }
            case "button" -> {
                JsonNode button = in.object(message, "button", pointer + "/button", true);
                if (button == null) {
                    return null;
                }
                String text = rawText(in, button, "text", pointer + "/button/text", true);
                String payload = rawText(in, button, "payload", pointer + "/button/payload", false);
                return text == null ? null : new Content(text, payload);
            }
            case "interactive" -> {
                JsonNode interactive = in.object(message, "interactive", pointer + "/interactive", true);
                if (interactive == null) {
                    return null;
                }
                String kind = in.text(interactive, "type", pointer + "/interactive/type", true, 64);
                if (kind == null) {
                    return null;
                }
                if (!kind.equals("button_reply") && !kind.equals("list_reply")) {
                    return new Content("", null);
                }
                String replyPointer = pointer + "/interactive/" + kind;
                JsonNode reply = in.object(interactive, kind, replyPointer, true);
                if (reply == null) {
                    return null;
                }
                String id = rawText(in, reply, "id", replyPointer + "/id", true);
                String title = rawText(in, reply, "title", replyPointer + "/title", true);
                return id == null || title == null ? null : new Content(title, id);
            }
            default -> {
                return new Content("", null);
            }
        }
    }

    /** Adds the status to {@code out}, or counts it as ignored when careflow did not send the message or has no name for the status. */
    private static void status(JsonReader in, JsonNode item, String pointer, Instant now, Collector out) {
        JsonNode status = objectItem(in, item, pointer);
        if (status == null) {
            return;
        }
        JsonNode callbackData = status.get("biz_opaque_callback_data");
        if (callbackData == null || callbackData.isNull() || (callbackData.isTextual() && callbackData.textValue().isBlank())) {
            // Careflow's dispatcher puts the notificationId there on every send: without it, someone else sent the
            // message (staff typing in the WhatsApp Business app, say), and its delivery is none of careflow's business.
            out.ignored++;
            return;
        }
        String notificationId = in.text(status, "biz_opaque_callback_data", pointer + "/biz_opaque_callback_data", true,
            MAX_CALLBACK_DATA_LENGTH);
        String providerMessageId = in.text(status, "id", pointer + "/id", true, MAX_ID_LENGTH);
        String name = in.text(status, "status", pointer + "/status", true, 64);
        Instant at = timestamp(in, status, pointer + "/timestamp");
        DeliveryStatus deliveryStatus = name == null ? null : STATUSES.get(name);
        DeliveryError error = deliveryStatus == DeliveryStatus.FAILED ? deliveryError(in, status, pointer) : null;
        if (notificationId == null || providerMessageId == null || name == null || at == null
            || (deliveryStatus == DeliveryStatus.FAILED && error == null)) {
            return;
        }
        if (deliveryStatus == null) {
            // Meta reports steps careflow has no name for (played, deleted, ...); they change nothing downstream.
            out.ignored++;
            return;
        }
        out.statuses.add(NotificationStatus.newBuilder()
            .setEventId(UUID.nameUUIDFromBytes((providerMessageId + ":" + name).getBytes(StandardCharsets.UTF_8)).toString())
            .setOccurredAt(now)
            .setNotificationId(notificationId)
            .setStatus(deliveryStatus)
            .setProviderMessageId(providerMessageId)
            .setError(error)
            .setAt(at)
            .build());
    }

    /** Meta's first error: its code, title and details, which describe the failure and never the message's content. */
    private static DeliveryError deliveryError(JsonReader in, JsonNode status, String pointer) {
        JsonNode errorsNode = status.get("errors");
        if (errorsNode == null || errorsNode.isNull() || (errorsNode.isArray() && errorsNode.isEmpty())) {
            return new DeliveryError(null, "WhatsApp reported the message as failed without a reason", false);
        }
        List<JsonNode> errors = array(in, status, "errors", pointer + "/errors", false);
        if (errors.isEmpty()) {
            return null;
        }
        String errorPointer = pointer + "/errors/0";
        JsonNode first = objectItem(in, errors.get(0), errorPointer);
        if (first == null) {
            return null;
        }
        JsonNode codeNode = first.get("code");
        String code = null;
        if (codeNode != null && !codeNode.isNull()) {
            if (codeNode.isIntegralNumber() || codeNode.isTextual()) {
                code = codeNode.asText();
            } else {
                in.error(errorPointer + "/code", "must be a whole number");
                return null;
            }
        }
        String title = rawText(in, first, "title", errorPointer + "/title", false);
        if (title == null || title.isBlank()) {
            title = rawText(in, first, "message", errorPointer + "/message", false);
        }
        String details = null;
        JsonNode errorData = in.object(first, "error_data", errorPointer + "/error_data", false);
        if (errorData != null) {
            details = rawText(in, errorData, "details", errorPointer + "/error_data/details", false);
        }
        String message = title == null || title.isBlank() ? "WhatsApp reported the message as failed" : title.strip();
        if (details != null && !details.isBlank()) {
            message = message + ": " + details.strip();
        }
        if (message.length() > MAX_ERROR_MESSAGE_LENGTH) {
            message = message.substring(0, MAX_ERROR_MESSAGE_LENGTH);
        }
        return new DeliveryError(code, message, false);
    }

    /** Epoch seconds; WhatsApp sends them as a string of digits. */
    private static Instant timestamp(JsonReader in, JsonNode parent, String pointer) {
        JsonNode node = parent.get("timestamp");
        if (node == null || node.isNull()) {
            in.error(pointer, "is required");
            return null;
        }
        String digits = node.isTextual() ? node.textValue() : node.isIntegralNumber() ? node.asText() : null;
        if (digits == null || !EPOCH_SECONDS.matcher(digits).matches()) {
            in.error(pointer, "must be seconds since 1970-01-01T00:00:00Z, such as \"1764237600\"");
            return null;
        }
        return Instant.ofEpochSecond(Long.parseLong(digits));
    }

    /** A string exactly as sent (a patient's text is kept as typed); empty is allowed. */
    private static String rawText(JsonReader in, JsonNode parent, String name, String pointer, boolean required) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                in.error(pointer, "is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            in.error(pointer, "must be a string");
            return null;
        }
        return node.textValue();
    }

    private static List<JsonNode> array(JsonReader in, JsonNode parent, String name, String pointer, boolean required) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                in.error(pointer, "is required");
            }
            return List.of();
        }
        if (!node.isArray()) {
            in.error(pointer, "must be an array");
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private static JsonNode objectItem(JsonReader in, JsonNode node, String pointer) {
        if (!node.isObject()) {
            in.error(pointer, "must be an object");
            return null;
        }
        return node;
    }

    /** What the parse has found so far. */
    private static final class Collector {
        private final List<InboundMessage> messages = new ArrayList<>();
        private final List<NotificationStatus> statuses = new ArrayList<>();
        private int ignored;
    }
}
