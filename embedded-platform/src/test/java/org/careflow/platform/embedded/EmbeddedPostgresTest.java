package org.careflow.platform.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedPostgresTest {

    @TempDir
    Path tempDir;

    @Test
    void shouldRejectPortWhenOutOfRange() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().port(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
    }

    @Test
    void shouldRejectDatabaseNameWhenItIsNotAPlainIdentifier() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().database("careflow\"; DROP DATABASE postgres; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database")
                .hasMessageContaining("identifier");
    }

    @Test
    void shouldRejectAccessorsWhenNotStarted() {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().build();

        assertThatThrownBy(postgres::jdbcUrl).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
        assertThatThrownBy(() -> postgres.createDatabase("reports")).isInstanceOf(IllegalStateException.class);
        assertThatCode(() -> {
            postgres.close();
            postgres.close();
        }).doesNotThrowAnyException();
    }

    @Test
    void shouldFollowSymbolicLinkWhenPgCtlIsFoundOnPath() throws IOException {
        // Given: Debian's layout, a /usr/local/bin-like folder linking to the versioned bin folder
        Path bin = fakeBinDirectory(tempDir.resolve("postgresql/15/bin"));
        Path links = Files.createDirectories(tempDir.resolve("local-bin"));
        Files.createSymbolicLink(links.resolve("pg_ctl"), bin.resolve("pg_ctl"));

        // When
        var found = EmbeddedPostgres.findSystemBinDirectory("/nonexistent:" + links, List.of());

        // Then
        assertThat(found).contains(bin.toRealPath());
    }

    @Test
    void shouldPickNewestVersionWhenSeveralAreInstalled() throws IOException {
        // Given: versions that sort differently as text and as numbers
        Path root = tempDir.resolve("usr-lib-postgresql");
        fakeBinDirectory(root.resolve("9.6/bin"));
        Path newest = fakeBinDirectory(root.resolve("15/bin"));
        fakeBinDirectory(root.resolve("14/bin"));
        Files.createDirectories(root.resolve("16/bin")); // no binaries: not a candidate

        // When / Then
        assertThat(EmbeddedPostgres.findSystemBinDirectory("", List.of(root))).contains(newest);
    }

    @Test
    void shouldFindNothingWhenNoBinariesAreInstalled() {
        assertThat(EmbeddedPostgres.findSystemBinDirectory(tempDir.toString(), List.of(tempDir.resolve("missing")))).isEmpty();
    }

    private static Path fakeBinDirectory(Path bin) throws IOException {
        Files.createDirectories(bin);
        for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
            Path file = Files.createFile(bin.resolve(tool));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }
}
