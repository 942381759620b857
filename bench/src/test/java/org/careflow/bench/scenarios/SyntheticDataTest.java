package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.stream.LongStream;
import org.careflow.events.triage.TriageSubmission;
import org.junit.jupiter.api.Test;

public class SyntheticDataTest {

    private static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldMakeTheSameEventsWhenTheSeedIsTheSame() {
        // Given two generators with one seed
        SyntheticData first = SyntheticData.standard(7, NOW);
        SyntheticData second = SyntheticData.standard(7, NOW);

        // Then every event is the same, in whatever order it is asked for
        assertThat(second.submission(12_345)).isEqualTo(first.submission(12_345));
        assertThat(second.json(3)).isEqualTo(first.json(3));
        assertThat(SyntheticData.standard(8, NOW).json(3)).isNotEqualTo(first.json(3));
    }

    @Test
    void shouldWriteTheSameSubmissionAsAvroAndAsJsonWhenAskedForOneIndex() throws Exception {
        // Given an event
        SyntheticData data = SyntheticData.standard(7, NOW);
        TriageSubmission avro = data.submission(42);

        // When it is written as the ingest API's body
        JsonNode json = JSON.readTree(data.json(42));

        // Then both say the same
        assertThat(json.get("submissionId").asText()).isEqualTo(avro.getSubmissionId());
        assertThat(json.get("patientId").asText()).isEqualTo(avro.getPatientId()).isEqualTo(data.key(42));
        assertThat(json.get("facilityId").asText()).isEqualTo(avro.getFacilityId());
        assertThat(Instant.parse(json.get("submittedAt").asText())).isEqualTo(avro.getSubmittedAt());
        assertThat(json.get("channel").asText()).isEqualTo(avro.getChannel().name());
        assertThat(json.get("vitals").get("spo2").asInt()).isEqualTo(avro.getVitals().getSpo2());
    }

    @Test
    void shouldKeepMostVitalsNormalAndEveryEventInThePastWhenManyAreMade() {
        // Given many events
        SyntheticData data = SyntheticData.standard(7, NOW);

        // Then most have a normal SpO2, some do not, and none lies in the future
        long normal = LongStream.range(0, 5_000).mapToObj(data::submission)
            .filter(s -> s.getVitals().getSpo2() != null && s.getVitals().getSpo2() >= 96).count();
        assertThat(normal).isBetween(3_500L, 4_990L);
        assertThat(data.deterioratingCount()).isBetween(300L, 700L);
        assertThat(data.submittedAt(Long.MAX_VALUE / 2)).isBefore(NOW);
    }
}
