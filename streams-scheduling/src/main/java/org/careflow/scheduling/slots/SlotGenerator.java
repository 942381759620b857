package org.careflow.scheduling.slots;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.careflow.events.scheduling.ExtraSession;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.TimeOff;
import org.careflow.events.scheduling.WeeklySession;

/**
 * Cuts a {@link ProviderSchedule} into bookable {@link Slot}s.
 *
 * <p>Semantics:
 * <ul>
 *   <li><b>Local time.</b> Every date and time of the schedule is local to its {@code timeZone}. A session
 *       on a local date runs from the instant of its local start to the instant of its local end, resolved
 *       as {@link ZonedDateTime#of} does: a local time in a spring-forward gap moves forward by the length
 *       of the gap; in a fall-back overlap the start takes the earlier offset and the end the later one, so
 *       the session covers all the real time between. A session that resolves to nothing (only possible
 *       when it lies inside a gap) has no slots.
 *   <li><b>Merging.</b> The sessions of one date, from the weekly template and from extra sessions alike,
 *       are merged wherever they overlap or touch; each merged stretch is sliced on its own. So no two slots
 *       overlap, and the slots depend only on the hours worked, not on how they were split into sessions.
 *       If resolution makes a date's hours reach into the next date's (only where a transition sits at
 *       midnight), the next date's hours start where the earlier date's end.
 *   <li><b>Slicing.</b> A stretch is cut into consecutive slots of {@code slotMinutes} of real (elapsed)
 *       time from its start instant; a trailing remainder shorter than a slot is not a slot. Across a
 *       daylight-saving change a session therefore neither loses nor duplicates slots: its slots are
 *       distinct, never overlap and tile its real duration (a 00:00-04:00 session has 6 half-hour slots
 *       on a spring-forward night and 10 on a fall-back night).
 *   <li><b>Time off.</b> Each entry is the interval from {@code firstDate} at {@code startTime} (null: the
 *       start of that day) to {@code lastDate} at {@code endTime} (exclusive; null: the start of the next
 *       day), resolved to instants like a session. Every slot that overlaps it is removed, including slots
 *       of extra sessions: time off wins.
 *   <li><b>Invalid content</b> (unknown time zone, {@code slotMinutes} outside 5..480, a range whose end is
 *       not after its start, a missing required value, more entries than the ingest API accepts: more than
 *       {@value #MAX_APPOINTMENT_TYPES} appointment types, {@value #MAX_SESSIONS_PER_DAY} sessions on one weekday
 *       or {@value #MAX_EXCEPTIONS} time-off entries or extra sessions) is an {@link IllegalArgumentException}
 *       naming every offending field. The ingest API validates first; this is defence, and what keeps a schedule
 *       written around it from growing the provider's stored schedule without bound.
 * </ul>
 *
 * <p>{@link #generate} and {@link #slotAt} always agree. The cost of {@code generate} grows with the number
 * of days in the horizon; {@code slotAt} only looks at the local dates around the instant asked about.
 */
public final class SlotGenerator {

    static final int MIN_SLOT_MINUTES = 5;
    static final int MAX_SLOT_MINUTES = 480;
    /** The ingest API's limits ({@code ProviderScheduleParser}), checked again for writers that bypass it. */
    public static final int MAX_APPOINTMENT_TYPES = 50;
    public static final int MAX_SESSIONS_PER_DAY = 48;
    /** Per list: time off, extra sessions. */
    public static final int MAX_EXCEPTIONS = 500;

    private SlotGenerator() {
    }

