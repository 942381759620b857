package org.careflow.connectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Creates the {@code bi} schema of PII-free views over the sink tables: each {@code connectors/sql/bi/*.sql} in name
 * order, in one transaction, with {@code ${VARIABLE}}s resolved (the pseudonymisation key, say). Every script is
 * written to run again safely ({@code IF NOT EXISTS}, {@code CREATE OR REPLACE}).
 */
public final class BiMigration {

    /** The database and the folder of scripts. */
    public record Target(String jdbcUrl, String user, String password, Path scripts) {
    }

    private BiMigration() {
    }

    /** Runs the scripts; returns the views of the {@code bi} schema afterwards. */
    public static List<String> apply(Target target, Map<String, String> variables) throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(target.scripts())) {
            scripts = files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
        try (Connection db = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
            db.setAutoCommit(false);
            try (Statement sql = db.createStatement()) {
                for (Path script : scripts) {
                    String text = Files.readString(script);
                    sql.execute(ConnectorConfigs.resolve(script, "script", text, variables));
                }
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            }
            List<String> views = new ArrayList<>();
            try (Statement sql = db.createStatement();
                 ResultSet rs = sql.executeQuery("SELECT table_name FROM information_schema.views WHERE table_schema = 'bi' ORDER BY 1")) {
                while (rs.next()) {
                    views.add(rs.getString(1));
                }
            }
            return views;
        } catch (SQLException e) {
            throw new IOException("The BI migration failed on " + target.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }
}
