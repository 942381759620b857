package org.careflow.ingest.facilities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.careflow.events.facilities.Facility;
import org.careflow.http.ProblemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The facility catalog's reading of the facilities topic, with Kafka's MockConsumer (the broker path is covered by the ingest ITs). */
class FacilityCatalogTest {

    private static final String TOPIC = "facilities";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private final MockConsumer<String, Facility> consumer = new MockConsumer<>("earliest");
    private final FacilityCatalog catalog = FacilityCatalog.reading(consumer, TOPIC);

    @AfterEach
    void close() {
        catalog.close();
    }

    @Test
    void shouldKnowRegisteredFacilitiesAndForgetOnesATombstoneRemovedWhenTheTopicIsRead() {
        // Given a topic registering two facilities, then removing one
        topicWithEndOffset(3);
        catalog.pollOnce();
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "f-1", TestFacilities.facility("f-1", true)));
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, "f-2", TestFacilities.facility("f-2", false)));
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, "f-2", null));

        // When
        catalog.pollOnce();

        // Then
        assertThat(catalog.caughtUp()).isTrue();
        assertThat(catalog.requireKnown("f-1", "/facilityId").getAcceptsSelfTriage()).isTrue();
        assertThat(catalog.find("f-2")).isEmpty();
        assertThatThrownBy(() -> catalog.requireKnown("f-2", "/facilityId"))
            .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(422));
    }

    @Test
    void shouldSkipARecordWhoseKeyNamesAnotherFacilityThanItsValue() {
        // Invariant: a record cannot register facility B under key A (the key is what compaction and tombstones act on)
        topicWithEndOffset(1);
        catalog.pollOnce();
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "f-1", TestFacilities.facility("f-other", true)));

        catalog.pollOnce();

        assertThat(catalog.find("f-1")).isEmpty();
        assertThat(catalog.find("f-other")).isEmpty();
    }

    @Test
    void shouldAnswer503NotA422WhileLoadingAndTheSame422ForAnInactiveFacilityOnceLoaded() {
        // Given a catalog that has not read the topic yet
        assertThatThrownBy(() -> catalog.requireKnown("f-1", "/facilityId"))
            .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(503));

        // When it has read an inactive facility
        topicWithEndOffset(1);
        catalog.pollOnce();
        Facility closed = TestFacilities.facility("f-closed", true);
        closed.setActive(false);
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "f-closed", closed));
        catalog.pollOnce();

        // Then it answers as for an unknown one, naming the field
        assertThatThrownBy(() -> catalog.requireKnown("f-closed", "/facilityId"))
            .isInstanceOfSatisfying(ProblemException.class, e -> {
                assertThat(e.problem().status()).isEqualTo(422);
                assertThat(e.problem().errors()).extracting(f -> f.field()).containsExactly("/facilityId");
            });
    }

    @Test
    void shouldRefuseASelfSubmittedTriageOnlyWhenTheFacilityDoesNotAcceptIt() {
        FacilityCatalog fixed = FacilityCatalog.fixed(List.of(TestFacilities.facility("f-open", true), TestFacilities.facility("f-staff", false)));

        assertThat(fixed.requireTriageAccepted("f-open", "/facilityId", true).getFacilityId()).isEqualTo("f-open");
        assertThat(fixed.requireTriageAccepted("f-staff", "/facilityId", false).getFacilityId()).isEqualTo("f-staff");
        assertThatThrownBy(() -> fixed.requireTriageAccepted("f-staff", "/facilityId", true))
            .isInstanceOfSatisfying(ProblemException.class, e -> {
                assertThat(e.problem().status()).isEqualTo(403);
                assertThat(e.problem().type()).isEqualTo(FacilityCatalog.SELF_TRIAGE_REFUSED_TYPE);
            });
    }

    private void topicWithEndOffset(long end) {
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node})));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, end));
    }
}
