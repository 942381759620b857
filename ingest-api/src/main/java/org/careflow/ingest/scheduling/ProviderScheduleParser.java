package org.careflow.ingest.scheduling;

import static org.careflow.ingest.scheduling.SchedulingJson.array;
import static org.careflow.ingest.scheduling.SchedulingJson.date;
import static org.careflow.ingest.scheduling.SchedulingJson.items;
import static org.careflow.ingest.scheduling.SchedulingJson.object;
import static org.careflow.ingest.scheduling.SchedulingJson.time;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.careflow.events.scheduling.ExtraSession;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.TimeOff;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.validation.JsonReader;
import org.careflow.http.ProblemException;
import org.careflow.rules.TimeZoneRule;
import org.careflow.topics.ProviderScheduleKeys;

/**
 * Turns {@code PUT /v1/providers/{providerId}/schedule} into a {@link ProviderSchedule}, or a 400 naming every problem
 * by JSON pointer (the path's id as {@code providerId}, without a slash). A schedule that passes can be cut into slots
 * without ambiguity: its zone has daylight-saving rules, every session holds at least one slot, and no two sessions that
 * can fall on the same date overlap. The format and every rule are described in this module's README.
 */
public final class ProviderScheduleParser {

    public static final int MIN_SLOT_MINUTES = 5;
    public static final int MAX_SLOT_MINUTES = 480;
    public static final int MAX_APPOINTMENT_TYPES = 50;
    public static final int MAX_SESSIONS_PER_DAY = 48;
    /** Per list: time off, extra sessions. */
    public static final int MAX_EXCEPTIONS = 500;
    public static final int MAX_REASON_LENGTH = 500;

    private static final List<String> FIELDS =
        List.of("facilityId", "timeZone", "slotMinutes", "appointmentTypes", "weekly", "timeOff", "extraSessions");
    private static final List<String> SESSION_FIELDS = List.of("start", "end");
    private static final List<String> EXTRA_SESSION_FIELDS = List.of("date", "start", "end");
    private static final List<String> TIME_OFF_FIELDS = List.of("from", "to", "startTime", "endTime", "reason");
    private static final List<Weekday> WEEKDAYS = List.of(Weekday.values());

    private final Clock clock;

    public ProviderScheduleParser(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Parses and validates {@code body} as the whole schedule of {@code providerId} (from the request path); throws
     * {@link ProblemException} (400) listing every problem. The event gets a new id and the clock's time.
     */
    /**
     * The key of the provider {@code DELETE /v1/providers/{providerId}/schedule?facilityId=F} withdraws: both ids
     * required and valid, else a 400 naming each ({@code providerId} from the path, {@code facilityId} from the query).
     */
    public String withdrawalKey(String providerId, String facilityId) {
        JsonReader in = new JsonReader();
        SchedulingJson.pathId(in, "providerId", providerId);
        if (facilityId == null || facilityId.isEmpty()) {
            in.error("facilityId", "is required: the facility whose provider is withdrawn");
        } else {
            SchedulingJson.pathId(in, "facilityId", facilityId);
        }
        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        return ProviderScheduleKeys.of(providerId, facilityId);
    }

    public ProviderSchedule parse(String providerId, JsonNode body) {
        Objects.requireNonNull(providerId, "providerId");
        JsonReader in = new JsonReader();
        SchedulingJson.pathId(in, "providerId", providerId);
        if (body == null || !body.isObject()) {
            in.error("", "the body must be a JSON object");
            throw ProblemException.invalid(in.errors());
        }
        in.rejectUnknown(body, "", FIELDS);
        String facilityId = in.id(body, "facilityId", "/facilityId", true);
        String timeZone = timeZone(in, body);
        Integer slotMinutes = in.integer(body, "slotMinutes", "/slotMinutes", true, MIN_SLOT_MINUTES, MAX_SLOT_MINUTES);
        List<String> appointmentTypes = appointmentTypes(in, body);
        List<Session> weekly = weekly(in, body, slotMinutes);
        List<TimeOff> timeOff = timeOff(in, body);
        List<Session> extra = extraSessions(in, body, slotMinutes, weekly);
        requireASession(in, body);
        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        Instant now = clock.instant();
        return ProviderSchedule.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(now)
            .setProviderId(providerId)
            .setFacilityId(facilityId)
            .setTimeZone(timeZone)
            .setSlotMinutes(slotMinutes)
            .setAppointmentTypes(appointmentTypes)
            // JSON object keys carry no order: the template is written by weekday, then start.
            .setWeeklyTemplate(weekly.stream()
                .sorted(Comparator.comparing(Session::day).thenComparing(Session::start))
                .map(s -> new WeeklySession(s.day(), s.hours()))
                .toList())
            .setTimeOff(timeOff)
            .setExtraSessions(extra.stream().map(s -> new ExtraSession(s.date(), s.hours())).toList())
            .build();
    }

    /**
     * An IANA region id. Fixed offsets ({@code +02:00}, {@code UTC+2}, {@code Etc/GMT-2}) are refused: a clinic's hours
     * follow its daylight-saving rules, which an offset does not know. UTC itself is accepted.
     */
    private static String timeZone(JsonReader in, JsonNode body) {
        String id = in.text(body, "timeZone", "/timeZone", true, 64);
        if (id == null) {
            return null;
        }
        Optional<String> problem = TimeZoneRule.problem(id, "a clinic's hours follow daylight-saving rules");
        problem.ifPresent(message -> in.error("/timeZone", message));
        return problem.isPresent() ? null : id;
    }

    private static List<String> appointmentTypes(JsonReader in, JsonNode body) {
        JsonNode node = body.get("appointmentTypes");
        String pointer = "/appointmentTypes";
        if (node == null || node.isNull()) {
            in.error(pointer, "is required: list the appointment types the provider offers");
            return List.of();
        }
        List<JsonNode> items = items(in, node, pointer, MAX_APPOINTMENT_TYPES);
        if (node.isArray() && node.isEmpty()) {
            in.error(pointer, "must list at least one appointment type");
        }
        List<String> types = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String p = pointer + "/" + i;
            if (!item.isTextual()) {
                in.error(p, "must be a string");
            } else if (!JsonReader.ID.matcher(item.textValue().strip()).matches()) {
                in.error(p, SchedulingJson.ID_MESSAGE);
            } else if (seen.putIfAbsent(item.textValue().strip(), i) != null) {
                in.error(p, "duplicates " + pointer + "/" + seen.get(item.textValue().strip()));
            } else {
                types.add(item.textValue().strip());
            }
        }
        return types;
    }

