package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {

    @Test
    void shouldLetOverridesWinOverEnvironmentAndEnvironmentOverFileWhenAllSetAKey(@TempDir Path dir) throws Exception {
        // Given
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "http.port=1000\nregistry.url=http://file:1/apis/registry/v3\nkafka.bootstrap.servers=file:9092\n");
        Map<String, String> env = Map.of("CAREFLOW_HTTP_PORT", "2000", "CAREFLOW_KAFKA_BOOTSTRAP_SERVERS", "env:9092");

        // When
        Map<String, Object> merged = ConfigSources.merge(Set.of("http.port", "kafka.bootstrap.servers", "registry.url"),
            file, env, Map.of("http.port", "3000"));

        // Then
        assertThat(merged).containsEntry("http.port", "3000")
            .containsEntry("kafka.bootstrap.servers", "env:9092")
            .containsEntry("registry.url", "http://file:1/apis/registry/v3");
    }

    @Test
    void shouldNameTheFileAndTheClosestKeyWhenTheFileHasATypo(@TempDir Path dir) throws Exception {
        // Given
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "http.port=1000\nregistry.ulr=http://file:1/apis/registry/v3\n");

        // When / Then
        assertThatThrownBy(() -> ConfigSources.merge(Set.of("http.port", "registry.url"), file, Map.of(), Map.of()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'registry.ulr'")
            .hasMessageContaining("did you mean 'registry.url'?")
            .hasMessageContaining(file.toString());
    }

    @Test
    void shouldIgnoreEnvironmentVariablesOfOtherKeysWhenMerging() {
        // The environment is shared with other programs and apps: only the app's own keys are read from it.
        Map<String, Object> merged = ConfigSources.merge(Set.of("http.port"), null,
            Map.of("CAREFLOW_HTTP_PORT", "2000", "CAREFLOW_LOG_FORMAT", "json"), Map.of());

        assertThat(merged).containsOnlyKeys("http.port");
    }

    @Test
    void shouldNameTheKeyWhenRegistryUrlIsNotAUrl() {
        // Given
        ConfigDef def = CommonConfig.define(new ConfigDef(), 8080);

        // When / Then
        assertThatThrownBy(() -> new AbstractConfig(def, Map.of(CommonConfig.REGISTRY_URL_CONFIG, "localhost:8085")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("registry.url")
            .hasMessageContaining("http://");
    }

    @Test
    void shouldRejectPortOutOfRangeWhenConfigured() {
        ConfigDef def = CommonConfig.define(new ConfigDef(), 8080);

        assertThatThrownBy(() -> new AbstractConfig(def, Map.of(CommonConfig.HTTP_PORT_CONFIG, "70000")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("http.port");
    }

    @Test
    void shouldDeriveEnvironmentNameFromKeyWhenAsked() {
        assertThat(ConfigSources.envName("kafka.bootstrap.servers")).isEqualTo("CAREFLOW_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldRenderEveryKeyWithItsDefaultWhenGeneratingReference() {
        ConfigDef def = CommonConfig.define(new ConfigDef(), 8081);

        String markdown = ConfigReference.markdown(Map.of("streams-triage", def));

        assertThat(markdown).contains("## streams-triage")
            .contains("| `http.port` | int | `8081` |")
            .contains("| `kafka.bootstrap.servers` | list | `localhost:9092` |");
    }
}
