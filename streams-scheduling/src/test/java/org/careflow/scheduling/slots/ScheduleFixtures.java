package org.careflow.scheduling.slots;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.careflow.events.scheduling.ExtraSession;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.TimeOff;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;

/** Builds provider schedules from literals; times are "HH:mm" strings, dates ISO strings. */
final class ScheduleFixtures {

    private ScheduleFixtures() {
    }

    static ProviderSchedule.Builder schedule(String timeZone, int slotMinutes) {
        return ProviderSchedule.newBuilder()
                .setEventId("evt-1")
                .setOccurredAt(Instant.parse("2026-01-01T00:00:00Z"))
                .setProviderId("prov-1")
                .setFacilityId("fac-1")
                .setTimeZone(timeZone)
                .setSlotMinutes(slotMinutes)
                .setAppointmentTypes(List.of("follow-up"));
    }

    /** Monday to Friday 09:00-12:00 and 13:00-17:00. */
    static List<WeeklySession> officeWeek() {
        List<WeeklySession> week = new ArrayList<>();
        for (Weekday day : List.of(Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)) {
            week.add(weekly(day, "09:00", "12:00"));
            week.add(weekly(day, "13:00", "17:00"));
        }
        return week;
    }

    static WeeklySession weekly(Weekday day, String start, String end) {
        return new WeeklySession(day, hours(start, end));
    }

    static ExtraSession extra(String date, String start, String end) {
        return new ExtraSession(LocalDate.parse(date), hours(start, end));
    }

    /** Null times mean the start of the first date and the end of the last date. */
    static TimeOff timeOff(String firstDate, String startTime, String lastDate, String endTime) {
        return new TimeOff(
                LocalDate.parse(firstDate),
                LocalDate.parse(lastDate),
                startTime == null ? null : LocalTime.parse(startTime),
                endTime == null ? null : LocalTime.parse(endTime),
                "annual leave");
    }

    static LocalTimeRange hours(String start, String end) {
        return new LocalTimeRange(LocalTime.parse(start), LocalTime.parse(end));
    }

    static List<Instant> starts(List<Slot> slots) {
        return slots.stream().map(Slot::start).toList();
    }

    static Instant at(String instant) {
        return Instant.parse(instant);
    }
}
