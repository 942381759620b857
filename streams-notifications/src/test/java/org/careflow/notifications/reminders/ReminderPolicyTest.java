package org.careflow.notifications.reminders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.careflow.notifications.reminders.InvalidSettingException;
import org.junit.jupiter.api.Test;

class ReminderPolicyTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");

    private final ReminderPolicy policy = ReminderPolicy.parse(List.of("24h", "2h"), List.of("f-1=90m", "f-1/surgery=3d+1d"),
        "21:00-08:00", 50, ZoneId.of("UTC"), "en");

    @Test
    void shouldChooseTypeThenFacilityThenDefaultOffsets() {
        assertThat(policy.offsetsFor("f-1", "surgery")).extracting(ReminderPolicy.Offset::label).containsExactly("3d", "1d");
        assertThat(policy.offsetsFor("f-1", "follow-up")).extracting(ReminderPolicy.Offset::label).containsExactly("90m");
        assertThat(policy.offsetsFor("f-2", "surgery")).extracting(ReminderPolicy.Offset::label).containsExactly("24h", "2h");
        assertThat(policy.offsetsFor(null, "surgery")).extracting(ReminderPolicy.Offset::duration)
            .containsExactly(Duration.ofHours(24), Duration.ofHours(2));
    }

    @Test
    void shouldKeepPlannedTimeWhenOutsideQuietHours() {
        Instant slot = local("2026-11-25T15:00", LONDON);

        ReminderPolicy.Plan plan = policy.plan(NOW, slot, LONDON, offset("24h", 24));

        assertThat(plan.dueAt()).isEqualTo(local("2026-11-24T15:00", LONDON));
        assertThat(plan.note()).isNull();
    }

    @Test
    void shouldMoveToTheMinuteBeforeQuietHoursWhenShiftIsSmallEnough() {
        // 24h before 23:00 is 23:00 the day before: quiet; 20:59 is 2h01m earlier, within 12h.
        ReminderPolicy.Plan plan = policy.plan(NOW, local("2026-11-26T23:00", TOKYO), TOKYO, offset("24h", 24));

        assertThat(plan.dueAt()).isEqualTo(local("2026-11-25T20:59", TOKYO));
        assertThat(plan.note()).isEqualTo("moved before quiet hours");
    }

    @Test
    void shouldMoveAcrossMidnightToTheEveningBeforeWhenDueInTheSmallHours() {
        // 24h before 06:00 is 06:00: quiet hours began at 21:00 the evening before.
        ReminderPolicy.Plan plan = policy.plan(NOW, local("2026-11-27T06:00", LONDON), LONDON, offset("24h", 24));

        assertThat(plan.dueAt()).isEqualTo(local("2026-11-25T20:59", LONDON));
    }

    @Test
    void shouldDropWhenQuietHoursWouldMoveItTooEarly() {
        // 2h before 09:00 is 07:00; 20:59 the evening before is 10h01m earlier, beyond half of 2h.
        ReminderPolicy.Plan plan = policy.plan(NOW, local("2026-11-27T09:00", LONDON), LONDON, offset("2h", 2));

        assertThat(plan.skipped()).isTrue();
        assertThat(plan.note()).contains("quiet hours").contains("601 minutes early");
    }

    @Test
    void shouldSkipWhenOffsetHasPassed() {
        ReminderPolicy.Plan plan = policy.plan(NOW, NOW.plus(Duration.ofHours(1)), LONDON, offset("2h", 2));

        assertThat(plan.skipped()).isTrue();
        assertThat(plan.plannedAt()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    }

    @Test
    void shouldSkipWhenTheMovedTimeHasPassed() {
        // Planned at 22:00 tonight (quiet), moved to 20:59 tonight, which has passed at 21:30.
        Instant now = local("2026-11-23T21:30", LONDON);

        ReminderPolicy.Plan plan = policy.plan(now, local("2026-11-24T22:00", LONDON), LONDON, offset("24h", 24));

        assertThat(plan.skipped()).isTrue();
    }

    @Test
    void shouldFollowTheDaylightSavingChangeWhenMovingBeforeQuietHours() {
        // The night of 29 March 2026 London moves to BST: 21:00 local is 20:00Z on the 28th, 20:00Z on the 29th.
        ReminderPolicy.Plan plan = policy.plan(Instant.parse("2026-03-01T00:00:00Z"), local("2026-03-30T22:00", LONDON), LONDON, offset("24h", 24));

        assertThat(plan.dueAt()).isEqualTo(local("2026-03-29T20:59", LONDON)).isEqualTo(Instant.parse("2026-03-29T19:59:00Z"));
    }

    @Test
    void shouldSendAnytimeWhenQuietHoursAreEmpty() {
        ReminderPolicy none = ReminderPolicy.parse(List.of("24h"), List.of(), "", 50, ZoneId.of("UTC"), "en");

        assertThat(none.plan(NOW, local("2026-11-26T03:00", LONDON), LONDON, offset("24h", 24)).dueAt())
            .isEqualTo(local("2026-11-25T03:00", LONDON));
    }

    @Test
    void shouldNameTheKeyAndTheFixWhenConfigurationIsWrong() {
        assertThatThrownBy(() -> ReminderPolicy.parse(List.of("24 hours"), List.of(), "", 50, ZoneId.of("UTC"), "en"))
            .isInstanceOf(InvalidSettingException.class).hasMessageContaining("reminders.offsets").hasMessageContaining("24h");
        assertThatThrownBy(() -> ReminderPolicy.parse(List.of("24h"), List.of("f-1"), "", 50, ZoneId.of("UTC"), "en"))
            .hasMessageContaining("reminders.offsets.overrides");
        assertThatThrownBy(() -> ReminderPolicy.parse(List.of("24h"), List.of(), "9pm-8am", 50, ZoneId.of("UTC"), "en"))
            .hasMessageContaining("reminders.quiet.hours").hasMessageContaining("HH:MM-HH:MM");
        assertThatThrownBy(() -> ReminderPolicy.parse(List.of("0h"), List.of(), "", 50, ZoneId.of("UTC"), "en"))
            .hasMessageContaining("positive");
    }

    private static ReminderPolicy.Offset offset(String label, int hours) {
        return new ReminderPolicy.Offset(label, Duration.ofHours(hours));
    }

    private static Instant local(String dateTime, ZoneId zone) {
        return LocalDateTime.parse(dateTime).atZone(zone).toInstant();
    }
}
