package org.careflow.ingest.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.careflow.config.CommonConfig;
import org.careflow.events.triage.FormDefinition;
import org.careflow.forms.BuiltInForms;
import org.careflow.ingest.IngestConfig;
import org.careflow.platform.embedded.Await;
import org.careflow.security.AuthSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The catalog's reading of the forms topic, one poll at a time, with Kafka's MockConsumer (the broker path is covered by FormsIT). */
class FormCatalogTest {

    private static final String TOPIC = "triage-forms";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private final MockConsumer<String, FormDefinition> consumer = new MockConsumer<>("earliest");
    private final FormCatalog catalog = new FormCatalog(consumer, TOPIC);

    @AfterEach
    void close() {
        catalog.close();
    }

    @Test
    void shouldKnowEveryVersionAndTheLatestWhenTopicIsRead() {
        // Given a topic holding versions 1 and 3 of one form and version 1 of another
        topicWithEndOffset(3);
        catalog.pollOnce();
        record(0, "chest-pain@1", form("chest-pain", 1, "One"));
        record(1, "chest-pain@3", form("chest-pain", 3, "Three"));
        record(2, "fever@1", form("fever", 1, "Fever"));

        // When
        catalog.pollOnce();

        // Then
        assertThat(catalog.caughtUp()).isTrue();
        assertThat(catalog.find("chest-pain", null)).hasValueSatisfying(f -> assertThat(f.getTitle()).isEqualTo("Three"));
        assertThat(catalog.find("chest-pain", 1)).hasValueSatisfying(f -> assertThat(f.getTitle()).isEqualTo("One"));
        assertThat(catalog.find("chest-pain", 2)).isEmpty();
        assertThat(catalog.find("fever", null)).hasValueSatisfying(f -> assertThat(f.getVersion()).isEqualTo(1));
        assertThat(catalog.find("unknown", null)).isEmpty();
    }

    @Test
    void shouldNotBeCaughtUpWhenRecordsBeforeTheStartEndOffsetAreUnread() {
        // Given a topic that ended at offset 2 when reading started, of which only the first record was read
        topicWithEndOffset(2);
        catalog.pollOnce();
        record(0, "chest-pain@1", form("chest-pain", 1, "One"));

        // When
        catalog.pollOnce();

        // Then
        assertThat(catalog.caughtUp()).isFalse();
        assertThat(catalog.awaitCaughtUp(Duration.ZERO)).isFalse();
        assertThat(catalog.find("chest-pain", 1)).isPresent();
    }

    @Test
    void shouldBeCaughtUpAtOnceWhenTopicIsEmpty() {
        topicWithEndOffset(0);

        catalog.pollOnce();

        assertThat(catalog.caughtUp()).isTrue();
        assertThat(catalog.awaitCaughtUp(Duration.ZERO)).isTrue();
    }

    @Test
    void shouldWaitForTheTopicWhenItDoesNotExistYet() {
        // Given no partitions for the topic
        consumer.updatePartitions(TOPIC, List.of());

        // When
        boolean found = catalog.pollOnce();

        // Then
        assertThat(found).isFalse();
        assertThat(catalog.caughtUp()).isFalse();
        assertThat(consumer.assignment()).isEmpty();
    }

    @Test
    void shouldForgetAVersionWhenItsTombstoneIsRead() {
        // Given
        topicWithEndOffset(0);
        catalog.pollOnce();
        record(0, "chest-pain@1", form("chest-pain", 1, "One"));
        record(1, "chest-pain@2", form("chest-pain", 2, "Two"));
        record(2, "chest-pain@2", null);
        record(3, "fever@1", form("fever", 1, "Fever"));
        record(4, "fever@1", null);

        // When
        catalog.pollOnce();

        // Then
        assertThat(catalog.find("chest-pain", 2)).isEmpty();
        assertThat(catalog.find("chest-pain", null)).hasValueSatisfying(f -> assertThat(f.getVersion()).isEqualTo(1));
        assertThat(catalog.find("fever", null)).isEmpty();
    }

    @Test
    void shouldSkipRecordsWhenKeyIsMalformedOrDisagreesWithTheValueOrNamesABuiltInForm() {
        // Given
        topicWithEndOffset(0);
        catalog.pollOnce();
        record(0, "chest-pain", form("chest-pain", 1, "No version in key"));
        record(1, "chest-pain@2", form("chest-pain", 1, "Key says 2"));
        record(2, "other@1", form("chest-pain", 1, "Key says other"));
        record(3, "general-v1@1", form("general-v1", 1, "Hijacked"));
        record(4, null, form("chest-pain", 1, "No key"));

        // When
        catalog.pollOnce();

        // Then
        assertThat(catalog.find("chest-pain", null)).isEmpty();
        assertThat(catalog.find("other", null)).isEmpty();
        assertThat(catalog.find("general-v1", null)).contains(BuiltInForms.generalV1());
    }

