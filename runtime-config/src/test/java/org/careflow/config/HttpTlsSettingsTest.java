package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTlsSettingsTest {

    private static final ConfigDef DEF = CommonConfig.define(new ConfigDef(), 8080);

    @TempDir
    Path dir;

    private static HttpTlsSettings from(Map<String, Object> settings) {
        return HttpTlsSettings.from(new AbstractConfig(DEF, settings, false));
    }

    @Test
    void shouldServePlainHttpWhenNoKeystoreIsSet() {
        // When
        HttpTlsSettings tls = from(Map.of());

        // Then
        assertThat(tls.enabled()).isFalse();
        assertThat(tls.scheme()).isEqualTo("http");
        assertThat(tls.keystoreType()).isEqualTo("PKCS12");
    }

    @Test
    void shouldSayHowToFixAKeystorePathWithoutAFile() {
        assertThatThrownBy(() -> from(Map.of(CommonConfig.HTTP_TLS_KEYSTORE_PATH_CONFIG, dir.resolve("missing.p12").toString(),
            CommonConfig.HTTP_TLS_KEYSTORE_PASSWORD_CONFIG, "secret")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(CommonConfig.HTTP_TLS_KEYSTORE_PATH_CONFIG)
            .hasMessageContaining("leave it empty for plain HTTP");
    }

    @Test
    void shouldAskForTheKeystorePasswordWithoutPrintingIt() throws IOException {
        Path keystore = Files.writeString(dir.resolve("server.p12"), "x");
        assertThatThrownBy(() -> from(Map.of(CommonConfig.HTTP_TLS_KEYSTORE_PATH_CONFIG, keystore.toString())))
            .isInstanceOf(ConfigException.class).hasMessageContaining(CommonConfig.HTTP_TLS_KEYSTORE_PASSWORD_CONFIG);
    }

    @Test
    void shouldNameTheTruststoreKeyWhenItsFileIsMissing() {
        assertThatThrownBy(() -> from(Map.of(CommonConfig.HTTP_TLS_TRUSTSTORE_PATH_CONFIG, dir.resolve("trust.p12").toString())))
            .isInstanceOf(ConfigException.class).hasMessageContaining(CommonConfig.HTTP_TLS_TRUSTSTORE_PATH_CONFIG);
    }

    @Test
    void shouldHidePasswordsWhenPrinted() throws IOException {
        // Given
        Path keystore = Files.writeString(dir.resolve("server.p12"), "x");

        // When
        HttpTlsSettings tls = from(Map.of(CommonConfig.HTTP_TLS_KEYSTORE_PATH_CONFIG, keystore.toString(),
            CommonConfig.HTTP_TLS_KEYSTORE_PASSWORD_CONFIG, "keystore-s3cret"));

        // Then
        assertThat(tls.enabled()).isTrue();
        assertThat(tls.scheme()).isEqualTo("https");
        assertThat(tls.toString()).doesNotContain("keystore-s3cret");
    }
}
