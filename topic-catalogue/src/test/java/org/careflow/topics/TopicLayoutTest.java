package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TopicLayoutTest {

    @Test
    void shouldKeepCatalogueCountsWhenNothingIsSet() {
        TopicLayout layout = TopicLayout.parse(List.of());

        assertThat(layout).isEqualTo(TopicLayout.defaults());
        assertThat(layout.partitions(Topics.TRIAGE_SUBMISSIONS)).isEqualTo(Topics.DEFAULT_PARTITIONS);
        assertThat(layout.apply(Topics.all())).isEqualTo(Topics.all());
    }

    @Test
    void shouldApplyCountWhenTopicIsNamed() {
        TopicLayout layout = TopicLayout.parse(List.of(" triage-submissions:12 ", "triage-dead-letters:3"));

        assertThat(layout.partitions(Topics.TRIAGE_SUBMISSIONS)).isEqualTo(12);
        assertThat(layout.apply(Topics.TRIAGE_DEAD_LETTERS).partitions()).isEqualTo(3);
        assertThat(layout.apply(Topics.TRIAGE_SUBMISSIONS).newTopic((short) 1).numPartitions()).isEqualTo(12);
        assertThat(layout.partitions(Topics.TRIAGE_ASSESSMENTS)).isEqualTo(Topics.DEFAULT_PARTITIONS);
        assertThat(layout.toEntries()).containsExactly("triage-dead-letters:3", "triage-submissions:12");
    }

    @Test
    void shouldNameEveryProblemWhenEntriesAreWrong() {
        assertThatThrownBy(() -> TopicLayout.parse(List.of("triage-submision:12", "triage-assessments:0", "audit-events:many", "nocolon")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(TopicLayout.TOPIC_PARTITIONS_CONFIG)
            .hasMessageContaining("'triage-submision' is not a careflow topic; use one of [")
            .hasMessageContaining("triage-assessments: 0 partitions; a topic needs at least 1")
            .hasMessageContaining("audit-events: 'many' is not a whole number")
            .hasMessageContaining("'nocolon' is not topic-name:count");
    }

    @Test
    void shouldRefuseLayoutWhenCoPartitionedTopicsGetDifferentCounts() {
        assertThatThrownBy(() -> TopicLayout.parse(List.of("booking-requests:12")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("streams-scheduling reads [booking-requests, provider-schedules] co-partitioned")
            .hasMessageContaining("e.g. booking-requests:12,provider-schedules:12");
        assertThatThrownBy(() -> TopicLayout.parse(List.of("notification-statuses:8")))
            .hasMessageContaining("streams-notifications reads [outbound-notifications, notification-statuses]");
    }

    @Test
    void shouldAcceptLayoutWhenCoPartitionedTopicsGrowTogether() {
        TopicLayout layout = TopicLayout.parse(List.of("booking-requests:12", "provider-schedules:12"));

        assertThat(layout.partitions(Topics.PROVIDER_SCHEDULES)).isEqualTo(12);
        assertThat(layout.with(Topics.TRIAGE_SUBMISSIONS, 24).toEntries())
            .containsExactly("booking-requests:12", "provider-schedules:12", "triage-submissions:24");
    }

    @Test
    void shouldGrowACoPartitionedGroupAtOnceWhereGrowingOneAtATimeIsRefused() {
        TopicLayout defaults = TopicLayout.defaults();

        assertThatThrownBy(() -> defaults.with(Topics.BOOKING_REQUESTS, 12)).isInstanceOf(ConfigException.class);
        assertThat(defaults.with(List.of(Topics.BOOKING_REQUESTS, Topics.PROVIDER_SCHEDULES), 12).toEntries())
            .containsExactly("booking-requests:12", "provider-schedules:12");
    }

    @Test
    void shouldRefuseDuplicateWhenTopicIsGivenTwice() {
        assertThatThrownBy(() -> TopicLayout.parse(List.of("audit-events:3", "audit-events:4")))
            .hasMessageContaining("audit-events is given twice");
    }

    @Test
    void shouldOnlyGroupInputsOfTheirAppWhenCoPartitionGroupsAreDeclared() {
        for (StreamsAppTopics app : StreamsAppTopics.all()) {
            app.coPartitioned().forEach(group -> assertThat(app.inputs()).as(app.app()).containsAll(group));
        }
        assertThat(StreamsAppTopics.SCHEDULING.groupOf(Topics.PROVIDER_SCHEDULES)).containsExactly(Topics.BOOKING_REQUESTS, Topics.PROVIDER_SCHEDULES);
        assertThat(StreamsAppTopics.TRIAGE.groupOf(Topics.TRIAGE_SUBMISSIONS)).containsExactly(Topics.TRIAGE_SUBMISSIONS);
    }
}
