package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.careflow.events.triage.RiskBand;
import org.careflow.state.triage.TriageQueueEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueKeysTest {

    @Test
    void shouldSortKeysInQueueOrderWhenComparedAsStrings() {
        Instant t = Instant.parse("2026-11-21T10:00:00Z");
        List<String> expected = List.of(
            key("high-9", RiskBand.HIGH, 9, t),
            key("high-7-early", RiskBand.HIGH, 7, t.minusSeconds(60)),
            key("high-7", RiskBand.HIGH, 7, t),
            key("medium", RiskBand.MEDIUM, 12, t),
            key("low-medium", RiskBand.LOW_MEDIUM, 3, t),
            key("low-zero", RiskBand.LOW, 0, t),
            key("low-negative-form-points-waiting-longest", RiskBand.LOW, -2, t.minusSeconds(7200)));
        List<String> sorted = new ArrayList<>(expected);
        java.util.Collections.shuffle(sorted, new java.util.Random(7));

        sorted.sort(String::compareTo);

        assertThat(sorted).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldKeepFacilitiesApartWhenOneIdPrefixesAnother() {
        assertThat(key("p", RiskBand.LOW, 0, Instant.EPOCH, "f-1")).doesNotStartWith(QueueKeys.facilityPrefix("f-10"));
        assertThat(key("p", RiskBand.LOW, 0, Instant.EPOCH, "f-10")).doesNotStartWith(QueueKeys.facilityPrefix("f-1"));
    }

    private static String key(String patient, RiskBand band, int score, Instant since) {
        return key(patient, band, score, since, "f-1");
    }

    private static String key(String patient, RiskBand band, int score, Instant since, String facility) {
        return QueueKeys.orderKey(TriageQueueEntry.newBuilder().setFacilityId(facility).setPatientId(patient).setSubmissionId("s")
            .setBand(band).setQueueBand(band).setScore(score).setRedFlags(List.of()).setWaitingSince(since).setSubmittedAt(since)
            .setAssessedAt(since).build());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 7, 42, 9999, 10000, 1_733_500_000_000L, 999_999_999_999_999L, 1_000_000_000_000_000L})
    void shouldPadAsStringFormatDoes(long value) {
        assertThat(QueueKeys.zeroPadded(value, 4)).isEqualTo(String.format("%04d", value));
        assertThat(QueueKeys.zeroPadded(value, 15)).isEqualTo(String.format("%015d", value));
    }
}
