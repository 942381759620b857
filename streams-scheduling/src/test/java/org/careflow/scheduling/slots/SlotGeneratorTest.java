package org.careflow.scheduling.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careflow.scheduling.slots.ScheduleFixtures.at;
import static org.careflow.scheduling.slots.ScheduleFixtures.extra;
import static org.careflow.scheduling.slots.ScheduleFixtures.officeWeek;
import static org.careflow.scheduling.slots.ScheduleFixtures.schedule;
import static org.careflow.scheduling.slots.ScheduleFixtures.starts;
import static org.careflow.scheduling.slots.ScheduleFixtures.timeOff;
import static org.careflow.scheduling.slots.ScheduleFixtures.weekly;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.careflow.events.scheduling.ExtraSession;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.TimeOff;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Expected instants are literals worked out by hand from the zones' published offsets, never computed. */
class SlotGeneratorTest {

    private static final Duration HALF_HOUR = Duration.ofMinutes(30);

    private static ProviderSchedule londonOfficeWeek() {
        return schedule("Europe/London", 30).setWeeklyTemplate(officeWeek()).build();
    }

    /** Slots of the winter week Monday 2026-01-12 to Sunday 2026-01-18 (London is on UTC). */
    private static List<Slot> winterWeek(ProviderSchedule schedule) {
        return SlotGenerator.generate(schedule, at("2026-01-12T00:00:00Z"), at("2026-01-19T00:00:00Z"));
    }

    private static List<Slot> day(ProviderSchedule schedule, String utcDate) {
        Instant from = at(utcDate + "T00:00:00Z");
        return SlotGenerator.generate(schedule, from, from.plus(Duration.ofDays(1)));
    }

    /** Consecutive, equal, non-overlapping, distinct: the slots tile the time from the first start. */
    private static void assertTiled(List<Slot> slots, Duration length) {
        assertThat(slots).isSorted();
        assertThat(new HashSet<>(starts(slots))).hasSameSizeAs(slots);
        for (int i = 0; i < slots.size(); i++) {
            assertThat(Duration.between(slots.get(i).start(), slots.get(i).end())).isEqualTo(length);
            if (i > 0) {
                assertThat(slots.get(i).start()).isEqualTo(slots.get(i - 1).end());
            }
        }
    }

    private static void assertNoOverlaps(List<Slot> slots) {
        assertThat(slots).isSorted();
        for (int i = 1; i < slots.size(); i++) {
            assertThat(slots.get(i).start()).isAfterOrEqualTo(slots.get(i - 1).end());
        }
    }

    @Nested
    class PlainWeek {

        @ParameterizedTest(name = "{0}")
        @CsvSource({
            "2026-01-12, 2026-01-12T09:00:00Z, 2026-01-12T11:30:00Z, 2026-01-12T13:00:00Z, 2026-01-12T16:30:00Z",
            "2026-01-13, 2026-01-13T09:00:00Z, 2026-01-13T11:30:00Z, 2026-01-13T13:00:00Z, 2026-01-13T16:30:00Z",
            "2026-01-14, 2026-01-14T09:00:00Z, 2026-01-14T11:30:00Z, 2026-01-14T13:00:00Z, 2026-01-14T16:30:00Z",
            "2026-01-15, 2026-01-15T09:00:00Z, 2026-01-15T11:30:00Z, 2026-01-15T13:00:00Z, 2026-01-15T16:30:00Z",
            "2026-01-16, 2026-01-16T09:00:00Z, 2026-01-16T11:30:00Z, 2026-01-16T13:00:00Z, 2026-01-16T16:30:00Z",
            "2026-07-13, 2026-07-13T08:00:00Z, 2026-07-13T10:30:00Z, 2026-07-13T12:00:00Z, 2026-07-13T15:30:00Z",
            "2026-07-14, 2026-07-14T08:00:00Z, 2026-07-14T10:30:00Z, 2026-07-14T12:00:00Z, 2026-07-14T15:30:00Z",
            "2026-07-15, 2026-07-15T08:00:00Z, 2026-07-15T10:30:00Z, 2026-07-15T12:00:00Z, 2026-07-15T15:30:00Z",
            "2026-07-16, 2026-07-16T08:00:00Z, 2026-07-16T10:30:00Z, 2026-07-16T12:00:00Z, 2026-07-16T15:30:00Z",
            "2026-07-17, 2026-07-17T08:00:00Z, 2026-07-17T10:30:00Z, 2026-07-17T12:00:00Z, 2026-07-17T15:30:00Z"
        })
        void shouldCutEachWeekdayIntoFourteenHalfHoursWhenOfficeHoursInLondon(
                String date, String first, String lastMorning, String firstAfternoon, String last) {
            // Given
            ProviderSchedule schedule = londonOfficeWeek();

            // When
            List<Slot> slots = day(schedule, date);

            // Then
            assertThat(slots).hasSize(14);
            assertThat(slots.get(0)).isEqualTo(new Slot(at(first), at(first).plus(HALF_HOUR)));
            assertThat(slots.get(5).start()).isEqualTo(at(lastMorning));
            assertThat(slots.get(6).start()).isEqualTo(at(firstAfternoon));
            assertThat(slots.get(13)).isEqualTo(new Slot(at(last), at(last).plus(HALF_HOUR)));
            assertTiled(slots.subList(0, 6), HALF_HOUR);
            assertTiled(slots.subList(6, 14), HALF_HOUR);
        }

