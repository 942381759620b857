package org.careflow.masterdata.mapping;

import java.time.LocalTime;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.masterdata.cdc.CdcRow;

/**
 * Rows of the {@code provider_schedules} table, one weekly session each: {@code id} (the key), {@code provider_id},
 * {@code weekday} (MONDAY..SUNDAY), {@code start_time} and {@code end_time}. Checked on their own as the ingest API
 * checks a session (whole minutes, end after start); the checks that need the provider and its other sessions (a
 * session holds at least one slot, no overlaps) are {@link Schedules#assemble}'s.
 */
public final class SessionRows {

    public static final String TABLE = "provider_schedules";
    public static final String ID = "id";
    public static final String PROVIDER_ID = "provider_id";
    public static final String WEEKDAY = "weekday";
    public static final String START_TIME = "start_time";
    public static final String END_TIME = "end_time";

    /** One session of a provider's week; {@code sessionId} is the row's primary key, in decimal. */
    public record SessionRow(String sessionId, String providerId, WeeklySession session) {
        public SessionRow {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(providerId, "providerId");
            Objects.requireNonNull(session, "session");
        }
    }

    private SessionRows() {
    }

    /** The session id of a change key {id}, in decimal. */
    public static String sessionId(GenericRecord key) {
        CdcRow row = new CdcRow(TABLE + " key", Objects.requireNonNull(key, "key"));
        String id = row.keyText(ID);
        row.throwIfInvalid();
        return id;
    }

    /** The session of row {@code value}, or an {@link org.careflow.masterdata.cdc.InvalidMasterDataException} naming every bad column. */
    public static SessionRow toSession(String sessionId, GenericRecord value) {
        Objects.requireNonNull(sessionId, "sessionId");
        CdcRow row = new CdcRow(TABLE + " row", Objects.requireNonNull(value, "value"));
        String providerId = Rules.id(row, PROVIDER_ID, row.exactText(PROVIDER_ID, true));
        Weekday day = weekday(row, row.text(WEEKDAY, true));
        LocalTime start = wholeMinutes(row, START_TIME, row.time(START_TIME));
        LocalTime end = wholeMinutes(row, END_TIME, row.time(END_TIME));
        if (start != null && end != null && !end.isAfter(start)) {
            row.problem(END_TIME, "must be after start_time; a session across midnight is two sessions");
        }
        row.throwIfInvalid();
        return new SessionRow(sessionId, providerId, new WeeklySession(day, new LocalTimeRange(start, end)));
    }

    private static Weekday weekday(CdcRow row, String name) {
        if (name == null) {
            return null;
        }
        for (Weekday day : Weekday.values()) {
            if (day.name().equals(name)) {
                return day;
            }
        }
        row.problem(WEEKDAY, "must be one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY");
        return null;
    }

    /** The ingest API takes times as HH:mm: seconds would make a session it could not have accepted. */
    private static LocalTime wholeMinutes(CdcRow row, String column, LocalTime time) {
        if (time != null && (time.getSecond() != 0 || time.getNano() != 0)) {
            row.problem(column, "must be a whole minute (HH:MM, no seconds)");
            return null;
        }
        return time;
    }
}
