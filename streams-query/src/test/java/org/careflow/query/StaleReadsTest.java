package org.careflow.query;

import org.careflow.http.ProblemException;
import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class StaleReadsTest {

    private static final HostInfo SELF = new HostInfo("a", 1);
    private static final HostInfo OTHER = new HostInfo("b", 2);

    @Test
    void shouldBeStrictWhenNoParameterIsGiven() {
        StaleReads reads = StaleReads.parse(null, null, null);

        assertThat(reads).isEqualTo(StaleReads.STRICT);
        assertThat(reads.permits(0L, 0L)).isFalse();
    }

    @Test
    void shouldPermitAnyLagIncludingUnknownWhenAllowStaleIsTrue() {
        StaleReads reads = StaleReads.parse("true", null, null);

        assertThat(reads.allowed()).isTrue();
        assertThat(reads.permits(1_000_000L, 3_600_000L)).isTrue();
        assertThat(reads.permits(null, null)).isTrue();
    }

    @Test
    void shouldBoundLagAndRefuseUnknownLagWhenMaxLagRecordsIsGiven() {
        StaleReads reads = StaleReads.parse(null, "100", null);

        assertThat(reads.allowed()).isTrue();
        assertThat(reads.permits(100L, null)).isTrue();
        assertThat(reads.permits(101L, 0L)).isFalse();
        assertThat(reads.permits(null, 0L)).isFalse();
    }

    @Test
    void shouldBoundTimeAndRefuseUnknownBoundWhenMaxLagMsIsGiven() {
        StaleReads reads = StaleReads.parse(null, null, "5000");

        assertThat(reads.allowed()).isTrue();
        assertThat(reads.permits(1_000L, 5_000L)).isTrue();
        assertThat(reads.permits(null, 4_999L)).as("no record bound asked for").isTrue();
        assertThat(reads.permits(0L, 5_001L)).isFalse();
        assertThat(reads.permits(0L, null)).as("an unknown time bound is not within 5 s").isFalse();
    }

    @Test
    void shouldRequireBothBoundsWhenBothAreGiven() {
        StaleReads reads = StaleReads.parse(null, "10", "5000");

        assertThat(reads.permits(10L, 5_000L)).isTrue();
        assertThat(reads.permits(11L, 1L)).isFalse();
        assertThat(reads.permits(1L, 5_001L)).isFalse();
    }

    @Test
    void shouldStayStrictWhenAllowStaleIsFalse() {
        assertThat(StaleReads.parse("false", null, null)).isEqualTo(StaleReads.STRICT);
    }

    @Test
    void shouldAnswer400NamingTheParameterWhenMalformed() {
        assertThatThrownBy(() -> StaleReads.parse("yes", null, null)).isInstanceOfSatisfying(ProblemException.class,
            e -> assertThat(e.problem().errors()).extracting(FieldError::field).containsExactly("allowStale"));
        assertThatThrownBy(() -> StaleReads.parse(null, "-1", null)).isInstanceOfSatisfying(ProblemException.class,
            e -> assertThat(e.problem().errors()).extracting(FieldError::field).containsExactly("maxLagRecords"));
        assertThatThrownBy(() -> StaleReads.parse(null, null, "soon")).isInstanceOfSatisfying(ProblemException.class,
            e -> assertThat(e.problem().errors()).extracting(FieldError::field).containsExactly("maxLagMs"));
    }

    @Test
    void shouldAnswerFromLocalCopyWhenThisInstanceHoldsOne() {
        assertThat(StaleReads.fallback(true, true, List.of(OTHER), SELF)).isEqualTo(StaleReads.Fallback.LOCAL_COPY);
        assertThat(StaleReads.fallback(true, false, List.of(), SELF)).isEqualTo(StaleReads.Fallback.LOCAL_COPY);
    }

    @Test
    void shouldForwardToStandbyWhenNoLocalCopyAndRequestIsNotForwarded() {
        assertThat(StaleReads.fallback(false, true, List.of(OTHER), SELF)).isEqualTo(StaleReads.Fallback.FORWARD_TO_STANDBY);
    }

    @Test
    void shouldBeUnavailableWhenForwardedAlreadyOrNoStandbyElsewhere() {
        assertThat(StaleReads.fallback(false, false, List.of(OTHER), SELF)).isEqualTo(StaleReads.Fallback.UNAVAILABLE);
        assertThat(StaleReads.fallback(false, true, List.of(), SELF)).isEqualTo(StaleReads.Fallback.UNAVAILABLE);
        assertThat(StaleReads.fallback(false, true, List.of(SELF), SELF)).isEqualTo(StaleReads.Fallback.UNAVAILABLE);
    }

    @Test
    void shouldDescribeStalenessWithLagAndSource() {
        assertThat(StaleReads.staleness(StaleReads.Source.STANDBY, 42L, 1_500L))
            .containsEntry("stale", true).containsEntry("offsetLag", 42L).containsEntry("maxStalenessMs", 1_500L)
            .containsEntry("source", "standby");
        assertThat(StaleReads.staleness(StaleReads.Source.ACTIVE, 0L, 0L))
            .containsEntry("stale", false).containsEntry("source", "active").doesNotContainKeys("offsetLag", "maxStalenessMs");
    }
}
