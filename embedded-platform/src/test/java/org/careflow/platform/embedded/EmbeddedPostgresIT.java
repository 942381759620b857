package org.careflow.platform.embedded;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

@Tag("integration")
class EmbeddedPostgresIT {

    @TempDir
    Path tempDir;

    @BeforeEach
    void letPostgresUserEnterTempDir() throws IOException {
        // JUnit makes temporary folders 0700; when the tests run as root, PostgreSQL runs as 'postgres' and must enter it.
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @Test
    void shouldRunWithLogicalWalLevelAndReplicationCapacityWhenStarted() throws SQLException {
        // Given
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().build().start();
             Connection connection = postgres.connection()) {

            // When / Then
            assertThat(show(connection, "wal_level")).isEqualTo("logical");
            assertThat(Integer.parseInt(show(connection, "max_wal_senders"))).isGreaterThanOrEqualTo(4);
            assertThat(Integer.parseInt(show(connection, "max_replication_slots"))).isGreaterThanOrEqualTo(4);
            assertThat(show(connection, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/careflow");
        }
    }

    @Test
    void shouldHashWithPgcryptoWhenExtensionIsCreated() throws SQLException {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().build().start();
             Connection connection = postgres.connection();
             Statement statement = connection.createStatement()) {
            // When
            statement.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");

            // Then
            try (ResultSet result = statement.executeQuery("SELECT encode(digest('careflow', 'sha256'), 'hex')")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString(1)).hasSize(64);
            }
        }
    }

    @Test
    void shouldKeepTableWhenRestartedOnSameDataDirectory() throws SQLException {
        assertTableSurvivesRestart(EmbeddedPostgres.builder().dataDirectory(tempDir.resolve("pgdata")).user("clinic").password("s3cret"));
    }

    @Test
    void shouldKeepTableWhenZonkyFallbackRestartsOnSameDataDirectory() throws SQLException {
        assertTableSurvivesRestart(EmbeddedPostgres.builder().dataDirectory(tempDir.resolve("zonky-pgdata")).preferSystemBinaries(false));
    }

    @Test
    void shouldCreateDatabaseOnceWhenAskedTwice() throws SQLException {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().build().start()) {
            // When
            String first = postgres.createDatabase("reporting");
            String second = postgres.createDatabase("reporting");

            // Then
            assertThat(first).isEqualTo(second).endsWith("/reporting");
            try (Connection connection = postgres.connection("reporting")) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    @Test
    void shouldRunThePostmasterAsThisJvmsDescendantWhenStarted() throws IOException {
        // Given / When
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().dataDirectory(tempDir.resolve("pgdata")).build().start()) {

            // Then: not detached (as pg_ctl start does), so whatever ends this process group ends the server too
            long postmaster = postmasterPid(postgres.dataDirectory());
            assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).contains(postmaster);
        }
    }

    @Test
    void shouldEndTheServerAnEarlierRunLeftRunningWhenStartedOnSameDataDirectory() throws Exception {
        // Given: a server with a committed row, never closed, as when the JVM that started it was killed alone
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().dataDirectory(tempDir.resolve("pgdata"));
        EmbeddedPostgres abandoned = builder.build().start();
        try (Connection connection = abandoned.connection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE visits (id TEXT PRIMARY KEY)");
            statement.execute("INSERT INTO visits VALUES ('v-1')");
        }
        ProcessHandle leftover = ProcessHandle.of(postmasterPid(abandoned.dataDirectory())).orElseThrow();

        // When: a new server starts on the same data directory
        try (EmbeddedPostgres next = builder.build().start();
             Connection connection = next.connection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM visits")) {

            // Then: the leftover was ended first, and the committed row is there
            assertThat(leftover.isAlive()).isFalse();
            assertThat(postmasterPid(next.dataDirectory())).isNotEqualTo(leftover.pid());
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("v-1");
        } finally {
            assertThatCode(abandoned::close).doesNotThrowAnyException();
        }
    }

    private static long postmasterPid(Path dataDirectory) throws IOException {
        return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
    }

    private static void assertTableSurvivesRestart(EmbeddedPostgres.Builder builder) throws SQLException {
        // Given: a table with a row, on a server that is then stopped (twice)
        EmbeddedPostgres first = builder.build().start();
        Path dataDirectory = first.dataDirectory();
        try (Connection connection = first.connection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE clinics (id TEXT PRIMARY KEY, name TEXT NOT NULL)");
            statement.execute("INSERT INTO clinics VALUES ('c-1', 'Northside')");
        }
        assertThatCode(() -> {
            first.close();
            first.close();
        }).doesNotThrowAnyException();

        // When: a new server starts on the same data directory
        try (EmbeddedPostgres second = builder.build().start();
             Connection connection = second.connection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, name FROM clinics")) {

            // Then
            List<String> found = new ArrayList<>();
            while (rows.next()) {
                found.add(rows.getString("id") + "=" + rows.getString("name"));
            }
            assertThat(found).containsExactly("c-1=Northside");
            assertThat(second.dataDirectory()).isEqualTo(dataDirectory);
        }
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SHOW " + setting)) {
            assertThat(result.next()).isTrue();
            return result.getString(1);
        }
    }
}
