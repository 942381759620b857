package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.careflow.events.scheduling.ProviderSchedule;
import org.junit.jupiter.api.Test;

class AppGraphTest {

    private static final ConfigDef DEF = new ConfigDef()
        .define(TopicLayout.TOPIC_PARTITIONS_CONFIG, ConfigDef.Type.LIST, "", ConfigDef.Importance.LOW, "layout");

    private static final EventSerdes SERDES = new PlainAvroEventSerdes();

    private static AbstractConfig config(String layout) {
        return new AbstractConfig(DEF, Map.of(TopicLayout.TOPIC_PARTITIONS_CONFIG, layout), false);
    }

    @Test
    void shouldRefuseAMissingConfigOrSerdesByNameWhenStarted() {
        assertThatThrownBy(() -> AppGraph.start(null, SERDES)).isInstanceOf(NullPointerException.class).hasMessage("config");
        assertThatThrownBy(() -> AppGraph.start(config(""), null)).isInstanceOf(NullPointerException.class).hasMessage("serdes");
    }

    @Test
    void shouldReadPartitionCountsFromTheAppsLayoutWhenAsked() {
        AppGraph graph = AppGraph.start(config(Topics.BOOKING_REQUESTS.name() + ":12," + Topics.PROVIDER_SCHEDULES.name() + ":12"), SERDES);

        assertThat(graph.partitions(Topics.BOOKING_REQUESTS)).isEqualTo(12);
        assertThat(graph.partitions(Topics.TRIAGE_ALERTS)).isEqualTo(TopicLayout.defaults().partitions(Topics.TRIAGE_ALERTS));
    }

    @Test
    void shouldDeclareEachStoreUnderItsNameForTheProcessorsThatNameItWhenBuilt() {
        AppGraph graph = AppGraph.start(config(""), SERDES)
            .keyValueStore("plain-store", ProviderSchedule.class)
            .cachedKeyValueStore("cached-store", ProviderSchedule.class)
            .stringStore("index-store");
        graph.builder().stream("in", Consumed.with(Serdes.String(), Serdes.String()))
            .process(() -> new Processor<String, String, Void, Void>() {
                @Override
                public void process(Record<String, String> record) {
                }
            }, Named.as("use-stores"), "plain-store", "cached-store", "index-store");

        Topology topology = graph.build();

        String description = topology.describe().toString();
        assertThat(description).contains("use-stores (stores: [", "plain-store", "cached-store", "index-store");
        assertThat(description).doesNotContain("KSTREAM-PROCESSOR");
        assertThat(topology.describe().subtopologies()).hasSize(1);
    }
}
