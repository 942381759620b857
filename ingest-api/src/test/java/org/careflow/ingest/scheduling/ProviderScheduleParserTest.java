package org.careflow.ingest.scheduling;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.careflow.events.scheduling.ExtraSession;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.TimeOff;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProviderScheduleParserTest {

    private static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";
    private static final String TIME_MESSAGE = "must be a local time HH:mm between 00:00 and 23:59, such as 09:30";
    private static final String FULL = """
        {"facilityId": "f-1", "timeZone": "Europe/London", "slotMinutes": 30, "appointmentTypes": ["new-patient", "follow-up"],
         "weekly": {"TUESDAY": [{"start": "13:00", "end": "17:00"}],
                    "MONDAY": [{"start": "13:00", "end": "17:00"}, {"start": "09:00", "end": "12:00"}]},
         "timeOff": [{"from": "2026-12-24", "to": "2026-12-26"},
                     {"from": "2026-12-31", "to": "2026-12-31", "startTime": "12:00", "endTime": "17:00", "reason": "training"}],
         "extraSessions": [{"date": "2026-12-27", "start": "09:00", "end": "12:00"}]}
        """;
    /** The smallest valid schedule: one Monday session. */
    private static final String MINIMAL = """
        {"facilityId": "f-1", "timeZone": "Europe/London", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
         "weekly": {"MONDAY": [{"start": "09:00", "end": "12:00"}]}}
        """;

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final ProviderScheduleParser parser = new ProviderScheduleParser(Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void shouldBuildScheduleWhenEveryFieldIsGiven() throws Exception {
        // When
        ProviderSchedule schedule = parser.parse("dr-7", json(FULL));

        // Then
        assertThat(schedule.getEventId()).matches("[0-9a-f-]{36}");
        assertThat(schedule.getOccurredAt()).isEqualTo(now);
        assertThat(schedule.getProviderId()).isEqualTo("dr-7");
        assertThat(schedule.getFacilityId()).isEqualTo("f-1");
        assertThat(schedule.getTimeZone()).isEqualTo("Europe/London");
        assertThat(schedule.getSlotMinutes()).isEqualTo(30);
        assertThat(schedule.getAppointmentTypes()).containsExactly("new-patient", "follow-up");
        assertThat(schedule.getWeeklyTemplate()).containsExactly(
            new WeeklySession(Weekday.MONDAY, hours("09:00", "12:00")),
            new WeeklySession(Weekday.MONDAY, hours("13:00", "17:00")),
            new WeeklySession(Weekday.TUESDAY, hours("13:00", "17:00")));
        assertThat(schedule.getTimeOff()).containsExactly(
            new TimeOff(LocalDate.parse("2026-12-24"), LocalDate.parse("2026-12-26"), null, null, null),
            new TimeOff(LocalDate.parse("2026-12-31"), LocalDate.parse("2026-12-31"), LocalTime.of(12, 0), LocalTime.of(17, 0), "training"));
        assertThat(schedule.getExtraSessions()).containsExactly(new ExtraSession(LocalDate.parse("2026-12-27"), hours("09:00", "12:00")));
    }

    @Test
    void shouldGiveEachScheduleItsOwnEventIdWhenParsedTwice() throws Exception {
        assertThat(parser.parse("dr-7", json(MINIMAL)).getEventId()).isNotEqualTo(parser.parse("dr-7", json(MINIMAL)).getEventId());
    }

    @Test
    void shouldNameEveryProblemWhenSeveralFieldsAreInvalid() throws Exception {
        // Given
        String body = """
            {"facilityId": "f 1", "timeZone": "+02:00", "slotMinutes": 3, "appointmentTypes": [], "colour": "red",
             "weekly": {"MONDAY": [{"start": "9:00", "end": "12:00"}]}}
            """;

        // When
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse("dr 7", json(body)));

        // Then
        assertThat(problem.problem().status()).isEqualTo(400);
        assertThat(problem.problem().errors()).containsExactly(
            new FieldError("providerId", ID_MESSAGE),
            new FieldError("/colour", "is not a known field; expected one of "
                + "[appointmentTypes, extraSessions, facilityId, slotMinutes, timeOff, timeZone, weekly]"),
            new FieldError("/facilityId", ID_MESSAGE),
            new FieldError("/timeZone", "must be a region such as Europe/London, not a fixed offset: a clinic's hours "
                + "follow daylight-saving rules (UTC is accepted)"),
            new FieldError("/slotMinutes", "must be between 5 and 480"),
            new FieldError("/appointmentTypes", "must list at least one appointment type"),
            new FieldError("/weekly/MONDAY/0/start", TIME_MESSAGE));
    }

    @Test
    void shouldRequireEveryTopLevelFieldWhenBodyIsEmpty() throws Exception {
        assertThat(errors("{}")).containsExactly(
            new FieldError("/facilityId", "is required"),
            new FieldError("/timeZone", "is required"),
            new FieldError("/slotMinutes", "is required"),
            new FieldError("/appointmentTypes", "is required: list the appointment types the provider offers"),
            new FieldError("/weekly", "the schedule has no sessions: give at least one weekly session or extra session"));
    }

    @Test
    void shouldRejectBodyWhenItIsNotAnObject() throws Exception {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse("dr-7", json("[]")));

        assertThat(problem.problem().errors()).containsExactly(new FieldError("", "the body must be a JSON object"));
    }

    @Nested
    class TimeZone {

        @ParameterizedTest
        @ValueSource(strings = {"Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC", "Etc/UTC"})
        void shouldAcceptZoneWhenItIsAnIanaRegionOrUtc(String zone) throws Exception {
            assertThat(parser.parse("dr-7", with(MINIMAL, "timeZone", zone)).getTimeZone()).isEqualTo(zone);
        }

        @ParameterizedTest
        @ValueSource(strings = {"+02:00", "-05:00", "Z", "UTC+02:00", "GMT+2", "Etc/GMT-2", "SystemV/EST5"})
        void shouldRejectZoneWhenItIsAFixedOffset(String zone) throws Exception {
            assertThat(errors(with(MINIMAL, "timeZone", zone))).extracting(FieldError::message)
                .singleElement().asString().startsWith("must be a region such as Europe/London, not a fixed offset");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Mars/Olympus_Mons", "europe/london", "London", "CET+1", ""})
        void shouldRejectZoneWhenItIsNotAnIanaId(String zone) throws Exception {
            List<FieldError> errors = errors(with(MINIMAL, "timeZone", zone));

            assertThat(errors).extracting(FieldError::field).containsExactly("/timeZone");
            assertThat(errors.get(0).message()).isIn("must be an IANA time-zone id such as Europe/London", "must not be blank");
        }

        @Test
        void shouldRejectZoneWhenItIsNotAString() throws Exception {
            assertThat(errors(MINIMAL.replace("\"Europe/London\"", "1"))).containsExactly(new FieldError("/timeZone", "must be a string"));
        }
    }

    @Nested
    class SlotMinutes {

        @ParameterizedTest
        @ValueSource(ints = {5, 15, 480})
        void shouldAcceptSlotMinutesWhenWithin5And480(int minutes) throws Exception {
            String body = MINIMAL.replace("\"slotMinutes\": 30", "\"slotMinutes\": " + minutes).replace("12:00", "17:00");

            assertThat(parser.parse("dr-7", json(body)).getSlotMinutes()).isEqualTo(minutes);
        }

        @Test
        void shouldAcceptSlotMinutesWhenAWholeNumberIsWrittenWithADecimalPoint() throws Exception {
            assertThat(parser.parse("dr-7", json(MINIMAL.replace("\"slotMinutes\": 30", "\"slotMinutes\": 30.0"))).getSlotMinutes()).isEqualTo(30);
        }

        @ParameterizedTest
        @ValueSource(strings = {"4", "481", "0", "-30"})
        void shouldRejectSlotMinutesWhenOutside5To480(String minutes) throws Exception {
            assertThat(errors(MINIMAL.replace("\"slotMinutes\": 30", "\"slotMinutes\": " + minutes)))
                .containsExactly(new FieldError("/slotMinutes", "must be between 5 and 480"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"30.5", "\"30\"", "true"})
        void shouldRejectSlotMinutesWhenNotAWholeNumber(String minutes) throws Exception {
            assertThat(errors(MINIMAL.replace("\"slotMinutes\": 30", "\"slotMinutes\": " + minutes)))
                .containsExactly(new FieldError("/slotMinutes", "must be a whole number"));
        }
    }

    @Nested
    class AppointmentTypes {

        @Test
        void shouldNameEachBadTypeWhenTypesAreInvalidOrRepeated() throws Exception {
            String body = MINIMAL.replace("[\"follow-up\"]", "[\"follow-up\", \"new patient\", 7, \"follow-up\"]");

            assertThat(errors(body)).containsExactly(
                new FieldError("/appointmentTypes/1", ID_MESSAGE),
                new FieldError("/appointmentTypes/2", "must be a string"),
                new FieldError("/appointmentTypes/3", "duplicates /appointmentTypes/0"));
        }

        @Test
        void shouldRejectTypesWhenNotAnArray() throws Exception {
            assertThat(errors(MINIMAL.replace("[\"follow-up\"]", "\"follow-up\"")))
                .containsExactly(new FieldError("/appointmentTypes", "must be an array"));
        }

        @Test
        void shouldRejectTypesWhenEmpty() throws Exception {
            assertThat(errors(MINIMAL.replace("[\"follow-up\"]", "[]")))
                .containsExactly(new FieldError("/appointmentTypes", "must list at least one appointment type"));
        }

        @Test
        void shouldRejectTypesWhenMoreThanTheLimit() throws Exception {
            String many = "[" + String.join(", ", java.util.stream.IntStream.rangeClosed(0, ProviderScheduleParser.MAX_APPOINTMENT_TYPES)
                .mapToObj(i -> "\"t-" + i + "\"").toList()) + "]";

            assertThat(errors(MINIMAL.replace("[\"follow-up\"]", many)))
                .containsExactly(new FieldError("/appointmentTypes", "must have at most 50 items"));
        }
    }

    @Nested
    class WeeklyTemplate {

        @Test
        void shouldAcceptEveryWeekdayWhenSpeltAsTheContract() throws Exception {
            StringBuilder week = new StringBuilder();
            for (Weekday day : Weekday.values()) {
                week.append(week.isEmpty() ? "" : ", ").append('"').append(day).append("\": [{\"start\": \"08:00\", \"end\": \"09:00\"}]");
            }

            ProviderSchedule schedule = parser.parse("dr-7", json(MINIMAL.replace("\"MONDAY\": [{\"start\": \"09:00\", \"end\": \"12:00\"}]", week)));

            assertThat(schedule.getWeeklyTemplate()).extracting(WeeklySession::getDay).containsExactly(Weekday.values());
        }

        @Test
        void shouldNameTheKeyWhenItIsNotAWeekday() throws Exception {
            String body = MINIMAL.replace("\"MONDAY\"", "\"Monday\": [], \"FUNDAY\": [], \"a/b\": [], \"MONDAY\"");

            String expected = "is not a weekday; expected one of [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]";
            assertThat(errors(body)).containsExactly(
                new FieldError("/weekly/Monday", expected),
                new FieldError("/weekly/FUNDAY", expected),
                new FieldError("/weekly/a~1b", expected));
        }

        @Test
        void shouldRejectWeeklyWhenNotAnObjectOfArraysOfObjects() throws Exception {
            assertThat(errors(MINIMAL.replace("[{\"start\": \"09:00\", \"end\": \"12:00\"}]", "{\"start\": \"09:00\"}")))
                .containsExactly(new FieldError("/weekly/MONDAY", "must be an array"));
            assertThat(errors(MINIMAL.replace("[{\"start\": \"09:00\", \"end\": \"12:00\"}]", "[\"09:00-12:00\"]")))
                .containsExactly(new FieldError("/weekly/MONDAY/0", "must be an object"));
            assertThat(errors(MINIMAL.replace("\"weekly\": {\"MONDAY\": [{\"start\": \"09:00\", \"end\": \"12:00\"}]}", "\"weekly\": \"MONDAY\"")))
                .containsExactly(new FieldError("/weekly", "must be an object"));
        }

        @Test
        void shouldRejectUnknownFieldsWhenInASession() throws Exception {
            assertThat(errors(MINIMAL.replace("\"end\": \"12:00\"", "\"end\": \"12:00\", \"room\": \"3\"")))
                .containsExactly(new FieldError("/weekly/MONDAY/0/room", "is not a known field; expected one of [end, start]"));
        }

        @Test
        void shouldRequireStartAndEndWhenASessionLacksThem() throws Exception {
            assertThat(errors(MINIMAL.replace("{\"start\": \"09:00\", \"end\": \"12:00\"}", "{}"))).containsExactly(
                new FieldError("/weekly/MONDAY/0/start", "is required"),
                new FieldError("/weekly/MONDAY/0/end", "is required"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"9:00", "09:00:00", "25:00", "12:60", "0900", "9am", "-1:00", "09:0"})
        void shouldRejectTimeWhenNotHHmm(String time) throws Exception {
            assertThat(errors(MINIMAL.replace("\"09:00\"", "\"" + time + "\"")))
                .containsExactly(new FieldError("/weekly/MONDAY/0/start", TIME_MESSAGE));
        }

        @Test
        void shouldRejectTimeWhenNotAString() throws Exception {
            assertThat(errors(MINIMAL.replace("\"09:00\"", "900")))
                .containsExactly(new FieldError("/weekly/MONDAY/0/start", "must be a string"));
        }

        @Test
        void shouldRejectEndOf24WhenGivenSinceSessionsEndBy2359() throws Exception {
            assertThat(errors(MINIMAL.replace("\"12:00\"", "\"24:00\""))).containsExactly(new FieldError("/weekly/MONDAY/0/end",
                "must be 23:59 at the latest: times lie within one day, so a day's last session ends by 23:59"));
        }

        @Test
        void shouldAcceptSessionWhenItRunsFromMidnightTo2359() throws Exception {
            ProviderSchedule schedule = parser.parse("dr-7", json(MINIMAL.replace("\"09:00\"", "\"00:00\"").replace("\"12:00\"", "\"23:59\"")));

            assertThat(schedule.getWeeklyTemplate()).containsExactly(new WeeklySession(Weekday.MONDAY, hours("00:00", "23:59")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"09:00", "08:30"})
        void shouldRejectSessionWhenEndIsNotAfterStart(String end) throws Exception {
            assertThat(errors(MINIMAL.replace("\"12:00\"", "\"" + end + "\""))).containsExactly(new FieldError(
                "/weekly/MONDAY/0/end", "must be after start (09:00); a session across midnight is two sessions"));
        }

        @Test
        void shouldRejectSessionWhenShorterThanOneSlot() throws Exception {
            assertThat(errors(MINIMAL.replace("\"12:00\"", "\"09:29\""))).containsExactly(
                new FieldError("/weekly/MONDAY/0", "lasts 29 minutes, shorter than one slot (30 minutes)"));
        }

        @Test
        void shouldAcceptSessionWhenExactlyOneSlotLong() throws Exception {
            assertThat(parser.parse("dr-7", json(MINIMAL.replace("\"12:00\"", "\"09:30\""))).getWeeklyTemplate())
                .containsExactly(new WeeklySession(Weekday.MONDAY, hours("09:00", "09:30")));
        }

        @Test
        void shouldNotJudgeSessionLengthWhenSlotMinutesIsInvalid() throws Exception {
            assertThat(errors(MINIMAL.replace("\"slotMinutes\": 30", "\"slotMinutes\": 500")))
                .containsExactly(new FieldError("/slotMinutes", "must be between 5 and 480"));
        }

        @Test
        void shouldNameBothSessionsWhenTwoOfADayOverlap() throws Exception {
            String body = MINIMAL.replace("[{\"start\": \"09:00\", \"end\": \"12:00\"}]",
                "[{\"start\": \"09:00\", \"end\": \"12:00\"}, {\"start\": \"13:00\", \"end\": \"17:00\"}, {\"start\": \"11:30\", \"end\": \"13:30\"}]");

            assertThat(errors(body)).containsExactly(
                new FieldError("/weekly/MONDAY/2", "overlaps /weekly/MONDAY/0 (09:00-12:00)"),
                new FieldError("/weekly/MONDAY/2", "overlaps /weekly/MONDAY/1 (13:00-17:00)"));
        }

        @Test
        void shouldNameBothSessionsWhenOneContainsTheOther() throws Exception {
            String body = MINIMAL.replace("[{\"start\": \"09:00\", \"end\": \"12:00\"}]",
                "[{\"start\": \"09:00\", \"end\": \"12:00\"}, {\"start\": \"10:00\", \"end\": \"11:00\"}]");

            assertThat(errors(body)).containsExactly(new FieldError("/weekly/MONDAY/1", "overlaps /weekly/MONDAY/0 (09:00-12:00)"));
        }

        @Test
        void shouldAcceptSessionsWhenTheyOnlyTouch() throws Exception {
            String body = MINIMAL.replace("[{\"start\": \"09:00\", \"end\": \"12:00\"}]",
                "[{\"start\": \"12:00\", \"end\": \"13:00\"}, {\"start\": \"09:00\", \"end\": \"12:00\"}]");

            assertThat(parser.parse("dr-7", json(body)).getWeeklyTemplate()).containsExactly(
                new WeeklySession(Weekday.MONDAY, hours("09:00", "12:00")), new WeeklySession(Weekday.MONDAY, hours("12:00", "13:00")));
        }

        @Test
        void shouldAcceptTheSameHoursWhenOnDifferentDays() throws Exception {
            String body = MINIMAL.replace("\"MONDAY\": [{\"start\": \"09:00\", \"end\": \"12:00\"}]",
                "\"MONDAY\": [{\"start\": \"09:00\", \"end\": \"12:00\"}], \"TUESDAY\": [{\"start\": \"09:00\", \"end\": \"12:00\"}]");

            assertThat(parser.parse("dr-7", json(body)).getWeeklyTemplate()).hasSize(2);
        }

        @Test
        void shouldRejectScheduleWhenEveryDayIsEmptyAndThereAreNoExtraSessions() throws Exception {
            assertThat(errors(MINIMAL.replace("[{\"start\": \"09:00\", \"end\": \"12:00\"}]", "[]"))).containsExactly(
                new FieldError("/weekly", "the schedule has no sessions: give at least one weekly session or extra session"));
        }

        @Test
        void shouldAcceptScheduleWhenOnlyExtraSessionsAreGiven() throws Exception {
            String body = MINIMAL.replace("\"weekly\": {\"MONDAY\": [{\"start\": \"09:00\", \"end\": \"12:00\"}]}",
                "\"extraSessions\": [{\"date\": \"2026-12-27\", \"start\": \"09:00\", \"end\": \"12:00\"}]");

            ProviderSchedule schedule = parser.parse("dr-7", json(body));

            assertThat(schedule.getWeeklyTemplate()).isEmpty();
            assertThat(schedule.getExtraSessions()).hasSize(1);
        }
    }

    @Nested
    class TimeOffEntries {

        @Test
        void shouldAcceptStartTimeAloneWhenTheTimeOffRunsToTheEndOfTheLastDate() throws Exception {
            ProviderSchedule schedule = parser.parse("dr-7", withTimeOff("{\"from\": \"2026-12-24\", \"to\": \"2026-12-24\", \"startTime\": \"12:00\"}"));

            assertThat(schedule.getTimeOff()).containsExactly(
                new TimeOff(LocalDate.parse("2026-12-24"), LocalDate.parse("2026-12-24"), LocalTime.NOON, null, null));
        }

        @Test
        void shouldAcceptEndTimeBeforeStartTimeWhenTheEntrySpansSeveralDays() throws Exception {
            ProviderSchedule schedule = parser.parse("dr-7",
                withTimeOff("{\"from\": \"2026-12-24\", \"to\": \"2026-12-25\", \"startTime\": \"17:00\", \"endTime\": \"09:00\"}"));

            assertThat(schedule.getTimeOff().get(0).getStartTime()).isEqualTo(LocalTime.of(17, 0));
            assertThat(schedule.getTimeOff().get(0).getEndTime()).isEqualTo(LocalTime.of(9, 0));
        }

        @Test
        void shouldDropReasonWhenBlank() throws Exception {
            assertThat(parser.parse("dr-7", withTimeOff("{\"from\": \"2026-12-24\", \"to\": \"2026-12-24\", \"reason\": \"  \"}"))
                .getTimeOff().get(0).getReason()).isNull();
        }

        @Test
        void shouldRequireBothDatesWhenAnEntryHasOnlyTimes() throws Exception {
            assertThat(errors(withTimeOff("{\"startTime\": \"12:00\", \"endTime\": \"17:00\"}"))).containsExactly(
                new FieldError("/timeOff/0/from", "is required"),
                new FieldError("/timeOff/0/to", "is required"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"2026-02-30", "2026-2-1", "24/12/2026", "2026-12-24T00:00:00Z"})
        void shouldRejectDateWhenNotAValidCalendarDate(String date) throws Exception {
            assertThat(errors(withTimeOff("{\"from\": \"" + date + "\", \"to\": \"2026-12-26\"}")))
                .containsExactly(new FieldError("/timeOff/0/from", "must be a date YYYY-MM-DD such as 2026-12-24"));
        }

        @Test
        void shouldRejectEntryWhenToIsBeforeFrom() throws Exception {
            assertThat(errors(withTimeOff("{\"from\": \"2026-12-26\", \"to\": \"2026-12-24\"}")))
                .containsExactly(new FieldError("/timeOff/0/to", "must be on or after from (2026-12-26)"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"12:00", "11:00"})
        void shouldRejectSingleDayEntryWhenEndTimeIsNotAfterStartTime(String endTime) throws Exception {
            assertThat(errors(withTimeOff("{\"from\": \"2026-12-31\", \"to\": \"2026-12-31\", \"startTime\": \"12:00\", \"endTime\": \"" + endTime + "\"}")))
                .containsExactly(new FieldError("/timeOff/0/endTime", "must be after startTime (12:00) on a single-day entry"));
        }

        @Test
        void shouldRejectSingleDayEntryWhenEndTimeIsMidnightWithoutStartTime() throws Exception {
            assertThat(errors(withTimeOff("{\"from\": \"2026-12-31\", \"to\": \"2026-12-31\", \"endTime\": \"00:00\"}")))
                .containsExactly(new FieldError("/timeOff/0/endTime", "must be after 00:00 on a single-day entry"));
        }

        @Test
        void shouldNameEveryBadFieldWhenAnEntryIsInvalid() throws Exception {
            String entry = "{\"from\": \"2026-12-31\", \"to\": 5, \"startTime\": \"noon\", \"endTime\": \"24:00\", \"reason\": \""
                + "x".repeat(501) + "\", \"note\": \"x\"}";

            assertThat(errors(withTimeOff(entry))).containsExactly(
                new FieldError("/timeOff/0/note", "is not a known field; expected one of [endTime, from, reason, startTime, to]"),
                new FieldError("/timeOff/0/to", "must be a string"),
                new FieldError("/timeOff/0/startTime", TIME_MESSAGE),
                new FieldError("/timeOff/0/endTime",
                    "must be 23:59 at the latest: times lie within one day, so a day's last session ends by 23:59"),
                new FieldError("/timeOff/0/reason", "must be at most 500 characters"));
        }

        @Test
        void shouldRejectTimeOffWhenNotAnArrayOfObjects() throws Exception {
            assertThat(errors(MINIMAL.replace("\"appointmentTypes\"", "\"timeOff\": {}, \"appointmentTypes\"")))
                .containsExactly(new FieldError("/timeOff", "must be an array"));
            assertThat(errors(withTimeOff("\"2026-12-24\""))).containsExactly(new FieldError("/timeOff/0", "must be an object"));
        }

        private JsonNode withTimeOff(String entry) throws Exception {
            return json(MINIMAL.replace("\"appointmentTypes\"", "\"timeOff\": [" + entry + "], \"appointmentTypes\""));
        }
    }

    @Nested
    class ExtraSessions {

        @Test
        void shouldApplyTheSessionRulesWhenAnExtraSessionIsInvalid() throws Exception {
            String extra = "{\"date\": \"2026-12-27\", \"start\": \"09:00\", \"end\": \"09:10\"}, {\"date\": \"2026-12-28\", \"start\": \"12:00\", "
                + "\"end\": \"11:00\"}, {\"date\": \"2026-13-01\", \"start\": \"7:00\", \"end\": \"24:00\", \"room\": 1}, {}";

            assertThat(errors(withExtra(extra))).containsExactly(
                new FieldError("/extraSessions/0", "lasts 10 minutes, shorter than one slot (30 minutes)"),
                new FieldError("/extraSessions/1/end", "must be after start (12:00); a session across midnight is two sessions"),
                new FieldError("/extraSessions/2/room", "is not a known field; expected one of [date, end, start]"),
                new FieldError("/extraSessions/2/date", "must be a date YYYY-MM-DD such as 2026-12-24"),
                new FieldError("/extraSessions/2/start", TIME_MESSAGE),
                new FieldError("/extraSessions/2/end",
                    "must be 23:59 at the latest: times lie within one day, so a day's last session ends by 23:59"),
                new FieldError("/extraSessions/3/date", "is required"),
                new FieldError("/extraSessions/3/start", "is required"),
                new FieldError("/extraSessions/3/end", "is required"));
        }

        @Test
        void shouldNameBothSessionsWhenTwoExtraSessionsOfADateOverlap() throws Exception {
            String extra = "{\"date\": \"2026-12-27\", \"start\": \"09:00\", \"end\": \"12:00\"}, "
                + "{\"date\": \"2026-12-28\", \"start\": \"13:00\", \"end\": \"14:00\"}, "
                + "{\"date\": \"2026-12-27\", \"start\": \"11:00\", \"end\": \"13:00\"}";

            assertThat(errors(withExtra(extra))).containsExactly(
                new FieldError("/extraSessions/2", "overlaps /extraSessions/0 (09:00-12:00)"));
        }

        @Test
        void shouldRejectExtraSessionWhenItOverlapsTheWeeklyTemplateOnItsWeekday() throws Exception {
            // 2026-12-28 is a Monday; the template has Monday 09:00-12:00
            assertThat(errors(withExtra("{\"date\": \"2026-12-28\", \"start\": \"11:00\", \"end\": \"13:00\"}"))).containsExactly(
                new FieldError("/extraSessions/0", "overlaps the weekly session /weekly/MONDAY/0 (09:00-12:00) on that MONDAY; "
                    + "an extra session adds hours outside the weekly template"));
        }

        @Test
        void shouldAcceptExtraSessionWhenItExtendsTheTemplateOrFallsOnAnotherWeekday() throws Exception {
            ProviderSchedule schedule = parser.parse("dr-7", withExtra("{\"date\": \"2026-12-28\", \"start\": \"12:00\", \"end\": \"14:00\"}, "
                + "{\"date\": \"2026-12-29\", \"start\": \"10:00\", \"end\": \"11:00\"}"));

            assertThat(schedule.getExtraSessions()).containsExactly(
                new ExtraSession(LocalDate.parse("2026-12-28"), hours("12:00", "14:00")),
                new ExtraSession(LocalDate.parse("2026-12-29"), hours("10:00", "11:00")));
        }

        @Test
        void shouldAcceptExtraSessionWhenTimeOffCoversIt() throws Exception {
            // Time off wins over an extra session that overlaps it: the contract says so, nothing to reject.
            String body = MINIMAL.replace("\"appointmentTypes\"", "\"timeOff\": [{\"from\": \"2026-12-27\", \"to\": \"2026-12-27\"}], "
                + "\"extraSessions\": [{\"date\": \"2026-12-27\", \"start\": \"09:00\", \"end\": \"12:00\"}], \"appointmentTypes\"");

            assertThat(parser.parse("dr-7", json(body)).getExtraSessions()).hasSize(1);
        }

        @Test
        void shouldRejectExtraSessionsWhenMoreThanTheLimit() throws Exception {
            String many = String.join(", ", java.util.Collections.nCopies(ProviderScheduleParser.MAX_EXCEPTIONS + 1,
                "{\"date\": \"2026-12-29\", \"start\": \"10:00\", \"end\": \"11:00\"}"));

            assertThat(errors(withExtra(many))).containsExactly(new FieldError("/extraSessions", "must have at most 500 items"));
        }

        private JsonNode withExtra(String sessions) throws Exception {
            return json(MINIMAL.replace("\"appointmentTypes\"", "\"extraSessions\": [" + sessions + "], \"appointmentTypes\""));
        }
    }

    private List<FieldError> errors(String body) throws Exception {
        return errors(json(body));
    }

    private List<FieldError> errors(JsonNode body) {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse("dr-7", body));
        assertThat(problem).as("a 400 for %s", body).isNotNull();
        assertThat(problem.problem().status()).isEqualTo(400);
        return problem.problem().errors();
    }

    private static JsonNode with(String body, String field, String value) throws Exception {
        ObjectNode node = (ObjectNode) json(body);
        node.put(field, value);
        return node;
    }

    private static LocalTimeRange hours(String start, String end) {
        return new LocalTimeRange(LocalTime.parse(start), LocalTime.parse(end));
    }

    private static JsonNode json(String text) throws Exception {
        return HttpServerFactory.MAPPER.readTree(text);
    }
}
