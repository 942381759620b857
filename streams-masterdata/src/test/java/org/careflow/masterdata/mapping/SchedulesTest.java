package org.careflow.masterdata.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careflow.masterdata.cdc.DebeziumRows.provider;

import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.junit.jupiter.api.Test;

class SchedulesTest {

    private static final Instant AT = Instant.parse("2026-11-23T08:00:00Z");
    private static final ProviderSchedule PROVIDER = ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").build(), "row", AT);

    @Test
    void shouldOrderSessionsByWeekdayThenStartWhenAssembling() {
        ProviderSchedule schedule = Schedules.assemble(PROVIDER,
            List.of(session(Weekday.WEDNESDAY, "13:00", "17:00"), session(Weekday.MONDAY, "14:00", "16:00"), session(Weekday.MONDAY, "09:00", "12:00")),
            "e-1", AT.plusSeconds(60));

        assertThat(schedule.getWeeklyTemplate()).containsExactly(session(Weekday.MONDAY, "09:00", "12:00"),
            session(Weekday.MONDAY, "14:00", "16:00"), session(Weekday.WEDNESDAY, "13:00", "17:00"));
        assertThat(schedule.getEventId()).isEqualTo("e-1");
        assertThat(schedule.getOccurredAt()).isEqualTo(AT.plusSeconds(60));
        assertThat(schedule.getFacilityId()).isEqualTo("f-1");
        assertThat(schedule.getAppointmentTypes()).containsExactly("new-patient", "follow-up");
        assertThat(schedule.getTimeOff()).isEmpty();
        assertThat(schedule.getExtraSessions()).isEmpty();
    }

    @Test
    void shouldAcceptTouchingSessionsButNameOverlapsAndShortSessions() {
        assertThat(Schedules.assemble(PROVIDER, List.of(session(Weekday.MONDAY, "09:00", "12:00"), session(Weekday.MONDAY, "12:00", "13:00")),
            "e", AT).getWeeklyTemplate()).hasSize(2);

        assertThatThrownBy(() -> Schedules.assemble(PROVIDER, List.of(session(Weekday.MONDAY, "09:00", "12:00"),
                session(Weekday.MONDAY, "11:30", "13:00"), session(Weekday.TUESDAY, "09:00", "09:20")), "e", AT))
            .isInstanceOfSatisfying(InvalidMasterDataException.class, e -> assertThat(e.problems()).containsExactly(
                "session MONDAY 11:30-13:00 overlaps session MONDAY 09:00-12:00",
                "session TUESDAY 09:00-09:20 lasts 20 minutes, shorter than one slot (30 minutes)"))
            .hasMessageStartingWith("schedule of provider dr-1 is invalid: ");
    }

    @Test
    void shouldRefuseMoreThanFortyEightSessionsWhenADayHasThem() {
        List<WeeklySession> many = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            LocalTime start = LocalTime.of(0, 0).plusMinutes(29L * i);
            many.add(new WeeklySession(Weekday.FRIDAY, new LocalTimeRange(start, start.plusMinutes(5))));
        }
        ProviderSchedule fiveMinutes = ProviderSchedule.newBuilder(PROVIDER).setSlotMinutes(5).build();

        assertThatThrownBy(() -> Schedules.assemble(fiveMinutes, many, "e", AT)).hasMessageContaining("FRIDAY has 49 sessions, more than 48");
    }

    @Test
    void shouldCompareContentOnlyWhenAskedWhetherSchedulesAreTheSame() {
        ProviderSchedule a = Schedules.assemble(PROVIDER, List.of(session(Weekday.MONDAY, "09:00", "12:00")), "e-1", AT);
        ProviderSchedule b = Schedules.assemble(PROVIDER, List.of(session(Weekday.MONDAY, "09:00", "12:00")), "e-2", AT.plusSeconds(5));
        ProviderSchedule c = Schedules.assemble(PROVIDER, List.of(session(Weekday.MONDAY, "09:00", "12:30")), "e-1", AT);

        assertThat(Schedules.sameContent(a, b)).isTrue();
        assertThat(Schedules.sameContent(a, c)).isFalse();
        assertThat(Schedules.sameContent(a, null)).isFalse();
    }

    static WeeklySession session(Weekday day, String start, String end) {
        return new WeeklySession(day, new LocalTimeRange(LocalTime.parse(start), LocalTime.parse(end)));
    }
}