    @Test
    void shouldRetryNotSkipARecordWhenItCannotBeRead() {
        // Given a record the deserializer fails on twice (the registry is unreachable, say)
        topicWithEndOffset(1);
        assertThat(catalog.step()).isZero();
        record(0, "chest-pain@1", form("chest-pain", 1, "One"));

        // When
        consumer.setPollException(new RecordDeserializationException(PARTITION, 0, "registry unreachable", null));
        Duration firstPause = catalog.step();
        consumer.setPollException(new RecordDeserializationException(PARTITION, 0, "registry unreachable", null));
        Duration secondPause = catalog.step();
        Duration thirdPause = catalog.step();

        // Then it backs off, then reads the record once it can
        assertThat(firstPause).isEqualTo(Duration.ofSeconds(1));
        assertThat(secondPause).isEqualTo(Duration.ofSeconds(2));
        assertThat(thirdPause).isZero();
        assertThat(catalog.find("chest-pain", 1)).isPresent();
        assertThat(catalog.caughtUp()).isTrue();
    }

    @Test
    void shouldBackOffUpTo30SecondsWhenReadingKeepsFailing() {
        topicWithEndOffset(0);
        assertThat(catalog.step()).isZero();

        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            consumer.setPollException(new KafkaException("broker unreachable"));
            pauses.add(catalog.step().toSeconds());
        }

        assertThat(pauses).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
        assertThat(catalog.step()).isZero();
    }

    @Test
    void shouldPauseOneSecondWhenTheTopicDoesNotExistYet() {
        consumer.updatePartitions(TOPIC, List.of());

        assertThat(catalog.step()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldServeTheBuiltInFormWhenNothingWasRead() {
        assertThat(catalog.find("general-v1", null)).contains(BuiltInForms.generalV1());
        assertThat(catalog.find("general-v1", 1)).contains(BuiltInForms.generalV1());
        assertThat(catalog.find("general-v1", 2)).isEmpty();
    }

    @Test
    void shouldKnowAPutFormAtOnceWhenTheReaderHasNotSeenIt() {
        // When
        catalog.put(form("chest-pain", 4, "Four"));

        // Then
        assertThat(catalog.find("chest-pain", null)).hasValueSatisfying(f -> assertThat(f.getVersion()).isEqualTo(4));
    }

    @Test
    void shouldRefusePutWhenFormIsBuiltIn() {
        assertThatThrownBy(() -> catalog.put(form("general-v1", 1, "No"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldBeCaughtUpWithItsFormsWhenFixed() {
        try (FormCatalog fixed = FormCatalog.fixed(List.of(form("chest-pain", 2, "Two")))) {
            assertThat(fixed.caughtUp()).isTrue();
            assertThat(fixed.find("chest-pain", null)).hasValueSatisfying(f -> assertThat(f.getVersion()).isEqualTo(2));
        }
    }

    @Test
    void shouldCatchUpOnItsThreadAndCloseTheConsumerWhenClosed() {
        // Given
        topicWithEndOffset(1);
        consumer.schedulePollTask(() -> record(0, "chest-pain@1", form("chest-pain", 1, "One")));

        // When
        catalog.start();

        // Then
        Await.until("the catalog to catch up", Duration.ofSeconds(10), catalog::caughtUp);
        assertThat(catalog.find("chest-pain", 1)).isPresent();
        catalog.close();
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void shouldStopWaitingForTheTopicWhenClosed() {
        // Given a reader waiting for a topic that does not exist
        consumer.updatePartitions(TOPIC, List.of());
        catalog.start();

        // When
        long started = System.nanoTime();
        catalog.close();

        // Then
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(consumer.closed()).isTrue();
        assertThat(catalog.caughtUp()).isFalse();
    }

    private void topicWithEndOffset(long end) {
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node})));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, end));
    }

    private void record(long offset, String key, FormDefinition value) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, key, value));
    }

    static FormDefinition form(String formId, int version, String title) {
        return FormDefinition.newBuilder()
            .setEventId("e-" + formId + "-" + version)
            .setOccurredAt(Instant.parse("2026-11-21T10:00:00Z"))
            .setFormId(formId)
            .setVersion(version)
            .setFacilityId(null)
            .setTitle(title)
            .setQuestions(List.of())
            .setScoringRules(List.of())
            .setRedFlagRules(List.of())
            .build();
    }

    @Test
    void shouldGiveTheConsumerTheKafkaSecuritySettings() {
        // Given
        Map<String, Object> settings = new HashMap<>(Map.of(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "PLAIN",
            CommonConfig.KAFKA_SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"));
        settings.put(AuthSettings.AUTH_ENABLED_CONFIG, false);

        // When
        Map<String, Object> props = FormCatalog.consumerConfig(new IngestConfig(settings), Map.of());

        // Then
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
            .containsKey("sasl.jaas.config");
    }
}