    /**
     * Every slot of the schedule whose start lies in {@code [from, to)}, ordered by start, without
     * duplicates.
     *
     * @throws IllegalArgumentException if the schedule's content is invalid or {@code to} is before
     *     {@code from}
     */
    public static List<Slot> generate(ProviderSchedule schedule, Instant from, Instant to) {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " must not be before from " + from);
        }
        Resolved resolved = Resolved.of(schedule);
        List<Slot> slots = new ArrayList<>();
        // One date either side: resolution can move a date's hours onto a neighbouring date's instants.
        LocalDate last = LocalDate.ofInstant(to, resolved.zone()).plusDays(1);
        for (LocalDate date = LocalDate.ofInstant(from, resolved.zone()).minusDays(1);
                !date.isAfter(last);
                date = date.plusDays(1)) {
            for (Slot slot : resolved.slotsOf(date)) {
                if (!slot.start().isBefore(from) && slot.start().isBefore(to) && !resolved.isTimeOff(slot)) {
                    slots.add(slot);
                }
            }
        }
        slots.sort(Comparator.naturalOrder());
        return List.copyOf(slots);
    }

    /**
     * The slot of the schedule that starts exactly at {@code start}, if there is one; the same slot that
     * {@link #generate} returns for any horizon containing {@code start}.
     *
     * @throws IllegalArgumentException if the schedule's content is invalid
     */
    public static Optional<Slot> slotAt(ProviderSchedule schedule, Instant start) {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(start, "start");
        Resolved resolved = Resolved.of(schedule);
        LocalDate date = LocalDate.ofInstant(start, resolved.zone());
        // The same dates generate() would visit for a horizon of one instant.
        for (LocalDate candidate = date.minusDays(1); !candidate.isAfter(date.plusDays(1));
                candidate = candidate.plusDays(1)) {
            for (Slot slot : resolved.slotsOf(candidate)) {
                if (slot.start().equals(start)) {
                    return resolved.isTimeOff(slot) ? Optional.empty() : Optional.of(slot);
                }
            }
        }
        return Optional.empty();
    }

    /** Half-open interval of instants; empty when end is not after start. */
    private record Interval(Instant start, Instant end) {

        boolean isEmpty() {
            return !end.isAfter(start);
        }

        boolean overlaps(Slot slot) {
            return start.isBefore(slot.end()) && slot.start().isBefore(end);
        }
    }

    /** A validated schedule with its zone parsed and its entries indexed by date. */
    private record Resolved(
            ZoneId zone,
            Duration slotLength,
            Map<DayOfWeek, List<LocalTimeRange>> template,
            Map<LocalDate, List<LocalTimeRange>> extras,
            List<Interval> timeOff) {

        static Resolved of(ProviderSchedule schedule) {
            List<String> problems = new ArrayList<>();
            ZoneId zone = zone(schedule.getTimeZone(), problems);
            int slotMinutes = schedule.getSlotMinutes();
            if (slotMinutes < MIN_SLOT_MINUTES || slotMinutes > MAX_SLOT_MINUTES) {
                problems.add("slotMinutes: must be between " + MIN_SLOT_MINUTES + " and " + MAX_SLOT_MINUTES
                        + ", was " + slotMinutes);
            }

            checkSize("appointmentTypes", schedule.getAppointmentTypes(), MAX_APPOINTMENT_TYPES, problems);
            checkSize("extraSessions", schedule.getExtraSessions(), MAX_EXCEPTIONS, problems);
            checkSize("timeOff", schedule.getTimeOff(), MAX_EXCEPTIONS, problems);

            Map<DayOfWeek, List<LocalTimeRange>> template = new EnumMap<>(DayOfWeek.class);
            List<WeeklySession> weekly = schedule.getWeeklyTemplate();
            if (weekly == null) {
                problems.add("weeklyTemplate: must not be null");
            } else {
                for (int i = 0; i < weekly.size(); i++) {
                    String field = "weeklyTemplate[" + i + "]";
                    WeeklySession session = weekly.get(i);
                    if (session == null) {
                        problems.add(field + ": must not be null");
                        continue;
                    }
                    boolean valid = checkHours(field + ".hours", session.getHours(), problems);
                    if (session.getDay() == null) {
                        problems.add(field + ".day: must not be null");
                    } else if (valid) {
                        template.computeIfAbsent(DayOfWeek.valueOf(session.getDay().name()), d -> new ArrayList<>())
                                .add(session.getHours());
                    }
                }
            }

            Map<LocalDate, List<LocalTimeRange>> extras = new HashMap<>();
            List<ExtraSession> extraSessions = schedule.getExtraSessions();
            if (extraSessions == null) {
                problems.add("extraSessions: must not be null");
            } else {
                for (int i = 0; i < extraSessions.size(); i++) {
                    String field = "extraSessions[" + i + "]";
                    ExtraSession session = extraSessions.get(i);
                    if (session == null) {
                        problems.add(field + ": must not be null");
                        continue;
                    }
                    boolean valid = checkHours(field + ".hours", session.getHours(), problems);
                    if (session.getDate() == null) {
                        problems.add(field + ".date: must not be null");
                    } else if (valid) {
                        extras.computeIfAbsent(session.getDate(), d -> new ArrayList<>()).add(session.getHours());
                    }
                }
            }

            List<TimeOff> timeOffEntries = schedule.getTimeOff();
            List<TimeOff> validTimeOff = new ArrayList<>();
            if (timeOffEntries == null) {
                problems.add("timeOff: must not be null");
            } else {
                for (int i = 0; i < timeOffEntries.size(); i++) {
                    if (checkTimeOff("timeOff[" + i + "]", timeOffEntries.get(i), problems)) {
                        validTimeOff.add(timeOffEntries.get(i));
                    }
                }
            }

            template.forEach((day, sessions) -> {
                if (sessions.size() > MAX_SESSIONS_PER_DAY) {
                    problems.add("weeklyTemplate: " + day + " has " + sessions.size() + " sessions, more than " + MAX_SESSIONS_PER_DAY);
                }
            });

            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid ProviderSchedule of provider "
                        + schedule.getProviderId() + ": " + String.join("; ", problems));
            }
            List<Interval> timeOff = new ArrayList<>();
            for (TimeOff entry : validTimeOff) {
                Interval interval = new Interval(
                        entry.getStartTime() == null
                                ? entry.getFirstDate().atStartOfDay(zone).toInstant()
                                : startInstant(entry.getFirstDate(), entry.getStartTime(), zone),
                        entry.getEndTime() == null
                                ? entry.getLastDate().plusDays(1).atStartOfDay(zone).toInstant()
                                : endInstant(entry.getLastDate(), entry.getEndTime(), zone));
                if (!interval.isEmpty()) {
                    timeOff.add(interval);
                }
            }
            return new Resolved(zone, Duration.ofMinutes(slotMinutes), template, extras, timeOff);
        }

        private static ZoneId zone(String timeZone, List<String> problems) {
            if (timeZone == null) {
                problems.add("timeZone: must not be null");
                return ZoneOffset.UTC;
            }
            try {
                return ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                problems.add("timeZone: unknown time-zone id '" + timeZone + "', expected an IANA id such as Europe/London");
                return ZoneOffset.UTC;
            }
        }

        private static boolean checkHours(String field, LocalTimeRange hours, List<String> problems) {
            if (hours == null) {
                problems.add(field + ": must not be null");
                return false;
            }
            if (hours.getStartTime() == null || hours.getEndTime() == null) {
                problems.add(field + ": startTime and endTime must not be null");
                return false;
            }
            if (!hours.getEndTime().isAfter(hours.getStartTime())) {
                problems.add(field + ".endTime: " + hours.getEndTime() + " must be after startTime "
                        + hours.getStartTime());
                return false;
            }
            return true;
        }

        private static boolean checkTimeOff(String field, TimeOff entry, List<String> problems) {
            if (entry == null) {
                problems.add(field + ": must not be null");
                return false;
            }
            if (entry.getFirstDate() == null || entry.getLastDate() == null) {
                problems.add(field + ": firstDate and lastDate must not be null");
                return false;
            }
            LocalDateTime start = entry.getStartTime() == null
                    ? entry.getFirstDate().atStartOfDay()
                    : entry.getFirstDate().atTime(entry.getStartTime());
            LocalDateTime end = entry.getEndTime() == null
                    ? entry.getLastDate().plusDays(1).atStartOfDay()
                    : entry.getLastDate().atTime(entry.getEndTime());
            if (!end.isAfter(start)) {
                problems.add(field + ".lastDate/endTime: end " + end + " must be after start " + start);
                return false;
            }
            return true;
        }

        /** Earlier offset in an overlap; a time in a gap moves forward by the gap. */
        private static Instant startInstant(LocalDate date, LocalTime time, ZoneId zone) {
            return ZonedDateTime.of(date, time, zone).toInstant();
        }

        /** Later offset in an overlap, so that an interval covers all the real time it spans. */
        private static Instant endInstant(LocalDate date, LocalTime time, ZoneId zone) {
            return ZonedDateTime.of(date, time, zone).withLaterOffsetAtOverlap().toInstant();
        }

        /** The slots of one local date, before time off is applied. */
        List<Slot> slotsOf(LocalDate date) {
            List<Interval> sessions = sessionsOf(date);
            if (sessions.isEmpty()) {
                return List.of();
            }
            // Where a midnight transition pushes the previous date's hours past this date's start.
            Instant notBefore = sessionsOf(date.minusDays(1)).stream()
                    .map(Interval::end)
                    .max(Comparator.naturalOrder())
                    .orElse(Instant.MIN);

            List<Slot> slots = new ArrayList<>();
            for (Interval stretch : merge(sessions)) {
                Instant start = stretch.start().isBefore(notBefore) ? notBefore : stretch.start();
                for (Instant end = start.plus(slotLength); !end.isAfter(stretch.end()); end = end.plus(slotLength)) {
                    slots.add(new Slot(start, end));
                    start = end;
                }
            }
            return slots;
        }

        boolean isTimeOff(Slot slot) {
            for (Interval interval : timeOff) {
                if (interval.overlaps(slot)) {
                    return true;
                }
            }
            return false;
        }

        private List<Interval> sessionsOf(LocalDate date) {
            List<Interval> sessions = new ArrayList<>();
            for (LocalTimeRange hours : template.getOrDefault(date.getDayOfWeek(), List.of())) {
                addSession(sessions, date, hours);
            }
            for (LocalTimeRange hours : extras.getOrDefault(date, List.of())) {
                addSession(sessions, date, hours);
            }
            return sessions;
        }

        private void addSession(List<Interval> sessions, LocalDate date, LocalTimeRange hours) {
            Interval session = new Interval(
                    startInstant(date, hours.getStartTime(), zone), endInstant(date, hours.getEndTime(), zone));
            if (!session.isEmpty()) {
                sessions.add(session);
            }
        }

        /** Sorted union of the intervals; touching intervals become one stretch. */
        private static List<Interval> merge(List<Interval> intervals) {
            List<Interval> sorted = new ArrayList<>(intervals);
            sorted.sort(Comparator.comparing(Interval::start));
            List<Interval> merged = new ArrayList<>();
            Interval current = sorted.get(0);
            for (Interval next : sorted.subList(1, sorted.size())) {
                if (next.start().isAfter(current.end())) {
                    merged.add(current);
                    current = next;
                } else if (next.end().isAfter(current.end())) {
                    current = new Interval(current.start(), next.end());
                }
            }
            merged.add(current);
            return merged;
        }
    }

    private static void checkSize(String field, List<?> items, int max, List<String> problems) {
        if (items != null && items.size() > max) {
            problems.add(field + ": at most " + max + " entries, was " + items.size());
        }
    }
}
