package org.careflow.bench.drain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DrainScheduleTest {

    private static final List<String> GUARANTEES = List.of("exactly_once_v2", "at_least_once");

    @Test
    void shouldAlternateCeilingsAndTriageWithinEveryCycleWhenScheduling() {
        // When one warm-up and two measured cycles are scheduled
        List<DrainSchedule.Slot> slots = DrainSchedule.slots(GUARANTEES, 1, 2);

        // Then the warm-up runs the three apps under the first guarantee, streams-triage first
        assertThat(slots.subList(0, 3)).extracting(DrainSchedule.Slot::app, DrainSchedule.Slot::guarantee, DrainSchedule.Slot::measured)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(DrainApp.TRIAGE, "exactly_once_v2", false),
                org.assertj.core.groups.Tuple.tuple(DrainApp.AGGREGATE, "exactly_once_v2", false),
                org.assertj.core.groups.Tuple.tuple(DrainApp.SAME_SHAPE, "exactly_once_v2", false));
        // And each measured cycle runs the three under each guarantee, apps alternating, never two rounds of one app in a row
        assertThat(slots.subList(3, slots.size())).extracting(s -> s.app().metric(s.guarantee())).containsExactly(
            "streams-triage exactly_once_v2", "streams aggregate exactly_once_v2", "same-shape exactly_once_v2",
            "streams-triage at_least_once", "streams aggregate at_least_once", "same-shape at_least_once",
            "streams-triage exactly_once_v2", "streams aggregate exactly_once_v2", "same-shape exactly_once_v2",
            "streams-triage at_least_once", "streams aggregate at_least_once", "same-shape at_least_once");
        assertThat(slots.subList(3, slots.size())).allSatisfy(s -> assertThat(s.measured()).isTrue());
        assertThat(slots.get(3).label()).isEqualTo("streams-triage exactly_once_v2 round 1/2");
    }

    @Test
    void shouldRunStreamsTriageFirstWhenThereIsNoWarmUp() {
        assertThat(DrainSchedule.slots(GUARANTEES, 0, 1).get(0).app()).isEqualTo(DrainApp.TRIAGE);
    }
}
