package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void shouldHaveUniqueNamesWhenListingTheCatalogue() {
        Set<String> names = new HashSet<>();
        Topics.all().forEach(topic -> assertThat(names.add(topic.name())).as("duplicate topic %s", topic.name()).isTrue());
        assertThat(names).contains(Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_ASSESSMENTS.name(), Topics.TRIAGE_DEAD_LETTERS.name());
    }

    @Test
    void shouldBeNamedByItsEventSchemaWhenTopicCarriesAvro() {
        for (Topic<?, ?> topic : Topics.all()) {
            if (org.apache.avro.specific.SpecificRecord.class.isAssignableFrom(topic.valueType())) {
                String doc = org.apache.avro.specific.SpecificData.get().getSchema(topic.valueType()).getDoc();
                assertThat(doc).as("the schema of %s must name its topic", topic.valueType().getSimpleName())
                    .containsPattern("[Tt]opic " + java.util.regex.Pattern.quote(topic.name()) + ", keyed by");
            }
        }
    }

    @Test
    void shouldCarryPartitionsAndCleanupWhenCreatingTopic() {
        NewTopic created = Topics.TRIAGE_SUBMISSIONS.withPartitions(3).newTopic((short) 1);

        assertThat(created.numPartitions()).isEqualTo(3);
        assertThat(created.configs()).containsEntry("cleanup.policy", "delete");
    }

    @Test
    void shouldRejectZeroPartitionsWhenDescribingTopic() {
        assertThatThrownBy(() -> Topics.TRIAGE_SUBMISSIONS.withPartitions(0))
            .hasMessageContaining(Topics.TRIAGE_SUBMISSIONS.name());
    }

    @Test
    void shouldRoundTripAvroValueWhenUsingPlainSerdes() {
        // Given
        Serde<TriageSubmission> serde = new PlainAvroEventSerdes().valueSerde(Topics.TRIAGE_SUBMISSIONS);
        TriageSubmission submission = TriageSubmission.newBuilder()
            .setEventId("s-1").setSubmissionId("s-1").setOccurredAt(Instant.parse("2026-11-21T10:15:01Z"))
            .setPatientId("p-1").setFacilityId("f-1").setFormId("general-v1").setChannel(SubmissionChannel.WEB)
            .setSubmittedAt(Instant.parse("2026-11-21T10:15:00Z"))
            .setVitals(VitalSigns.newBuilder().setHeartRate(80).build())
            .setAnswers(Map.of("chest_pain", "no"))
            .build();

        // When
        byte[] bytes = serde.serializer().serialize("t", submission);
        TriageSubmission back = serde.deserializer().deserialize("t", bytes);

        // Then
        assertThat(back).isEqualTo(submission);
        assertThat(back.getVitals().getRespiratoryRate()).isNull();
    }

    @Test
    void shouldThrowSerializationExceptionWhenBytesAreNotAvro() {
        Serde<TriageSubmission> serde = new PlainAvroEventSerdes().valueSerde(Topics.TRIAGE_SUBMISSIONS);

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {(byte) 0xff, 1, 2}))
            .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldKeepTheBenchmarkTopicsOutOfTheDeployedCatalogueWhenListingThem() {
        // When
        List<String> benchmark = Topics.benchmark().stream().map(Topic::name).toList();

        // Then: described in the catalogue, never created by a deployment
        assertThat(benchmark).containsExactly("bench-ceiling-produce", "bench-ceiling-aggregate-input");
        assertThat(Topics.all()).doesNotContainAnyElementsOf(Topics.benchmark());
    }
}
