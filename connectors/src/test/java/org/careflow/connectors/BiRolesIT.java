package org.careflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.careflow.platform.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sink database's roles on a real PostgreSQL ({@code sql/roles}, then {@code sql/bi} as the BI owner): the sink
 * login writes its tables but cannot read the pseudonymisation key nor the views; BI users read the views only; the BI
 * owner keeps the key. Each case names the invariant it checks.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BiRolesIT {

    private static final String SINK = "careflow_sink";
    private static final String SINK_PW = "sink-pw-for-bi-roles-it";
    private static final String OWNER_PW = "owner-pw-for-bi-roles-it";
    private static final String ANALYST_PW = "analyst-pw-for-bi-roles-it";
    private static final String KEY = "ab".repeat(32);

    private EmbeddedPostgres postgres;
    private List<String> views;

    @BeforeAll
    void prepare() throws Exception {
        postgres = EmbeddedPostgres.builder().build().start();
        // Given: the roles as the deployment creates them, and the grants of sql/roles run by the superuser
        try (Connection admin = postgres.connection(); Statement sql = admin.createStatement()) {
            sql.execute("CREATE ROLE " + SINK + " LOGIN PASSWORD '" + SINK_PW + "'");
            sql.execute("CREATE ROLE careflow_bi_owner LOGIN PASSWORD '" + OWNER_PW + "'");
            sql.execute("CREATE ROLE careflow_bi NOLOGIN");
            sql.execute("CREATE ROLE analyst LOGIN PASSWORD '" + ANALYST_PW + "' IN ROLE careflow_bi");
        }
        roles();
        // ... a sink table written by the sink login, as the JDBC sink connector creates it
        try (Connection sink = login(SINK, SINK_PW); Statement sql = sink.createStatement()) {
            sql.execute("CREATE TABLE public.appointments (booking_id text PRIMARY KEY, patientid text, providerid text, facilityid text,"
                + " appointmenttype text, slotstart timestamp, slotend timestamp, status text, rejectionreason text, decidedat timestamp)");
            sql.execute("INSERT INTO public.appointments (booking_id, patientid, status) VALUES ('bk-1', 'patient-1', 'CONFIRMED')");
        }
        // ... and the BI migration run by the BI owner, twice (it is run again on every apply)
        views = migrate();
        roles();
        views = migrate();
    }

    @AfterAll
    void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldKeepThePseudonymKeyFromTheSinkLoginWhenItOwnsTheTablesTheViewsRead() throws Exception {
        // Invariant: the login whose password the Connect workers hold cannot read or change the pseudonymisation key.
        try (Connection sink = login(SINK, SINK_PW); Statement sql = sink.createStatement()) {
            assertThatThrownBy(() -> sql.executeQuery("SELECT secret FROM careflow_private.pseudonym_key"))
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.executeQuery("SELECT * FROM bi.appointments"))
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.execute("CREATE VIEW bi.leak AS SELECT secret FROM careflow_private.pseudonym_key"))
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.execute("ALTER SCHEMA careflow_private OWNER TO " + SINK))
                .isInstanceOf(SQLException.class);
            // ... while it still writes its own tables
            assertThat(sql.executeUpdate("UPDATE public.appointments SET status = 'CANCELLED' WHERE booking_id = 'bk-1'")).isOne();
        }
    }

    @Test
    void shouldShowBiUsersPseudonymisedViewsOnlyWhenTheyHoldTheBiRole() throws Exception {
        // Invariant: BI users read the views, never the key or the identifying sink tables.
        assertThat(views).contains("appointments");
        try (Connection analyst = login("analyst", ANALYST_PW); Statement sql = analyst.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT patient_key FROM bi.appointments WHERE booking_id = 'bk-1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).hasSize(64).doesNotContain("patient-1");
            }
            assertThatThrownBy(() -> sql.executeQuery("SELECT secret FROM careflow_private.pseudonym_key"))
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.executeQuery("SELECT patientid FROM public.appointments"))
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
    }

    @Test
    void shouldLeaveTheKeyToTheBiOwnerWhenTheMigrationRanTwice() throws Exception {
        // Invariant: the owner of the views owns the key, and running the migration again keeps the first key.
        try (Connection owner = login("careflow_bi_owner", OWNER_PW); Statement sql = owner.createStatement();
             ResultSet rs = sql.executeQuery("SELECT secret, pg_get_userbyid(c.relowner) FROM careflow_private.pseudonym_key,"
                 + " pg_class c WHERE c.oid = 'careflow_private.pseudonym_key'::regclass")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(KEY);
            assertThat(rs.getString(2)).isEqualTo("careflow_bi_owner");
        }
    }

    private void roles() throws Exception {
        BiMigration.apply(new BiMigration.Target(postgres.jdbcUrl(postgres.database()), postgres.user(), postgres.password(),
            Path.of("sql", "roles")), Map.of("SINK_ROLE", SINK));
    }

    private List<String> migrate() throws Exception {
        return BiMigration.apply(new BiMigration.Target(postgres.jdbcUrl(postgres.database()), "careflow_bi_owner", OWNER_PW,
            Path.of("sql", "bi")), Map.of("BI_PSEUDONYM_KEY", KEY));
    }

    private Connection login(String user, String password) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(postgres.database()), user, password);
    }
}
