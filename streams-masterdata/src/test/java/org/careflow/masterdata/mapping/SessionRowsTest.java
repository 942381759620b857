package org.careflow.masterdata.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careflow.masterdata.cdc.DebeziumRows.asRead;
import static org.careflow.masterdata.cdc.DebeziumRows.session;
import static org.careflow.masterdata.cdc.DebeziumRows.sessionKey;

import java.time.LocalTime;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecordBuilder;
import org.careflow.events.scheduling.Weekday;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.careflow.masterdata.mapping.SessionRows.SessionRow;
import org.junit.jupiter.api.Test;

class SessionRowsTest {

    @Test
    void shouldMapEveryColumnWhenRowIsValid() {
        SessionRow row = SessionRows.toSession(SessionRows.sessionId(asRead(sessionKey(42))),
            asRead(session(42, "dr-1", "WEDNESDAY", "13:00", "17:30").build()));

        assertThat(row.sessionId()).isEqualTo("42");
        assertThat(row.providerId()).isEqualTo("dr-1");
        assertThat(row.session().getDay()).isEqualTo(Weekday.WEDNESDAY);
        assertThat(row.session().getHours().getStartTime()).isEqualTo(LocalTime.of(13, 0));
        assertThat(row.session().getHours().getEndTime()).isEqualTo(LocalTime.of(17, 30));
    }

    @Test
    void shouldReadMicrosecondTimesWhenConnectorUsesDebeziumDefaultPrecision() {
        // Given time.precision.mode=adaptive: io.debezium.time.MicroTime, a long of microseconds since midnight
        var schema = SchemaBuilder.record("Value").fields().requiredLong("id").requiredString("provider_id").requiredString("weekday")
            .requiredLong("start_time").requiredLong("end_time").endRecord();
        var micros = new GenericRecordBuilder(schema).set("id", 1L).set("provider_id", "dr-1").set("weekday", "MONDAY")
            .set("start_time", 9 * 3_600_000_000L).set("end_time", 12 * 3_600_000_000L).build();

        SessionRow row = SessionRows.toSession("1", micros);

        assertThat(row.session().getHours().getStartTime()).isEqualTo(LocalTime.of(9, 0));
        assertThat(row.session().getHours().getEndTime()).isEqualTo(LocalTime.of(12, 0));
    }

    @Test
    void shouldNameEveryBadColumnWhenRowIsInvalid() {
        var row = session(7, "dr 1", "Monday", "09:00", "09:00").set("start_time", millis(9, 0, 30)).build();

        assertThatThrownBy(() -> SessionRows.toSession("7", row))
            .isInstanceOfSatisfying(InvalidMasterDataException.class, e -> assertThat(e.problems()).containsExactly(
                "provider_id must be 1-128 letters, digits or . _ : - starting with a letter or digit",
                "weekday must be one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY",
                "start_time must be a whole minute (HH:MM, no seconds)"))
            .hasMessageStartingWith("provider_schedules row is invalid: ");
    }

    @Test
    void shouldRefuseSessionWhenItDoesNotEndAfterItStarts() {
        assertThatThrownBy(() -> SessionRows.toSession("7", session(7, "dr-1", "MONDAY", "12:00", "09:00").build()))
            .hasMessageContaining("end_time must be after start_time");
        assertThatThrownBy(() -> SessionRows.toSession("7", session(7, "dr-1", "MONDAY", "12:00", "12:00").build()))
            .hasMessageContaining("end_time must be after start_time");
    }

    @Test
    void shouldRefuseMidnightAsAnEndWhenDatabaseSaysTwentyFour() {
        // PostgreSQL's time accepts 24:00:00, which no LocalTime (nor the ingest API's HH:mm) can hold
        var row = session(7, "dr-1", "MONDAY", "22:00", "23:00").set("end_time", 86_400_000).build();

        assertThatThrownBy(() -> SessionRows.toSession("7", row)).hasMessageContaining("end_time must lie within one day");
    }

    /** A time with seconds, which {@code DebeziumRows.session} (HH:mm) cannot express. */
    private static int millis(int hour, int minute, int second) {
        return (int) (LocalTime.of(hour, minute, second).toNanoOfDay() / 1_000_000L);
    }
}