        @ParameterizedTest(name = "week from {0}")
        @CsvSource({
            "2026-01-12T00:00:00Z, 2026-01-19T00:00:00Z, 2026-01-12T09:00:00Z, 2026-01-16T16:30:00Z",
            "2026-07-12T23:00:00Z, 2026-07-19T23:00:00Z, 2026-07-13T08:00:00Z, 2026-07-17T15:30:00Z"
        })
        void shouldGiveSeventySlotsAndNoneAtTheWeekendWhenOfficeWeek(String from, String to, String first, String last) {
            // Given
            ProviderSchedule schedule = londonOfficeWeek();

            // When
            List<Slot> slots = SlotGenerator.generate(schedule, at(from), at(to));

            // Then
            assertThat(slots).hasSize(70);
            assertThat(slots.get(0).start()).isEqualTo(at(first));
            assertThat(slots.get(69).start()).isEqualTo(at(last));
            assertNoOverlaps(slots);
        }

        @Test
        void shouldGiveFourteenSlotsEveryWeekdayWhenHorizonSpansBothChanges() {
            // Given
            ProviderSchedule schedule = londonOfficeWeek();

            // When
            List<Slot> slots = SlotGenerator.generate(schedule, at("2026-03-01T00:00:00Z"), at("2026-11-30T00:00:00Z"));
            Set<Instant> distinct = new HashSet<>(starts(slots));

            // Then 195 weekdays from March to November, none of them losing or gaining a slot
            assertThat(slots).hasSize(2730);
            assertThat(distinct).hasSameSizeAs(slots);
            assertNoOverlaps(slots);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"2026-01-17", "2026-01-18"})
        void shouldGiveNoSlotsWhenDayIsAbsentFromTemplate(String weekendDate) {
            // Given
            ProviderSchedule schedule = londonOfficeWeek();

            // When
            List<Slot> slots = day(schedule, weekendDate);

            // Then
            assertThat(slots).isEmpty();
        }
    }

    @Nested
    class DaylightSaving {

        @ParameterizedTest(name = "{0} {1}")
        @CsvSource({
            // spring forward 01:00 GMT -> 02:00 BST: 00:00-04:00 local is 3 real hours
            "Europe/London,    2026-03-29, 6,  2026-03-29T00:00:00Z, 2026-03-29T02:30:00Z",
            // fall back 02:00 BST -> 01:00 GMT: 00:00-04:00 local is 5 real hours
            "Europe/London,    2026-10-25, 10, 2026-10-24T23:00:00Z, 2026-10-25T03:30:00Z",
            // spring forward 02:00 EST -> 03:00 EDT
            "America/New_York, 2026-03-08, 6,  2026-03-08T05:00:00Z, 2026-03-08T07:30:00Z",
            // fall back 02:00 EDT -> 01:00 EST
            "America/New_York, 2026-11-01, 10, 2026-11-01T04:00:00Z, 2026-11-01T08:30:00Z"
        })
        void shouldTileRealDurationWhenSessionSpansDaylightSavingChange(
                String zone, String sunday, int count, String first, String last) {
            // Given
            ProviderSchedule schedule = schedule(zone, 30)
                    .setWeeklyTemplate(List.of(weekly(Weekday.SUNDAY, "00:00", "04:00")))
                    .build();
            Instant from = at(sunday + "T00:00:00Z").minus(Duration.ofDays(1));

            // When
            List<Slot> slots = SlotGenerator.generate(schedule, from, from.plus(Duration.ofDays(3)));

            // Then
            assertThat(slots).hasSize(count);
            assertThat(slots.get(0).start()).isEqualTo(at(first));
            assertThat(slots.get(count - 1).start()).isEqualTo(at(last));
            assertTiled(slots, HALF_HOUR);
        }

        @Test
        void shouldRepeatLocalTimesAtDistinctInstantsWhenClocksFallBack() {
            // Given
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(List.of(weekly(Weekday.SUNDAY, "00:00", "04:00")))
                    .build();

            // When
            List<Slot> slots = SlotGenerator.generate(
                    schedule, at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z"));

            // Then
            assertThat(slots).extracting(s -> LocalTime.ofInstant(s.start(), ZoneId.of("Europe/London")))
                    .containsExactly(
                            LocalTime.parse("00:00"), LocalTime.parse("00:30"),
                            LocalTime.parse("01:00"), LocalTime.parse("01:30"),
                            LocalTime.parse("01:00"), LocalTime.parse("01:30"),
                            LocalTime.parse("02:00"), LocalTime.parse("02:30"),
                            LocalTime.parse("03:00"), LocalTime.parse("03:30"));
        }

        @ParameterizedTest(name = "{0} {1}")
        @CsvSource({
            "Europe/London,    2026-03-29, 2026-03-29T08:00:00Z",
            "Europe/London,    2026-10-25, 2026-10-25T09:00:00Z",
            "America/New_York, 2026-03-08, 2026-03-08T13:00:00Z",
            "America/New_York, 2026-11-01, 2026-11-01T14:00:00Z"
        })
        void shouldKeepLocalTimesWhenDaytimeSessionIsOnDaylightSavingDate(String zone, String sunday, String first) {
            // Given
            ProviderSchedule schedule = schedule(zone, 30)
                    .setWeeklyTemplate(List.of(weekly(Weekday.SUNDAY, "09:00", "12:00")))
                    .build();

            // When
            List<Slot> slots = day(schedule, sunday);

            // Then
            assertThat(slots).hasSize(6);
            assertThat(slots.get(0).start()).isEqualTo(at(first));
            assertThat(slots).extracting(s -> LocalTime.ofInstant(s.start(), ZoneId.of(zone)))
                    .containsExactly(
                            LocalTime.parse("09:00"), LocalTime.parse("09:30"), LocalTime.parse("10:00"),
                            LocalTime.parse("10:30"), LocalTime.parse("11:00"), LocalTime.parse("11:30"));
            assertTiled(slots, HALF_HOUR);
        }

        @Test
        void shouldMoveStartForwardByTheGapWhenSessionStartsInSpringForwardGap() {
            // Given 01:30 does not exist on 2026-03-29 in London: it resolves to 02:30 BST
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(List.of(weekly(Weekday.SUNDAY, "01:30", "03:00")))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-03-29");

            // Then
            assertThat(slots).containsExactly(new Slot(at("2026-03-29T01:30:00Z"), at("2026-03-29T02:00:00Z")));
        }

        @Test
        void shouldGiveNoSlotsWhenSessionCollapsesInSpringForwardGap() {
            // Given 01:45 resolves to 02:45 BST, after the end 02:15 BST
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(List.of(weekly(Weekday.SUNDAY, "01:45", "02:15")))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-03-29");

            // Then
            assertThat(slots).isEmpty();
        }

        @Test
        void shouldCoverTheWholeOverlapWhenSessionLiesInFallBackOverlap() {
            // Given 01:00 takes BST (00:00Z) and 02:00 is GMT (02:00Z): two real hours
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(List.of(weekly(Weekday.SUNDAY, "01:00", "02:00")))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-10-25");

            // Then
            assertThat(starts(slots)).containsExactly(
                    at("2026-10-25T00:00:00Z"), at("2026-10-25T00:30:00Z"),
                    at("2026-10-25T01:00:00Z"), at("2026-10-25T01:30:00Z"));
            assertTiled(slots, HALF_HOUR);
        }

        @Test
        void shouldNeverOverlapWhenYearOfNightAndDaySessionsInLondon() {
            // Given
            List<WeeklySession> template = new ArrayList<>(officeWeek());
            template.add(weekly(Weekday.SATURDAY, "22:00", "23:59"));
            template.add(weekly(Weekday.SUNDAY, "00:00", "04:00"));
            ProviderSchedule schedule = schedule("Europe/London", 30).setWeeklyTemplate(template).build();

            // When
            List<Slot> slots = SlotGenerator.generate(
                    schedule, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"));

            // Then 261 weekdays of 14, 52 Saturdays of 3 and 52 Sundays of 8, less 2 in March and plus 2 in October
            assertThat(slots).hasSize(4226);
            assertNoOverlaps(slots);
            assertThat(slots).allSatisfy(s -> assertThat(Duration.between(s.start(), s.end())).isEqualTo(HALF_HOUR));
        }
    }

    @Nested
    class TimeOffRules {

        @Test
        void shouldRemoveWholeDaysWhenTimeOffHasNoTimes() {
            // Given
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(officeWeek())
                    .setTimeOff(List.of(timeOff("2026-01-13", null, "2026-01-14", null)))
                    .build();

            // When
            List<Slot> slots = winterWeek(schedule);

            // Then
            assertThat(slots).hasSize(42);
            assertThat(slots).noneMatch(s -> s.start().isAfter(at("2026-01-12T23:59:59Z"))
                    && s.start().isBefore(at("2026-01-15T00:00:00Z")));
            assertThat(slots.get(13).start()).isEqualTo(at("2026-01-12T16:30:00Z"));
            assertThat(slots.get(14).start()).isEqualTo(at("2026-01-15T09:00:00Z"));
        }

        @Test
        void shouldRemoveEverySlotTouchedWhenTimeOffIsPartOfADay() {
            // Given 10:15-11:00 overlaps the 10:00 and 10:30 slots
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(officeWeek())
                    .setTimeOff(List.of(timeOff("2026-01-12", "10:15", "2026-01-12", "11:00")))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-01-12");

            // Then
            assertThat(slots).hasSize(12);
            assertThat(starts(slots)).startsWith(
                    at("2026-01-12T09:00:00Z"), at("2026-01-12T09:30:00Z"), at("2026-01-12T11:00:00Z"));
            assertThat(starts(slots)).doesNotContain(at("2026-01-12T10:00:00Z"), at("2026-01-12T10:30:00Z"));
        }

        @Test
        void shouldRemoveFromFirstDateStartToLastDateEndWhenTimeOffSpansDays() {
            // Given Wednesday 15:00 to Friday 10:00
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(officeWeek())
                    .setTimeOff(List.of(timeOff("2026-01-14", "15:00", "2026-01-16", "10:00")))
                    .build();

            // When
            List<Slot> slots = winterWeek(schedule);

            // Then 14 + 14 + 10 + 0 + 12
            assertThat(slots).hasSize(50);
            assertThat(day(schedule, "2026-01-14")).last()
                    .isEqualTo(new Slot(at("2026-01-14T14:30:00Z"), at("2026-01-14T15:00:00Z")));
            assertThat(day(schedule, "2026-01-15")).isEmpty();
            assertThat(day(schedule, "2026-01-16")).first()
                    .isEqualTo(new Slot(at("2026-01-16T10:00:00Z"), at("2026-01-16T10:30:00Z")));
        }

        @Test
        void shouldUseLocalTimeWhenTimeOffIsInSummer() {
            // Given 09:00-10:00 BST is 08:00-09:00Z
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(officeWeek())
                    .setTimeOff(List.of(timeOff("2026-07-13", "09:00", "2026-07-13", "10:00")))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-07-13");

            // Then
            assertThat(slots).hasSize(12);
            assertThat(slots.get(0).start()).isEqualTo(at("2026-07-13T09:00:00Z"));
        }
    }

    @Nested
    class ExtraSessions {

        @Test
        void shouldAddSlotsWhenExtraSessionIsOnDayAbsentFromTemplate() {
            // Given
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(officeWeek())
                    .setExtraSessions(List.of(extra("2026-01-17", "10:00", "12:00")))
                    .build();

            // When
            List<Slot> slots = winterWeek(schedule);

            // Then
            assertThat(slots).hasSize(74);
            assertThat(starts(day(schedule, "2026-01-17"))).containsExactly(
                    at("2026-01-17T10:00:00Z"), at("2026-01-17T10:30:00Z"),
                    at("2026-01-17T11:00:00Z"), at("2026-01-17T11:30:00Z"));
        }

        @Test
        void shouldRemoveExtraSlotsWhenTimeOffOverlapsExtraSession() {
            // Given
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(officeWeek())
                    .setExtraSessions(List.of(
                            extra("2026-01-17", "10:00", "12:00"),
                            extra("2026-01-18", "10:00", "12:00")))
                    .setTimeOff(List.of(
                            timeOff("2026-01-17", null, "2026-01-17", null),
                            timeOff("2026-01-18", "11:00", "2026-01-18", "12:00")))
                    .build();

            // When
            List<Slot> slots = winterWeek(schedule);

            // Then
            assertThat(slots).hasSize(72);
            assertThat(day(schedule, "2026-01-17")).isEmpty();
            assertThat(starts(day(schedule, "2026-01-18")))
                    .containsExactly(at("2026-01-18T10:00:00Z"), at("2026-01-18T10:30:00Z"));
        }

        @Test
        void shouldMergeWithTemplateWhenExtraSessionOverlapsIt() {
            // Given Monday 11:00-13:00 fills the lunch break: 09:00-17:00 straight
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(officeWeek())
                    .setExtraSessions(List.of(extra("2026-01-12", "11:00", "13:00")))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-01-12");

            // Then
            assertThat(slots).hasSize(16);
            assertThat(slots.get(0).start()).isEqualTo(at("2026-01-12T09:00:00Z"));
            assertTiled(slots, HALF_HOUR);
        }
    }

    @Nested
    class Merging {

        @Test
        void shouldMergeWhenSessionsOfOneDayOverlap() {
            // Given 09:00-10:00 and 09:45-11:00 would give overlapping 09:30 and 09:45 slots if cut apart
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(List.of(
                            weekly(Weekday.MONDAY, "09:00", "10:00"),
                            weekly(Weekday.MONDAY, "09:45", "11:00"),
                            weekly(Weekday.MONDAY, "10:00", "10:30")))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-01-12");

            // Then
            assertThat(starts(slots)).containsExactly(
                    at("2026-01-12T09:00:00Z"), at("2026-01-12T09:30:00Z"),
                    at("2026-01-12T10:00:00Z"), at("2026-01-12T10:30:00Z"));
            assertTiled(slots, HALF_HOUR);
        }

        @Test
        void shouldCutOneStretchWhenSessionsTouch() {
            // Given 09:00-10:00 and 10:00-11:30 in 45-minute slots: one stretch of 150 minutes
            ProviderSchedule schedule = schedule("Europe/London", 45)
                    .setWeeklyTemplate(List.of(
                            weekly(Weekday.MONDAY, "09:00", "10:00"),
                            weekly(Weekday.MONDAY, "10:00", "11:30")))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-01-12");

            // Then
            assertThat(starts(slots)).containsExactly(
                    at("2026-01-12T09:00:00Z"), at("2026-01-12T09:45:00Z"), at("2026-01-12T10:30:00Z"));
        }

        @ParameterizedTest(name = "{0}-{1} in {2} min")
        @CsvSource({
            "09:00, 10:40, 30, 3, 2026-01-12T10:30:00Z",
            "09:00, 12:00, 45, 4, 2026-01-12T12:00:00Z",
            "09:00, 11:59, 45, 3, 2026-01-12T11:15:00Z",
            "09:00, 09:04, 5,  0, ",
            "09:00, 17:00, 480, 1, 2026-01-12T17:00:00Z"
        })
        void shouldDropRemainderWhenShorterThanSlot(String start, String end, int minutes, int count, String lastEnd) {
            // Given
            ProviderSchedule schedule = schedule("Europe/London", minutes)
                    .setWeeklyTemplate(List.of(weekly(Weekday.MONDAY, start, end)))
                    .build();

            // When
            List<Slot> slots = day(schedule, "2026-01-12");

            // Then
            assertThat(slots).hasSize(count);
            if (count > 0) {
                assertThat(slots.get(count - 1).end()).isEqualTo(at(lastEnd));
                assertTiled(slots, Duration.ofMinutes(minutes));
            }
        }
    }

    @Nested
    class Boundaries {

        @ParameterizedTest(name = "[{0}, {1})")
        @CsvSource({
            "2026-01-12T09:00:00Z, 2026-01-12T10:00:00Z, 2026-01-12T09:00:00Z, 2026-01-12T09:30:00Z",
            "2026-01-12T09:15:00Z, 2026-01-12T10:00:00Z, 2026-01-12T09:30:00Z, 2026-01-12T09:30:00Z",
            "2026-01-12T09:30:00Z, 2026-01-12T10:00:01Z, 2026-01-12T09:30:00Z, 2026-01-12T10:00:00Z",
            "2026-01-12T11:30:00Z, 2026-01-12T13:30:00Z, 2026-01-12T11:30:00Z, 2026-01-12T13:00:00Z"
        })
        void shouldIncludeStartEqualToFromAndExcludeStartEqualToToWhenHorizonIsCut(
                String from, String to, String first, String last) {
            // Given
            ProviderSchedule schedule = londonOfficeWeek();

            // When
            List<Slot> slots = SlotGenerator.generate(schedule, at(from), at(to));

            // Then
            assertThat(slots.get(0).start()).isEqualTo(at(first));
            assertThat(slots.get(slots.size() - 1).start()).isEqualTo(at(last));
        }

        @Test
        void shouldGiveNothingWhenFromEqualsTo() {
            // Given
            ProviderSchedule schedule = londonOfficeWeek();

            // When
            List<Slot> slots = SlotGenerator.generate(
                    schedule, at("2026-01-12T09:00:00Z"), at("2026-01-12T09:00:00Z"));

            // Then
            assertThat(slots).isEmpty();
        }

        @Test
        void shouldRejectHorizonWhenToIsBeforeFrom() {
            // Given
            ProviderSchedule schedule = londonOfficeWeek();

            // When / Then
            assertThatThrownBy(() -> SlotGenerator.generate(
                            schedule, at("2026-01-12T10:00:00Z"), at("2026-01-12T09:00:00Z")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("to");
        }
    }

    @Nested
    class SlotAt {

        /** Office week, Sunday night sessions, time off and an extra session around the October change. */
        private ProviderSchedule autumnSchedule() {
            List<WeeklySession> template = new ArrayList<>(officeWeek());
            template.add(weekly(Weekday.SUNDAY, "00:00", "04:00"));
            template.add(weekly(Weekday.SATURDAY, "09:00", "09:50"));
            return schedule("Europe/London", 30)
                    .setWeeklyTemplate(template)
                    .setExtraSessions(List.of(extra("2026-10-24", "11:15", "13:00")))
                    .setTimeOff(List.of(
                            timeOff("2026-10-21", "14:00", "2026-10-22", "10:00"),
                            timeOff("2026-10-25", "01:30", "2026-10-25", "01:45")))
                    .build();
        }

        @Test
        void shouldAgreeWithGenerateWhenEveryFiveMinutesOfTwoWeeksAcrossDaylightSavingChange() {
            // Given
            ProviderSchedule schedule = autumnSchedule();
            Instant from = at("2026-10-18T00:00:00Z");
            Instant to = at("2026-11-01T00:00:00Z");
            List<Slot> generated = SlotGenerator.generate(schedule, from, to);

            // When
            List<Slot> found = new ArrayList<>();
            for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(5))) {
                SlotGenerator.slotAt(schedule, t).ifPresent(found::add);
            }

            // Then
            assertThat(generated).hasSizeGreaterThan(100);
            assertThat(found).containsExactlyElementsOf(generated);
            for (Slot slot : generated) {
                assertThat(SlotGenerator.slotAt(schedule, slot.start())).contains(slot);
            }
        }

        @Test
        void shouldRemoveBothRepeatedHalfHoursWhenTimeOffIsInFallBackOverlap() {
            // Given time off 01:30 BST (00:30Z) to 01:45 GMT (01:45Z)
            ProviderSchedule schedule = autumnSchedule();

            // When
            List<Slot> slots = day(schedule, "2026-10-25");

            // Then 10 night slots less 00:30Z, 01:00Z and 01:30Z
            assertThat(starts(slots)).containsExactly(
                    at("2026-10-25T00:00:00Z"), at("2026-10-25T02:00:00Z"), at("2026-10-25T02:30:00Z"),
                    at("2026-10-25T03:00:00Z"), at("2026-10-25T03:30:00Z"));
            assertThat(SlotGenerator.slotAt(schedule, at("2026-10-24T23:00:00Z")))
                    .contains(new Slot(at("2026-10-24T23:00:00Z"), at("2026-10-24T23:30:00Z")));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({
            "2026-10-19T08:15:00Z, off the grid",
            "2026-10-19T08:00:00.001Z, off the grid by a millisecond",
            "2026-10-19T07:30:00Z, before the day's first session",
            "2026-10-19T11:00:00Z, lunch break",
            "2026-10-19T16:00:00Z, after the day's last session",
            "2026-10-21T13:30:00Z, in time off",
            "2026-10-22T08:30:00Z, in multi-day time off",
            "2026-10-24T08:30:00Z, remainder shorter than a slot",
            "2026-10-25T00:30:00Z, in time off in the fall-back overlap",
            "2026-10-26T12:00:00Z, lunch break after the change"
        })
        void shouldAnswerEmptyWhenNoSlotStartsThere(String instant, String why) {
            // Given
            ProviderSchedule schedule = autumnSchedule();

            // When
            Optional<Slot> slot = SlotGenerator.slotAt(schedule, at(instant));

            // Then
            assertThat(slot).as(why).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({
            "2026-10-19T08:00:00Z, 2026-10-19T08:30:00Z",
            "2026-10-24T08:00:00Z, 2026-10-24T08:30:00Z",
            "2026-10-24T10:15:00Z, 2026-10-24T10:45:00Z",
            "2026-10-25T02:00:00Z, 2026-10-25T02:30:00Z",
            "2026-10-26T09:00:00Z, 2026-10-26T09:30:00Z"
        })
        void shouldFindSlotWhenInstantStartsOne(String start, String end) {
            // Given
            ProviderSchedule schedule = autumnSchedule();

            // When
            Optional<Slot> slot = SlotGenerator.slotAt(schedule, at(start));

            // Then
            assertThat(slot).contains(new Slot(at(start), at(end)));
        }
    }

    @Nested
    class InvalidContent {

        @ParameterizedTest(name = "{1}")
        @CsvSource({
            "timeZone, Mars/Olympus_Mons",
            "slotMinutes, 4",
            "slotMinutes, 481",
            "weeklyTemplate[0].hours.endTime, end equal to start",
            "extraSessions[0].hours.endTime, end before start",
            "timeOff[0].lastDate/endTime, last date before first date",
            "timeOff[1].lastDate/endTime, end time before start time on one day"
        })
        void shouldNameTheFieldWhenContentIsInvalid(String field, String problem) {
            // Given
            ProviderSchedule.Builder builder = schedule("Europe/London", 30).setWeeklyTemplate(officeWeek());
            Consumer<ProviderSchedule.Builder> breakIt = switch (problem) {
                case "Mars/Olympus_Mons" -> b -> b.setTimeZone("Mars/Olympus_Mons");
                case "4" -> b -> b.setSlotMinutes(4);
                case "481" -> b -> b.setSlotMinutes(481);
                case "end equal to start" -> b -> b.setWeeklyTemplate(List.of(weekly(Weekday.MONDAY, "09:00", "09:00")));
                case "end before start" -> b -> b.setExtraSessions(List.of(extra("2026-01-17", "12:00", "10:00")));
                case "last date before first date" ->
                        b -> b.setTimeOff(List.of(timeOff("2026-01-14", null, "2026-01-13", null)));
                default -> b -> b.setTimeOff(List.of(
                        timeOff("2026-01-13", null, "2026-01-13", null),
                        timeOff("2026-01-14", "11:00", "2026-01-14", "10:00")));
            };
            breakIt.accept(builder);
            ProviderSchedule schedule = builder.build();

            // When / Then
            assertThatThrownBy(() -> SlotGenerator.generate(
                            schedule, at("2026-01-12T00:00:00Z"), at("2026-01-19T00:00:00Z")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(field + ":");
            assertThatThrownBy(() -> SlotGenerator.slotAt(schedule, at("2026-01-12T09:00:00Z")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(field + ":");
        }

        @Test
        void shouldReportEveryProblemWhenSeveralFieldsAreInvalid() {
            // Given
            ProviderSchedule schedule = schedule("Nowhere/Town", 0)
                    .setWeeklyTemplate(List.of(weekly(Weekday.MONDAY, "17:00", "09:00")))
                    .build();

            // When / Then
            assertThatThrownBy(() -> SlotGenerator.slotAt(schedule, at("2026-01-12T09:00:00Z")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContainingAll("timeZone:", "slotMinutes:", "weeklyTemplate[0].hours.endTime:");
        }

        @Test
        void shouldRefuseAScheduleWithMoreEntriesThanTheIngestApiAcceptsWhenAWriterBypassedIt() {
            // Given one entry too many in each list, and one session too many on a Monday
            List<String> types = java.util.stream.IntStream.rangeClosed(0, SlotGenerator.MAX_APPOINTMENT_TYPES).mapToObj(i -> "type-" + i).toList();
            List<TimeOff> leave = java.util.stream.IntStream.rangeClosed(0, SlotGenerator.MAX_EXCEPTIONS)
                    .mapToObj(i -> timeOff(java.time.LocalDate.parse("2027-01-01").plusDays(i).toString(), null,
                            java.time.LocalDate.parse("2027-01-01").plusDays(i).toString(), null)).toList();
            List<ExtraSession> extras = java.util.stream.IntStream.rangeClosed(0, SlotGenerator.MAX_EXCEPTIONS)
                    .mapToObj(i -> extra(java.time.LocalDate.parse("2030-01-01").plusDays(i).toString(), "09:00", "10:00")).toList();
            List<WeeklySession> monday = java.util.stream.IntStream.rangeClosed(0, SlotGenerator.MAX_SESSIONS_PER_DAY)
                    .mapToObj(i -> new WeeklySession(Weekday.MONDAY, new LocalTimeRange(LocalTime.MIDNIGHT.plusMinutes(20L * i),
                            LocalTime.MIDNIGHT.plusMinutes(20L * i + 10)))).toList();
            ProviderSchedule schedule = schedule("Europe/London", 5).setAppointmentTypes(types).setTimeOff(leave)
                    .setExtraSessions(extras).setWeeklyTemplate(monday).build();

            // When / Then every list over its bound is named
            assertThatThrownBy(() -> SlotGenerator.slotAt(schedule, at("2026-01-12T09:00:00Z")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContainingAll("appointmentTypes: at most " + SlotGenerator.MAX_APPOINTMENT_TYPES,
                            "timeOff: at most " + SlotGenerator.MAX_EXCEPTIONS, "extraSessions: at most " + SlotGenerator.MAX_EXCEPTIONS,
                            "weeklyTemplate: MONDAY has " + (SlotGenerator.MAX_SESSIONS_PER_DAY + 1) + " sessions");
        }

        @Test
        void shouldNameTheFieldWhenHoursAreMissing() {
            // Given a range filled the way a reader fills it, around the constructor's checks
            LocalTimeRange noStart = new LocalTimeRange();
            noStart.put(1, LocalTime.parse("10:00"));
            ProviderSchedule schedule = schedule("Europe/London", 30)
                    .setWeeklyTemplate(List.of(new WeeklySession(Weekday.MONDAY, noStart)))
                    .build();

            // When / Then
            assertThatThrownBy(() -> SlotGenerator.slotAt(schedule, at("2026-01-12T09:00:00Z")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("weeklyTemplate[0].hours:");
        }
    }
}
