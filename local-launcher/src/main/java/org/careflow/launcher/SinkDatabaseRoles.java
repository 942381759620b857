package org.careflow.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.careflow.connectors.BiMigration;
import org.careflow.platform.embedded.EmbeddedPostgres;
import org.careflow.security.SecretFile;

/**
 * The local sink database's logins, as the compose stack has them: the sink connectors' {@value #SINK_ROLE}, and
 * {@value #BI_OWNER_ROLE}, which owns the BI views and the pseudonymisation key the sink login cannot read
 * ({@code connectors/sql/roles}). Their passwords are made once per data directory ({@value #DIRECTORY}); the
 * superuser sets the roles and grants on every start.
 */
final class SinkDatabaseRoles {

    static final String DIRECTORY = "secrets";
    static final String SINK_ROLE = "careflow_sink";
    static final String BI_OWNER_ROLE = "careflow_bi_owner";
    static final String BI_ROLE = "careflow_bi";

    /** The passwords of the two logins. */
    record Logins(String sinkPassword, String biOwnerPassword) {
    }

    private SinkDatabaseRoles() {
    }

    /** The superuser's password: made for a new cluster, the old fixed one for a cluster made before there was a file. */
    static String superuserPassword(Path data, Path postgresDir) {
        Path file = data.resolve(DIRECTORY).resolve("postgres-superuser-password");
        if (!java.nio.file.Files.exists(file) && java.nio.file.Files.exists(postgresDir)) {
            return "careflow";
        }
        return SecretFile.loadOrCreate(file);
    }

    /** Creates or updates the roles and their passwords, then runs {@code roleScripts} in {@code database} as the superuser. */
    static Logins ensure(EmbeddedPostgres postgres, String database, Path data, Path roleScripts) {
        Logins logins = new Logins(SecretFile.loadOrCreate(data.resolve(DIRECTORY).resolve("sink-db-password")),
            SecretFile.loadOrCreate(data.resolve(DIRECTORY).resolve("bi-owner-db-password")));
        try (Connection db = postgres.connection(database); Statement sql = db.createStatement()) {
            login(db, sql, SINK_ROLE, logins.sinkPassword());
            login(db, sql, BI_OWNER_ROLE, logins.biOwnerPassword());
            if (!exists(db, BI_ROLE)) {
                sql.execute("CREATE ROLE " + BI_ROLE + " NOLOGIN");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the sink database's roles", e);
        }
        try {
            BiMigration.apply(new BiMigration.Target(postgres.jdbcUrl(database), postgres.user(), postgres.password(), roleScripts),
                Map.of("SINK_ROLE", SINK_ROLE));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not grant the sink database's roles their rights", e);
        }
        return logins;
    }

    private static void login(Connection db, Statement sql, String role, String password) throws SQLException {
        // Role names are constants; the password goes in as a literal, escaped (no bind parameters in DDL).
        String literal = "'" + password.replace("'", "''") + "'";
        sql.execute((exists(db, role) ? "ALTER ROLE " : "CREATE ROLE ") + role + " LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD "
            + literal);
    }

    private static boolean exists(Connection db, String role) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }
}
