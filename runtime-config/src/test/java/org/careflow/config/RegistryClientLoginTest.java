package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientLoginTest {

    private static final ConfigDef DEF = CommonConfig.define(new ConfigDef(), 8089);

    @Test
    void shouldSendNoLoginWhenNeitherIdNorSecretIsSet() {
        AbstractConfig config = new AbstractConfig(DEF, Map.of(), false);

        assertThat(config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG)).isEmpty();
        assertThat(CommonConfig.registryClientSecret(config)).isEmpty();
    }

    @Test
    void shouldReturnTheSecretWhenBothAreSet() {
        AbstractConfig config = new AbstractConfig(DEF, Map.of(CommonConfig.REGISTRY_CLIENT_ID_CONFIG, "careflow-streams",
            CommonConfig.REGISTRY_CLIENT_SECRET_CONFIG, "s3cret"), false);

        assertThat(CommonConfig.registryClientSecret(config)).isEqualTo("s3cret");
        assertThat(config.values().toString()).as("the secret is a Password, hidden when printed").doesNotContain("s3cret");
    }

    @Test
    void shouldNameTheSecretKeyWhenAnIdComesWithoutASecret() {
        AbstractConfig config = new AbstractConfig(DEF, Map.of(CommonConfig.REGISTRY_CLIENT_ID_CONFIG, "careflow-streams"), false);

        assertThatThrownBy(() -> CommonConfig.registryClientSecret(config)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(CommonConfig.REGISTRY_CLIENT_SECRET_CONFIG);
    }

    @Test
    void shouldNameTheIdKeyWhenASecretComesWithoutAnId() {
        AbstractConfig config = new AbstractConfig(DEF, Map.of(CommonConfig.REGISTRY_CLIENT_SECRET_CONFIG, "s3cret"), false);

        assertThatThrownBy(() -> CommonConfig.registryClientSecret(config)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(CommonConfig.REGISTRY_CLIENT_ID_CONFIG).hasMessageNotContaining("s3cret");
    }
}
