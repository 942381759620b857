package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthSettingsTest {

    @TempDir
    Path dir;

    @Test
    void shouldUseDefaultsWhenOnlyIssuerAndJwksAreSet() {
        AuthSettings settings = AuthSettings.parse(Map.of(
            AuthSettings.JWT_ISSUER_CONFIG, "https://idp.example/",
            AuthSettings.JWT_JWKS_URL_CONFIG, "https://idp.example/jwks.json"));

        assertThat(settings.enabled()).isTrue();
        assertThat(settings.audiences()).containsExactly("careflow");
        assertThat(settings.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.claims()).isEqualTo(AuthSettings.ClaimNames.DEFAULTS);
        assertThat(settings.rateLimits().get(RateClass.BATCH)).isEqualTo(new AuthSettings.RateLimit(2, 5));
        assertThat(settings.publicKeyFile()).isNull();
    }

    @Test
    void shouldDecideAuthenticationOffOnlyWhenAuthIsDisabled() {
        AuthSettings on = AuthSettings.parse(Map.of(
            AuthSettings.JWT_ISSUER_CONFIG, "https://idp.example/",
            AuthSettings.JWT_JWKS_URL_CONFIG, "https://idp.example/jwks.json"));
        AuthSettings off = AuthSettings.parse(Map.of(AuthSettings.AUTH_ENABLED_CONFIG, false));

        assertThat(on.authenticationOff()).isFalse();
        assertThat(off.authenticationOff()).isTrue();
    }

    @Test
    void shouldNameTheClosestKeyWhenAnAuthKeyIsMisspelt() {
        assertThatThrownBy(() -> AuthSettings.parse(Map.of(AuthSettings.JWT_ISSUER_CONFIG, "x",
            AuthSettings.JWT_JWKS_URL_CONFIG, "https://idp.example/jwks.json", "auth.jwt.audiance", "careflow")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'auth.jwt.audiance'")
            .hasMessageContaining("did you mean '" + AuthSettings.JWT_AUDIENCE_CONFIG + "'?");
    }

    @Test
    void shouldNameBothKeysWhenNoKeySourceIsSet() {
        assertThatThrownBy(() -> AuthSettings.parse(Map.of(AuthSettings.JWT_ISSUER_CONFIG, "x")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("auth.jwt.jwks.url").hasMessageContaining("auth.jwt.public.key.file");
    }

    @Test
    void shouldRefuseBothKeySourcesAtOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("k.json"), "{}");

        assertThatThrownBy(() -> AuthSettings.parse(Map.of(AuthSettings.JWT_ISSUER_CONFIG, "x",
            AuthSettings.JWT_JWKS_URL_CONFIG, "https://idp.example/jwks.json",
            AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG, file.toString())))
            .hasMessageContaining("only one");
    }

    @Test
    void shouldRequireIssuerWhenEnabled() {
        assertThatThrownBy(() -> AuthSettings.parse(Map.of(AuthSettings.JWT_JWKS_URL_CONFIG, "https://idp.example/jwks.json")))
            .hasMessageContaining(AuthSettings.JWT_ISSUER_CONFIG);
    }

    @Test
    void shouldRefusePlainHttpJwksUnlessLoopback() {
        assertThatThrownBy(() -> AuthSettings.parse(Map.of(AuthSettings.JWT_ISSUER_CONFIG, "x",
            AuthSettings.JWT_JWKS_URL_CONFIG, "http://idp.example/jwks.json")))
            .hasMessageContaining("https://");
        assertThat(AuthSettings.parse(Map.of(AuthSettings.JWT_ISSUER_CONFIG, "x",
            AuthSettings.JWT_JWKS_URL_CONFIG, "http://127.0.0.1:9/jwks.json")).jwksUrl()).isNotNull();
    }

    @Test
    void shouldRefuseMissingKeyFileAndSkewOutOfRange() {
        assertThatThrownBy(() -> AuthSettings.parse(Map.of(AuthSettings.JWT_ISSUER_CONFIG, "x",
            AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG, dir.resolve("nope.pem").toString())))
            .hasMessageContaining("no readable file");
        assertThatThrownBy(() -> AuthSettings.parse(Map.of(AuthSettings.AUTH_ENABLED_CONFIG, false,
            AuthSettings.JWT_CLOCK_SKEW_MS_CONFIG, 300_001L)))
            .hasMessageContaining(AuthSettings.JWT_CLOCK_SKEW_MS_CONFIG);
    }

    @Test
    void shouldNeedNoKeySourceWhenDisabled() {
        AuthSettings settings = AuthSettings.parse(Map.of(AuthSettings.AUTH_ENABLED_CONFIG, false,
            AuthSettings.perSecondKey(RateClass.QUERY), 7));

        assertThat(settings.enabled()).isFalse();
        assertThat(settings.rateLimits().get(RateClass.QUERY).perSecond()).isEqualTo(7);
    }
}
