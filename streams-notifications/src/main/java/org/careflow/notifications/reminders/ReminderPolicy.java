package org.careflow.notifications.reminders;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a booking's reminders are due: the offsets before the appointment (per facility and appointment type),
 * and quiet hours in the patient's time zone, which move a reminder earlier or drop it. Pure: the caller says
 * what time it is.
 */
public final class ReminderPolicy {

    /** The reminder offsets of a booking, named by their label (24h, 2h, 90m, 2d; seconds, 300s, for tests and demos). */
    public record Offset(String label, Duration duration) {
        public Offset {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(duration, "duration");
        }
    }

    /** What became of one offset: due at {@code dueAt}, or skipped with a reason. */
    public record Plan(Instant plannedAt, Instant dueAt, String note) {
        public boolean skipped() {
            return dueAt == null;
        }
    }

    /** Local quiet hours, [start, end), possibly across midnight. */
    public record QuietHours(LocalTime start, LocalTime end) {
        public boolean contains(LocalTime time) {
            return start.isBefore(end) ? !time.isBefore(start) && time.isBefore(end) : !time.isBefore(start) || time.isBefore(end);
        }
    }

    private static final Pattern OFFSET = Pattern.compile("(\\d{1,6})([smhd])");
    private static final Pattern QUIET = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

    private final List<Offset> defaults;
    private final Map<String, List<Offset>> overrides;
    private final QuietHours quietHours;
    private final int maxShiftPercent;
    private final ZoneId defaultZone;
    private final String defaultLanguage;

    public ReminderPolicy(List<Offset> defaults, Map<String, List<Offset>> overrides, QuietHours quietHours, int maxShiftPercent,
                          ZoneId defaultZone, String defaultLanguage) {
        this.defaults = List.copyOf(defaults);
        this.overrides = Map.copyOf(overrides);
        this.quietHours = quietHours;
        this.maxShiftPercent = maxShiftPercent;
        this.defaultZone = Objects.requireNonNull(defaultZone, "defaultZone");
        this.defaultLanguage = Objects.requireNonNull(defaultLanguage, "defaultLanguage");
    }

    /** Parses the configuration values; a bad entry throws a {@link InvalidSettingException} naming its key and the fix. */
    public static ReminderPolicy parse(List<String> offsets, List<String> overrideEntries, String quiet, int maxShiftPercent,
                                       ZoneId defaultZone, String defaultLanguage) {
        List<Offset> defaults = new ArrayList<>();
        for (String text : offsets) {
            defaults.add(offset("reminders.offsets", text));
        }
        Map<String, List<Offset>> overrides = new HashMap<>();
        for (String entry : overrideEntries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new InvalidSettingException("reminders.offsets.overrides", entry, "entries are FACILITY=OFFSETS or FACILITY/TYPE=OFFSETS, e.g. clinic-1/surgery=72h+24h");
            }
            List<Offset> list = new ArrayList<>();
            String values = entry.substring(eq + 1).strip();
            if (!values.isEmpty()) {
                for (String text : values.split("\\+")) {
                    list.add(offset("reminders.offsets.overrides", text));
                }
            }
            overrides.put(entry.substring(0, eq).strip(), sorted(list));
        }
        QuietHours quietHours = null;
        if (quiet != null && !quiet.isBlank()) {
            Matcher m = QUIET.matcher(quiet.strip());
            try {
                if (!m.matches()) {
                    throw new DateTimeException("format");
                }
                quietHours = new QuietHours(LocalTime.parse(m.group(1)), LocalTime.parse(m.group(2)));
            } catch (DateTimeException e) {
                throw new InvalidSettingException("reminders.quiet.hours", quiet, "use HH:MM-HH:MM in 24-hour time, e.g. 21:00-08:00, or leave it empty");
            }
            if (quietHours.start().equals(quietHours.end())) {
                throw new InvalidSettingException("reminders.quiet.hours", quiet, "start and end are equal; leave it empty for no quiet hours");
            }
        }
        return new ReminderPolicy(sorted(defaults), overrides, quietHours, maxShiftPercent, defaultZone, defaultLanguage);
    }

    private static Offset offset(String key, String text) {
        Matcher m = OFFSET.matcher(text.strip());
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
            throw new InvalidSettingException(key, text, "offsets are a positive number followed by s, m, h or d, e.g. 90m, 24h, 2d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return new Offset(text.strip(), d);
    }

    /** Longest offset first, so a booking's reminders are listed in the order they are sent. */
    private static List<Offset> sorted(List<Offset> offsets) {
        return offsets.stream().sorted(Comparator.comparing(Offset::duration).reversed()).toList();
    }

    /** The offsets for a booking at {@code facilityId} of {@code appointmentType}. */
    public List<Offset> offsetsFor(String facilityId, String appointmentType) {
        if (facilityId != null) {
            List<Offset> byType = overrides.get(facilityId + "/" + appointmentType);
            if (byType != null) {
                return byType;
            }
            List<Offset> byFacility = overrides.get(facilityId);
            if (byFacility != null) {
                return byFacility;
            }
        }
        return defaults;
    }

    /**
     * When the reminder {@code offset} before {@code slotStart} is due for a patient in {@code zone}, as planned at
     * {@code now}: skipped if it would be in the past (never sent late), moved to the minute before quiet hours when it
     * falls in them, and dropped when that moves it earlier by more than the allowed share of its offset.
     */
    public Plan plan(Instant now, Instant slotStart, ZoneId zone, Offset offset) {
        Instant planned = slotStart.minus(offset.duration());
        if (!planned.isAfter(now)) {
            return new Plan(planned, null, "the " + offset.label() + " reminder time had passed when the booking was confirmed");
        }
        Instant due = planned;
        String note = null;
        ZonedDateTime local = planned.atZone(zone);
        if (quietHours != null && quietHours.contains(local.toLocalTime())) {
            // The quiet period this instant falls in began today, or yesterday when it spans midnight and we are past it.
            ZonedDateTime quietStart = local.with(quietHours.start());
            if (quietStart.isAfter(local)) {
                quietStart = quietStart.minusDays(1);
            }
            due = quietStart.minusMinutes(1).toInstant();
            Duration shift = Duration.between(due, planned);
            if (shift.toMillis() * 100 > offset.duration().toMillis() * maxShiftPercent) {
                return new Plan(planned, null, "the " + offset.label() + " reminder fell in quiet hours, and moving it before them "
                    + "would bring it " + shift.toMinutes() + " minutes early");
            }
            if (!due.isAfter(now)) {
                return new Plan(planned, null, "the " + offset.label() + " reminder fell in quiet hours, and the time before them had passed");
            }
            note = "moved before quiet hours";
        }
        return new Plan(planned, due, note);
    }

    public ZoneId defaultZone() {
        return defaultZone;
    }

    public String defaultLanguage() {
        return defaultLanguage;
    }
}
