package org.careflow.masterdata.mapping;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.masterdata.cdc.InvalidMasterDataException;

/**
 * A provider's whole schedule from its provider row and its session rows, checked as the ingest API checks a
 * schedule it accepts: every session holds at least one slot, no two sessions of a day overlap, at most 48 a day. Time
 * off and extra sessions have no tables: master-data schedules have none.
 */
public final class Schedules {

    /** As the ingest API's ProviderScheduleParser. */
    public static final int MAX_SESSIONS_PER_DAY = 48;

    private static final Comparator<WeeklySession> BY_DAY_THEN_START = Comparator.comparing(WeeklySession::getDay)
        .thenComparing(s -> s.getHours().getStartTime());

    private Schedules() {
    }

    /**
     * The schedule of {@code provider} (a schedule without sessions, from {@link ProviderRows}) with {@code sessions},
     * ordered by weekday then start, as event {@code eventId} at {@code occurredAt}; throws
     * {@link InvalidMasterDataException} naming every problem. {@code sessions} must not be empty: a schedule without
     * sessions is refused by the ingest API, and a provider without any has no schedule.
     */
    public static ProviderSchedule assemble(ProviderSchedule provider, Collection<WeeklySession> sessions, String eventId, Instant occurredAt) {
        Objects.requireNonNull(provider, "provider");
        if (sessions.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one session");
        }
        List<WeeklySession> week = new ArrayList<>(sessions);
        week.sort(BY_DAY_THEN_START);
        List<String> problems = new ArrayList<>();
        Map<Weekday, List<WeeklySession>> byDay = new EnumMap<>(Weekday.class);
        for (WeeklySession session : week) {
            long minutes = Duration.between(session.getHours().getStartTime(), session.getHours().getEndTime()).toMinutes();
            if (minutes < provider.getSlotMinutes()) {
                problems.add("session " + describe(session) + " lasts " + minutes + " minutes, shorter than one slot ("
                    + provider.getSlotMinutes() + " minutes)");
            }
            List<WeeklySession> ofDay = byDay.computeIfAbsent(session.getDay(), d -> new ArrayList<>());
            for (WeeklySession earlier : ofDay) {
                // End times are exclusive: 09:00-12:00 and 12:00-13:00 touch, they do not overlap.
                if (earlier.getHours().getEndTime().isAfter(session.getHours().getStartTime())) {
                    problems.add("session " + describe(session) + " overlaps session " + describe(earlier));
                }
            }
            ofDay.add(session);
        }
        byDay.forEach((day, ofDay) -> {
            if (ofDay.size() > MAX_SESSIONS_PER_DAY) {
                problems.add(day + " has " + ofDay.size() + " sessions, more than " + MAX_SESSIONS_PER_DAY);
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidMasterDataException("schedule of provider " + provider.getProviderId(), problems);
        }
        return ProviderSchedule.newBuilder(provider)
            .setEventId(eventId)
            .setOccurredAt(occurredAt)
            .setWeeklyTemplate(week)
            .build();
    }

    /** Whether two schedules say the same, whatever their event ids and times. */
    public static boolean sameContent(ProviderSchedule a, ProviderSchedule b) {
        if (a == null || b == null) {
            return a == b;
        }
        return ProviderSchedule.newBuilder(a).setEventId("").setOccurredAt(Instant.EPOCH).build()
            .equals(ProviderSchedule.newBuilder(b).setEventId("").setOccurredAt(Instant.EPOCH).build());
    }

    private static String describe(WeeklySession session) {
        return session.getDay() + " " + session.getHours().getStartTime() + "-" + session.getHours().getEndTime();
    }
}
