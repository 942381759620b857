package org.careflow.platform.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedConnectTest {

    @TempDir
    Path tempDir;

    @Test
    void shouldNameBuilderMethodWhenBootstrapServersAreMissing() {
        assertThatThrownBy(() -> EmbeddedConnect.builder().build())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("bootstrapServers");
    }

    @Test
    void shouldPreferSystemPropertyOverEnvironmentWhenResolvingPluginPath() {
        assertThat(EmbeddedConnect.resolvePluginPath("/a/plugins, /b/plugins", "/c/plugins"))
                .containsExactly(Path.of("/a/plugins"), Path.of("/b/plugins"));
        assertThat(EmbeddedConnect.resolvePluginPath(" ", "/c/plugins")).containsExactly(Path.of("/c/plugins"));
        assertThat(EmbeddedConnect.resolvePluginPath(null, null)).isEmpty();
    }

    @Test
    void shouldUseServiceLoadDiscoveryAndSingleReplicaTopicsWhenConfigured() {
        // Given
        EmbeddedConnect connect = EmbeddedConnect.builder()
                .bootstrapServers("127.0.0.1:9092")
                .pluginPath(tempDir)
                .groupId("careflow-test-connect")
                .workerProperty("offset.flush.interval.ms", "1000")
                .build();

        // When
        var properties = connect.workerProperties();

        // Then
        assertThat(properties)
                .containsEntry("plugin.discovery", "service_load")
                .containsEntry("plugin.path", tempDir.toAbsolutePath().toString())
                .containsEntry("config.storage.topic", "careflow-test-connect-configs")
                .containsEntry("offset.storage.replication.factor", "1")
                .containsEntry("listeners", "http://127.0.0.1:0")
                .containsEntry("offset.flush.interval.ms", "1000");
        assertThat(connect.pluginPath()).isEqualTo(List.of(tempDir));
    }

    @Test
    void shouldNameFolderAndSettingsWhenPluginPathFolderIsMissing() {
        // Given
        Path missing = tempDir.resolve("no-plugins-here");
        EmbeddedConnect connect = EmbeddedConnect.builder().bootstrapServers("127.0.0.1:9092").pluginPath(missing).build();

        // When / Then
        assertThatThrownBy(connect::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining(EmbeddedConnect.PLUGIN_PATH_PROPERTY);
        assertThatThrownBy(connect::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
