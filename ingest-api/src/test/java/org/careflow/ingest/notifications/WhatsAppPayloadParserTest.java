package org.careflow.ingest.notifications;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.DeliveryError;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WhatsAppPayloadParserTest {

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final WhatsAppPayloadParser parser = new WhatsAppPayloadParser(Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void shouldBuildInboundMessageWhenPatientSendsText() throws Exception {
        // Given
        String payload = messages("""
            {"from": "447700900123", "id": "wamid.A1", "timestamp": "1764237600", "type": "text", "text": {"body": " Yes, see you then "}}
            """);

        // When
        WhatsAppPayloadParser.Events events = parser.parse(HttpServerFactory.MAPPER.readTree(payload));

        // Then
        assertThat(events.messages()).hasSize(1);
        assertThat(events.statuses()).isEmpty();
        assertThat(events.ignored()).isZero();
        InboundMessage message = events.messages().get(0);
        assertThat(message.getEventId()).isEqualTo(UUID.nameUUIDFromBytes("WHATSAPP:wamid.A1".getBytes(StandardCharsets.UTF_8)).toString());
        assertThat(message.getOccurredAt()).isEqualTo(now);
        assertThat(message.getMessageId()).isEqualTo("wamid.A1");
        assertThat(message.getChannel()).isEqualTo(Channel.WHATSAPP);
        assertThat(message.getFromPhone()).isEqualTo("+447700900123");
        assertThat(message.getToPhone()).isEqualTo("+15550001111");
        assertThat(message.getText()).isEqualTo(" Yes, see you then ");
        assertThat(message.getReceivedAt()).isEqualTo(Instant.ofEpochSecond(1764237600L));
        assertThat(message.getButtonPayload()).isNull();
        assertThat(message.getReplyToProviderMessageId()).isNull();
        assertThat(message.getPatientId()).isNull();
        assertThat(message.getIntent()).isNull();
        assertThat(message.getInReplyTo()).isNull();
    }

    @Test
    void shouldDeriveTheSameEventIdWhenTheSameMessageIsRedelivered() throws Exception {
        String payload = messages(text("wamid.A1", "hello"));

        assertThat(parse(payload).messages().get(0).getEventId()).isEqualTo(parse(payload).messages().get(0).getEventId());
    }

    @Test
    void shouldKeepButtonTextAndPayloadWhenPatientPressesAQuickReply() throws Exception {
        WhatsAppPayloadParser.Events events = parse(messages("""
            {"from": "447700900123", "id": "wamid.B1", "timestamp": "1764237600", "type": "button",
             "context": {"from": "15550001111", "id": "wamid.OUT1"},
             "button": {"text": "Cancel", "payload": "CANCEL:bk-123"}}
            """));

        InboundMessage message = events.messages().get(0);
        assertThat(message.getText()).isEqualTo("Cancel");
        assertThat(message.getButtonPayload()).isEqualTo("CANCEL:bk-123");
        assertThat(message.getReplyToProviderMessageId()).isEqualTo("wamid.OUT1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"button_reply", "list_reply"})
    void shouldKeepReplyTitleAndIdWhenPatientAnswersAnInteractiveMessage(String kind) throws Exception {
        WhatsAppPayloadParser.Events events = parse(messages("""
            {"from": "447700900123", "id": "wamid.I1", "timestamp": "1764237600", "type": "interactive",
             "context": {"id": "wamid.OUT2"},
             "interactive": {"type": "%s", "%s": {"id": "CONFIRM:bk-9", "title": "Confirm", "description": "Keep it"}}}
            """.formatted(kind, kind)));

        InboundMessage message = events.messages().get(0);
        assertThat(message.getText()).isEqualTo("Confirm");
        assertThat(message.getButtonPayload()).isEqualTo("CONFIRM:bk-9");
        assertThat(message.getReplyToProviderMessageId()).isEqualTo("wamid.OUT2");
    }

    @Test
    void shouldKeepMessageWithEmptyTextWhenPatientSendsAnImage() throws Exception {
        WhatsAppPayloadParser.Events events = parse(messages("""
            {"from": "447700900123", "id": "wamid.M1", "timestamp": "1764237600", "type": "image",
             "image": {"caption": "my rash", "mime_type": "image/jpeg", "sha256": "abc", "id": "media-1"}}
            """));

        assertThat(events.messages()).singleElement().satisfies(m -> {
            assertThat(m.getText()).isEmpty();
            assertThat(m.getButtonPayload()).isNull();
            assertThat(m.getMessageId()).isEqualTo("wamid.M1");
        });
    }

    @Test
    void shouldKeepMessagesInPayloadOrderWhenOneDeliveryHoldsSeveral() throws Exception {
        WhatsAppPayloadParser.Events events = parse(messages(text("wamid.1", "first") + "," + text("wamid.2", "second")));

        assertThat(events.messages()).extracting(InboundMessage::getText).containsExactly("first", "second");
    }

    @ParameterizedTest
    @CsvSource({"sent, SENT", "delivered, DELIVERED", "read, READ"})
    void shouldBuildStatusKeyedByCallbackDataWhenCareflowSentTheMessage(String reported, DeliveryStatus expected) throws Exception {
        // When
        WhatsAppPayloadParser.Events events = parse(statuses("""
            {"id": "wamid.OUT1", "status": "%s", "timestamp": "1764237660", "recipient_id": "447700900123",
             "biz_opaque_callback_data": "n-42", "conversation": {"id": "c-1"}, "pricing": {"billable": true}}
            """.formatted(reported)));

        // Then
        assertThat(events.messages()).isEmpty();
        assertThat(events.ignored()).isZero();
        NotificationStatus status = events.statuses().get(0);
        assertThat(status.getEventId())
            .isEqualTo(UUID.nameUUIDFromBytes(("wamid.OUT1:" + reported).getBytes(StandardCharsets.UTF_8)).toString());
        assertThat(status.getOccurredAt()).isEqualTo(now);
        assertThat(status.getNotificationId()).isEqualTo("n-42");
        assertThat(status.getStatus()).isEqualTo(expected);
        assertThat(status.getProviderMessageId()).isEqualTo("wamid.OUT1");
        assertThat(status.getAt()).isEqualTo(Instant.ofEpochSecond(1764237660L));
        assertThat(status.getError()).isNull();
    }

    @Test
    void shouldRecordCodeTitleAndDetailsWhenDeliveryFailed() throws Exception {
        WhatsAppPayloadParser.Events events = parse(statuses("""
            {"id": "wamid.OUT1", "status": "failed", "timestamp": "1764237660", "recipient_id": "447700900123",
             "biz_opaque_callback_data": "n-42",
             "errors": [{"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
                         "error_data": {"details": "More than 24 hours have passed since the recipient last replied."}}]}
            """));

        NotificationStatus status = events.statuses().get(0);
        assertThat(status.getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(status.getError()).isEqualTo(new DeliveryError("131047",
            "Re-engagement message: More than 24 hours have passed since the recipient last replied.", false));
    }

    @Test
    void shouldRecordAFailureWithoutCauseWhenFailedStatusHasNoErrors() throws Exception {
        WhatsAppPayloadParser.Events events = parse(statuses("""
            {"id": "wamid.OUT1", "status": "failed", "timestamp": "1764237660", "biz_opaque_callback_data": "n-42"}
            """));

        assertThat(events.statuses().get(0).getError())
            .isEqualTo(new DeliveryError(null, "WhatsApp reported the message as failed without a reason", false));
    }

    @Test
    void shouldIgnoreStatusWhenItHasNoCallbackData() throws Exception {
        // Given: a message staff sent from the WhatsApp Business app, not through careflow
        String payload = statuses("""
            {"id": "wamid.STAFF", "status": "delivered", "timestamp": "1764237660", "recipient_id": "447700900123"},
            {"id": "wamid.STAFF2", "status": "read", "timestamp": "1764237660", "biz_opaque_callback_data": ""},
            {"id": "wamid.OUT1", "status": "read", "timestamp": "1764237660", "biz_opaque_callback_data": "n-42"}
            """);

        // When
        WhatsAppPayloadParser.Events events = parse(payload);

        // Then
        assertThat(events.statuses()).extracting(NotificationStatus::getProviderMessageId).containsExactly("wamid.OUT1");
        assertThat(events.ignored()).isEqualTo(2);
    }

    @Test
    void shouldIgnoreStatusWhenCareflowHasNoNameForIt() throws Exception {
        WhatsAppPayloadParser.Events events = parse(statuses("""
            {"id": "wamid.OUT1", "status": "played", "timestamp": "1764237660", "biz_opaque_callback_data": "n-42"}
            """));

        assertThat(events.statuses()).isEmpty();
        assertThat(events.ignored()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreChangeWhenItsFieldIsNotMessages() throws Exception {
        WhatsAppPayloadParser.Events events = parse("""
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [
              {"field": "message_template_status_update", "value": {"event": "APPROVED", "message_template_id": 1}},
              {"field": "messages", "value": {"messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550001111", "phone_number_id": "pn-1"},
                "messages": [%s]}}]}]}
            """.formatted(text("wamid.A1", "hi")));

        assertThat(events.messages()).hasSize(1);
        assertThat(events.ignored()).isEqualTo(1);
    }

    @Test
    void shouldAcceptDeliveryWhenItHoldsNoEvents() throws Exception {
        WhatsAppPayloadParser.Events events = parse("{\"object\": \"whatsapp_business_account\", \"entry\": []}");

        assertThat(events.messages()).isEmpty();
        assertThat(events.statuses()).isEmpty();
        assertThat(events.ignored()).isZero();
    }

    @Test
    void shouldNormaliseBusinessNumberWhenMetaFormatsIt() throws Exception {
        String payload = messages(text("wamid.A1", "hi")).replace("\"15550001111\"", "\"+1 555-000-1111\"");

        assertThat(parse(payload).messages().get(0).getToPhone()).isEqualTo("+15550001111");
    }

    @Test
    void shouldNameEveryBadFieldByPointerWhenPayloadIsInvalid() throws Exception {
        // Given: the second message has a bad sender, the third no id and an unreadable timestamp, a status lacks its status
        String payload = """
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [
              {"field": "messages", "value": {"messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550001111", "phone_number_id": "pn-1"},
                "messages": [%s,
                  {"from": "+44 7700", "id": "wamid.2", "timestamp": "1764237600", "type": "text", "text": {"body": "x"}},
                  {"from": "447700900123", "timestamp": "yesterday", "type": "text", "text": {"body": "x"}},
                  {"from": "447700900123", "id": "wamid.4", "timestamp": "1764237600", "type": "text"}],
                "statuses": [{"id": "wamid.OUT1", "timestamp": "1764237660", "biz_opaque_callback_data": "n-42"}]}}]}]}
            """.formatted(text("wamid.1", "ok"));

        // Then
        assertThat(errors(payload)).containsExactly(
            new FieldError("/entry/0/changes/0/value/messages/1/from",
                "must be the sender's WhatsApp number: country code and number in digits, without + (such as 447700900123)"),
            new FieldError("/entry/0/changes/0/value/messages/2/id", "is required"),
            new FieldError("/entry/0/changes/0/value/messages/2/timestamp",
                "must be seconds since 1970-01-01T00:00:00Z, such as \"1764237600\""),
            new FieldError("/entry/0/changes/0/value/messages/3/text", "is required"),
            new FieldError("/entry/0/changes/0/value/statuses/0/status", "is required"));
    }

    @Test
    void shouldRejectPayloadWhenTheEnvelopeIsWrong() throws Exception {
        assertThat(errors("{\"object\": \"page\", \"entry\": {}}")).containsExactly(
            new FieldError("/object", "must be whatsapp_business_account: subscribe this webhook to WhatsApp Business Account events only"),
            new FieldError("/entry", "must be an array"));
    }

    @Test
    void shouldRejectPayloadWhenChangesAreMissingOrMalformed() throws Exception {
        assertThat(errors("""
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1"}, 7, {"changes": [{"value": {}}, {"field": "messages"},
              {"field": "messages", "value": {"messages": [7], "statuses": "none"}}]}]}
            """)).containsExactly(
            new FieldError("/entry/0/changes", "is required"),
            new FieldError("/entry/1", "must be an object"),
            new FieldError("/entry/2/changes/0/field", "is required"),
            new FieldError("/entry/2/changes/1/value", "is required"),
            new FieldError("/entry/2/changes/2/value/statuses", "must be an array"),
            new FieldError("/entry/2/changes/2/value/metadata", "is required"),
            new FieldError("/entry/2/changes/2/value/messages/0", "must be an object"));
    }

    @Test
    void shouldRejectReplyWhenInteractiveAnswerLacksItsIdOrTitle() throws Exception {
        assertThat(errors(messages("""
            {"from": "447700900123", "id": "wamid.I1", "timestamp": "1764237600", "type": "interactive",
             "interactive": {"type": "button_reply", "button_reply": {"title": 5}}}
            """))).containsExactly(
            new FieldError("/entry/0/changes/0/value/messages/0/interactive/button_reply/id", "is required"),
            new FieldError("/entry/0/changes/0/value/messages/0/interactive/button_reply/title", "must be a string"));
    }

    @Test
    void shouldRejectFailedStatusWhenErrorCodeIsNotANumber() throws Exception {
        assertThat(errors(statuses("""
            {"id": "wamid.OUT1", "status": "failed", "timestamp": "1764237660", "biz_opaque_callback_data": "n-42",
             "errors": [{"code": {"x": 1}, "title": "t"}]}
            """))).containsExactly(new FieldError("/entry/0/changes/0/value/statuses/0/errors/0/code", "must be a whole number"));
    }

    @Test
    void shouldRejectBodyWhenNotAnObject() {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> parser.parse(HttpServerFactory.MAPPER.readTree("[]")));

        assertThat(e.problem().errors()).containsExactly(new FieldError("", "the body must be a JSON object"));
    }

    static String text(String id, String body) {
        return """
            {"from": "447700900123", "id": "%s", "timestamp": "1764237600", "type": "text", "text": {"body": "%s"}}
            """.formatted(id, body);
    }

    /** A delivery of {@code items}, the JSON of messages separated by commas, as Meta sends it. */
    static String messages(String items) {
        return """
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "pn-1"},
              "contacts": [{"profile": {"name": "Pat"}, "wa_id": "447700900123"}],
              "messages": [%s]}}]}]}
            """.formatted(items);
    }

    static String statuses(String items) {
        return """
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "pn-1"},
              "statuses": [%s]}}]}]}
            """.formatted(items);
    }

    private WhatsAppPayloadParser.Events parse(String payload) throws Exception {
        return parser.parse(HttpServerFactory.MAPPER.readTree(payload));
    }

    private List<FieldError> errors(String payload) throws Exception {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> parse(payload));
        assertThat(e).as("a ProblemException").isNotNull();
        assertThat(e.problem().status()).isEqualTo(400);
        return e.problem().errors();
    }
}
