package org.careflow.platform.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirectoryTest {

    @TempDir
    Path root;

    @Test
    void shouldCreateTheConfiguredFolderAndKeepItWhenConfigured() {
        Path configured = root.resolve("a/b");

        DataDirectory directory = DataDirectory.prepare(configured, "careflow-test-", "test data directory");

        assertThat(directory.path()).isEqualTo(configured.toAbsolutePath()).isDirectory();
        assertThat(directory.temporary()).isFalse();
        assertThat(directory).hasToString(configured.toAbsolutePath().toString());
    }

    @Test
    void shouldCreateATemporaryFolderWhenNoneIsConfigured() throws IOException {
        DataDirectory directory = DataDirectory.prepare(null, "careflow-test-", "test data directory");
        try {
            assertThat(directory.temporary()).isTrue();
            assertThat(directory.path()).isDirectory();
            assertThat(directory.path().getFileName().toString()).startsWith("careflow-test-");
        } finally {
            Files.delete(directory.path());
        }
    }

    @Test
    void shouldNameTheFolderWhenItCannotBeCreated() throws IOException {
        Path file = Files.writeString(root.resolve("a-file"), "not a folder");

        assertThatThrownBy(() -> DataDirectory.prepare(file.resolve("below"), "careflow-test-", "test data directory"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("Could not create the test data directory " + file.resolve("below"));
    }
}