    private static List<Session> weekly(JsonReader in, JsonNode body, Integer slotMinutes) {
        JsonNode weekly = in.object(body, "weekly", "/weekly", false);
        if (weekly == null) {
            return List.of();
        }
        List<Session> sessions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : weekly.properties()) {
            String dayPointer = "/weekly/" + escape(entry.getKey());
            Weekday day = weekday(entry.getKey());
            if (day == null) {
                in.error(dayPointer, "is not a weekday; expected one of " + WEEKDAYS);
                continue;
            }
            List<Session> ofDay = new ArrayList<>();
            List<JsonNode> items = items(in, entry.getValue(), dayPointer, MAX_SESSIONS_PER_DAY);
            for (int i = 0; i < items.size(); i++) {
                String p = dayPointer + "/" + i;
                JsonNode session = object(in, items.get(i), p);
                if (session == null) {
                    continue;
                }
                in.rejectUnknown(session, p, SESSION_FIELDS);
                LocalTimeRange hours = hours(in, session, p, slotMinutes);
                if (hours != null) {
                    ofDay.add(new Session(p, day, null, hours));
                }
            }
            rejectOverlaps(in, ofDay);
            sessions.addAll(ofDay);
        }
        return sessions;
    }

    private static List<TimeOff> timeOff(JsonReader in, JsonNode body) {
        List<JsonNode> items = array(in, body, "timeOff", "/timeOff", MAX_EXCEPTIONS);
        List<TimeOff> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "/timeOff/" + i;
            JsonNode item = object(in, items.get(i), p);
            if (item == null) {
                continue;
            }
            in.rejectUnknown(item, p, TIME_OFF_FIELDS);
            LocalDate from = date(in, item, "from", p + "/from", true);
            LocalDate to = date(in, item, "to", p + "/to", true);
            LocalTime startTime = time(in, item, "startTime", p + "/startTime", false);
            LocalTime endTime = time(in, item, "endTime", p + "/endTime", false);
            String reason = in.text(item, "reason", p + "/reason", false, MAX_REASON_LENGTH);
            if (from != null && to != null && to.isBefore(from)) {
                in.error(p + "/to", "must be on or after from (" + from + ")");
            } else if (from != null && from.equals(to) && endTime != null) {
                LocalTime start = startTime != null ? startTime : LocalTime.MIDNIGHT;
                if (!endTime.isAfter(start)) {
                    in.error(p + "/endTime", "must be after " + (startTime != null ? "startTime (" + startTime + ")" : "00:00")
                        + " on a single-day entry");
                }
            }
            result.add(new TimeOff(from, to, startTime, endTime, reason == null || reason.isEmpty() ? null : reason));
        }
        return result;
    }

    private static List<Session> extraSessions(JsonReader in, JsonNode body, Integer slotMinutes, List<Session> weekly) {
        List<JsonNode> items = array(in, body, "extraSessions", "/extraSessions", MAX_EXCEPTIONS);
        List<Session> result = new ArrayList<>();
        Map<LocalDate, List<Session>> byDate = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "/extraSessions/" + i;
            JsonNode item = object(in, items.get(i), p);
            if (item == null) {
                continue;
            }
            in.rejectUnknown(item, p, EXTRA_SESSION_FIELDS);
            LocalDate date = date(in, item, "date", p + "/date", true);
            LocalTimeRange hours = hours(in, item, p, slotMinutes);
            if (date == null || hours == null) {
                continue;
            }
            Session session = new Session(p, Weekday.valueOf(date.getDayOfWeek().name()), date, hours);
            // An extra session adds hours the template does not have: overlapping it would cut a second, shifted grid of slots.
            for (Session template : weekly) {
                if (template.day() == session.day() && template.overlaps(session)) {
                    in.error(p, "overlaps the weekly session " + template.pointer() + " (" + template.range() + ") on that "
                        + session.day() + "; an extra session adds hours outside the weekly template");
                }
            }
            byDate.computeIfAbsent(date, d -> new ArrayList<>()).add(session);
            result.add(session);
        }
        byDate.values().forEach(sessions -> rejectOverlaps(in, sessions));
        return result;
    }

    /** The {@code start}/{@code end} of a session at {@code pointer}: HH:mm, end after start, at least one slot long. */
    private static LocalTimeRange hours(JsonReader in, JsonNode session, String pointer, Integer slotMinutes) {
        LocalTime start = time(in, session, "start", pointer + "/start", true);
        LocalTime end = time(in, session, "end", pointer + "/end", true);
        if (start == null || end == null) {
            return null;
        }
        if (!end.isAfter(start)) {
            in.error(pointer + "/end", "must be after start (" + start + "); a session across midnight is two sessions");
            return null;
        }
        long minutes = Duration.between(start, end).toMinutes();
        if (slotMinutes != null && minutes < slotMinutes) {
            in.error(pointer, "lasts " + minutes + " minutes, shorter than one slot (" + slotMinutes + " minutes)");
            return null;
        }
        return new LocalTimeRange(start, end);
    }

    /** Names each pair of overlapping sessions: the later one in the body, with the one it overlaps. */
    private static void rejectOverlaps(JsonReader in, List<Session> sessions) {
        for (int j = 1; j < sessions.size(); j++) {
            for (int i = 0; i < j; i++) {
                Session earlier = sessions.get(i);
                Session later = sessions.get(j);
                if (earlier.overlaps(later)) {
                    in.error(later.pointer(), "overlaps " + earlier.pointer() + " (" + earlier.range() + ")");
                }
            }
        }
    }

    /** At least one session, weekly or extra, unless the lists are malformed (which is reported already). */
    private static void requireASession(JsonReader in, JsonNode body) {
        JsonNode weekly = body.get("weekly");
        JsonNode extra = body.get("extraSessions");
        boolean weeklyEmpty = weekly == null || weekly.isNull()
            || (weekly.isObject() && weekly.properties().stream().allMatch(day -> day.getValue().isArray() && day.getValue().isEmpty()));
        boolean extraEmpty = extra == null || extra.isNull() || (extra.isArray() && extra.isEmpty());
        if (weeklyEmpty && extraEmpty) {
            in.error("/weekly", "the schedule has no sessions: give at least one weekly session or extra session");
        }
    }

    private static Weekday weekday(String name) {
        for (Weekday day : WEEKDAYS) {
            if (day.name().equals(name)) {
                return day;
            }
        }
        return null;
    }

    /** A JSON pointer token (RFC 6901). */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** A valid session and where it was given; {@code date} is set for an extra session. */
    private record Session(String pointer, Weekday day, LocalDate date, LocalTimeRange hours) {

        LocalTime start() {
            return hours.getStartTime();
        }

        boolean overlaps(Session other) {
            // End times are exclusive: 09:00-12:00 and 12:00-13:00 touch, they do not overlap.
            return start().isBefore(other.hours.getEndTime()) && other.start().isBefore(hours.getEndTime());
        }

        String range() {
            return hours.getStartTime() + "-" + hours.getEndTime();
        }
    }
}
