package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.careflow.ingest.notifications.WhatsAppWebhook;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WhatsApp webhook is exempt from bearer tokens (Meta sends none) with authentication on: its HMAC signature is
 * what admits a delivery, so a signed delivery without a token is accepted, and an unsigned one is refused by the
 * signature check, not by the token check, even when it carries a valid token.
 */
class WebhookExemptionTest {

    private static final String DELIVERY = """
        {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": {
          "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "pn-1"},
          "messages": [{"from": "447700900123", "id": "wamid.IN1", "timestamp": "1764237600", "type": "text",
                        "text": {"body": "hello"}}]}}]}]}
        """;

    @TempDir
    Path dir;
    private final ECKey key = JwtTestKit.ecKey("webhook-test");
    private IngestTestServer server;

    @BeforeEach
    void start() {
        server = new IngestTestServer(SecurityGate.create(IngestTestServer.authSettings(key, dir, Map.of())));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> deliver(byte[] body, Map<String, String> headers, String token) throws Exception {
        return server.send("POST", WhatsAppWebhook.PATH, "application/json", body, token, headers);
    }

    @Test
    void shouldAcceptAndWriteWhenDeliveryIsSignedAndCarriesNoToken() throws Exception {
        // Given
        byte[] body = DELIVERY.getBytes(StandardCharsets.UTF_8);

        // When
        HttpResponse<String> response = deliver(body, Map.of("X-Hub-Signature-256", IngestTestServer.sign(body)), null);

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("messages").asInt()).isEqualTo(1);
        assertThat(server.producer.history()).singleElement()
            .satisfies(r -> assertThat(r.topic()).isEqualTo(Topics.INBOUND_MESSAGES.name()));
    }

    @Test
    void shouldRefuseBySignatureNotByTokenWhenDeliveryIsUnsigned() throws Exception {
        // When
        HttpResponse<String> response = deliver(DELIVERY.getBytes(StandardCharsets.UTF_8), Map.of(), null);

        // Then the signature check answered: its problem, and no bearer challenge
        assertRefusedBySignature(response, "has no X-Hub-Signature-256 header");
    }

    @Test
    void shouldRefuseBySignatureWhenDeliveryIsSignedWrongEvenWithValidToken() throws Exception {
        // Given a valid token, which grants nothing on a webhook route
        byte[] body = DELIVERY.getBytes(StandardCharsets.UTF_8);
        String token = JwtTestKit.mint(key).role(Role.INTEGRATION).facilities("F1").sign();
        String forged = IngestTestServer.sign("{}".getBytes(StandardCharsets.UTF_8));

        // When
        HttpResponse<String> response = deliver(body, Map.of("X-Hub-Signature-256", forged), token);

        // Then
        assertRefusedBySignature(response, "does not match the body");
    }

    @Test
    void shouldEchoChallengeWithoutTokenWhenVerifyTokenMatches() throws Exception {
        // When
        HttpResponse<String> response = server.send("GET", WhatsAppWebhook.PATH + "?hub.mode=subscribe&hub.verify_token="
            + IngestTestServer.VERIFY_TOKEN + "&hub.challenge=c-123", null, null, null, Map.of());

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("c-123");
    }

    private void assertRefusedBySignature(HttpResponse<String> response, String detail) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        JsonNode problem = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(problem.get("title").asText()).isEqualTo("Invalid signature");
        assertThat(problem.get("detail").asText()).contains(detail);
        assertThat(server.producer.history()).isEmpty();
    }
}
