package org.careflow.ingest.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignatureTest {

    private static final String SECRET = "app-secret-for-tests";
    private static final byte[] BODY = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    private final WebhookSignature signature = new WebhookSignature(new Password(SECRET));

    @Test
    void shouldBeValidWhenHeaderIsTheHmacOfTheBody() throws Exception {
        assertThat(signature.verify(BODY, sign(SECRET, BODY))).isEqualTo(WebhookSignature.Result.VALID);
    }

    @Test
    void shouldBeValidWhenHexIsUpperCase() throws Exception {
        String header = "sha256=" + sign(SECRET, BODY).substring("sha256=".length()).toUpperCase();

        assertThat(signature.verify(BODY, header)).isEqualTo(WebhookSignature.Result.VALID);
    }

    @Test
    void shouldMismatchWhenSignedWithAnotherSecret() throws Exception {
        assertThat(signature.verify(BODY, sign("another-secret", BODY))).isEqualTo(WebhookSignature.Result.MISMATCH);
    }

    @Test
    void shouldMismatchWhenOneByteOfTheBodyChangedAfterSigning() throws Exception {
        // Given
        String header = sign(SECRET, BODY);
        byte[] altered = BODY.clone();
        altered[altered.length - 3] ^= 0x01;

        // Then
        assertThat(signature.verify(altered, header)).isEqualTo(WebhookSignature.Result.MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void shouldBeMissingWhenHeaderIsEmpty(String header) {
        assertThat(signature.verify(BODY, header)).isEqualTo(WebhookSignature.Result.MISSING);
    }

    @Test
    void shouldBeMissingWhenHeaderIsAbsent() {
        assertThat(signature.verify(BODY, null)).isEqualTo(WebhookSignature.Result.MISSING);
    }

    @Test
    void shouldBeMalformedWhenHexDigitsAreNotHex() {
        assertThat(signature.verify(BODY, "sha256=" + "zz".repeat(32))).isEqualTo(WebhookSignature.Result.MALFORMED);
    }

    @Test
    void shouldBeMalformedWhenThePrefixIsMissingOrTheLengthIsWrong() throws Exception {
        String hex = sign(SECRET, BODY).substring("sha256=".length());

        assertThat(signature.verify(BODY, hex)).isEqualTo(WebhookSignature.Result.MALFORMED);
        assertThat(signature.verify(BODY, "sha1=" + hex)).isEqualTo(WebhookSignature.Result.MALFORMED);
        assertThat(signature.verify(BODY, "sha256=")).isEqualTo(WebhookSignature.Result.MALFORMED);
        assertThat(signature.verify(BODY, "sha256=" + hex.substring(2))).isEqualTo(WebhookSignature.Result.MALFORMED);
        assertThat(signature.verify(BODY, "sha256=" + hex + "00")).isEqualTo(WebhookSignature.Result.MALFORMED);
    }

    @Test
    void shouldRefuseToVerifyWhenNoSecretIsConfigured() {
        WebhookSignature unconfigured = new WebhookSignature(new Password(""));

        assertThat(unconfigured.configured()).isFalse();
        assertThat(signature.configured()).isTrue();
        assertThatThrownBy(() -> unconfigured.verify(BODY, "sha256=" + "00".repeat(32))).isInstanceOf(IllegalStateException.class);
    }

    /** The header Meta would send: computed here with the JDK, independently of the class under test. */
    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }
}
