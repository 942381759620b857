package org.careflow.platform.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedRegistryTest {

    @TempDir
    Path tempDir;

    @Test
    void shouldNameBothSettingsWhenNoRegistryHomeIsSet() {
        // When / Then
        assertThatThrownBy(() -> EmbeddedRegistry.resolveHome(null, " "))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(EmbeddedRegistry.HOME_PROPERTY)
                .hasMessageContaining(EmbeddedRegistry.HOME_ENV);
    }

    @Test
    void shouldNameFolderAndBothSettingsWhenRegistryHomeHasNoRunnerJar() {
        // Given
        Path emptyHome = tempDir.resolve("no-registry-here");

        // When / Then
        assertThatThrownBy(() -> EmbeddedRegistry.builder().home(emptyHome).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(emptyHome.toString())
                .hasMessageContaining("quarkus-run.jar")
                .hasMessageContaining(EmbeddedRegistry.HOME_PROPERTY)
                .hasMessageContaining(EmbeddedRegistry.HOME_ENV);
    }

    @Test
    void shouldPreferSystemPropertyOverEnvironmentWhenBothAreSet() throws IOException {
        // Given
        Path home = Files.createDirectories(tempDir.resolve("home"));
        Files.createFile(home.resolve("quarkus-run.jar"));

        // When / Then
        assertThat(EmbeddedRegistry.resolveHome(home.toString(), tempDir.resolve("elsewhere").toString()))
                .isEqualTo(home.toAbsolutePath());
    }

    @Test
    void shouldFailWithLogTailAndLeaveNoProcessWhenServerProcessDies() throws IOException {
        // Given: an empty quarkus-run.jar, which the java launcher rejects at once
        Path home = Files.createDirectories(tempDir.resolve("home"));
        Files.createFile(home.resolve("quarkus-run.jar"));
        EmbeddedRegistry registry = EmbeddedRegistry.builder()
                .home(home)
                .workDirectory(tempDir.resolve("work"))
                .build();

        // When / Then
        assertThatThrownBy(registry::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("corrupt jarfile");
        assertThat(registry.isAlive()).isFalse();
    }

    @Test
    void shouldRejectUseWhenNotStarted() throws IOException {
        // Given
        Path home = Files.createDirectories(tempDir.resolve("home"));
        Files.createFile(home.resolve("quarkus-run.jar"));
        EmbeddedRegistry registry = EmbeddedRegistry.builder().home(home).build();

        // When / Then
        assertThatThrownBy(registry::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
        registry.close();
        registry.close();
    }
}
