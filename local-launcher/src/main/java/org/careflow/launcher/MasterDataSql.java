package org.careflow.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.careflow.platform.embedded.EmbeddedPostgres;

/** The local stack's master-data database (tables and sample rows, once) and its BI pseudonymisation key. */
final class MasterDataSql {

    private MasterDataSql() {
    }

    /** Creates the master-data tables and loads the sample rows, unless the tables exist already. */
    static void ensure(EmbeddedPostgres postgres, String database, Path scripts) {
        try (Connection db = postgres.connection(database); Statement sql = db.createStatement()) {
            try (ResultSet exists = sql.executeQuery("SELECT to_regclass('public.providers') IS NOT NULL")) {
                exists.next();
                if (exists.getBoolean(1)) {
                    addFacilities(sql, scripts);
                    return;
                }
            }
            sql.execute(Files.readString(scripts.resolve("V1__masterdata.sql")));
            sql.execute(Files.readString(scripts.resolve("V2__facilities.sql")));
            sql.execute(Files.readString(scripts.resolve("sample-data.sql")));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the master-data tables in " + database, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the master-data scripts in " + scripts, e);
        }
    }

    /** A data directory made before facilities were master data gets their table (empty: register them through the API). */
    private static void addFacilities(Statement sql, Path scripts) throws SQLException, IOException {
        try (ResultSet exists = sql.executeQuery("SELECT to_regclass('public.facilities') IS NOT NULL")) {
            exists.next();
            if (exists.getBoolean(1)) {
                return;
            }
        }
        sql.execute(Files.readString(scripts.resolve("V2__facilities.sql")));
    }

    /** The key of the BI views' patient pseudonyms: made once per data directory, readable by its owner only. */
    static String pseudonymKey(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String hex = HexFormat.of().formatHex(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, hex);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the data directory's own permissions protect it.
            }
            return hex;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or create the BI pseudonym key " + file, e);
        }
    }
}
