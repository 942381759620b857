package org.careflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.careflow.masterdata.MasterDataConfig;
import org.careflow.masterdata.cdc.CdcSerdes;
import org.careflow.masterdata.topology.MasterDataTopology;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.notifications.topology.NotificationsTopology;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.StreamsAppTopics;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.Test;

/** Keeps the operations map of app inputs and co-partition groups equal to what the topologies really read. */
class StreamsAppTopicsTest {

    private static final Set<String> CATALOGUE = Topics.all().stream().map(Topic::name).collect(Collectors.toSet());
    private final EventSerdes serdes = new PlainAvroEventSerdes();

    @Test
    void shouldListExactlyTheCatalogueTopicsEachTopologyReadsWhenTopologiesChange() {
        for (Map.Entry<StreamsAppTopics, Topology> app : topologies().entrySet()) {
            Set<String> declared = app.getKey().inputs().stream().map(Topic::name).collect(Collectors.toSet());
            assertThat(catalogueSources(app.getValue()))
                .as("%s's inputs in StreamsAppTopics: update it with the topology", app.getKey().app())
                .isEqualTo(declared);
        }
    }

    @Test
    void shouldGroupTopicsThatMeetInOneTaskWhenTopologiesChange() {
        for (Map.Entry<StreamsAppTopics, Topology> app : topologies().entrySet()) {
            for (TopologyDescription.Subtopology sub : app.getValue().describe().subtopologies()) {
                Set<String> sources = sources(sub).stream().filter(CATALOGUE::contains).collect(Collectors.toSet());
                if (sources.size() > 1) {
                    assertThat(app.getKey().coPartitioned().stream()
                        .map(g -> g.stream().map(Topic::name).collect(Collectors.toSet()))
                        .anyMatch(g -> g.containsAll(sources)))
                        .as("%s reads %s in one sub-topology: they must be one co-partition group in StreamsAppTopics", app.getKey().app(), sources)
                        .isTrue();
                }
            }
        }
    }

    @Test
    void shouldKnowEveryStreamsAppWhenOpsListsThem() {
        assertThat(OpsApps.ALL).extracting(OpsApps::name)
            .containsExactly("streams-triage", "streams-scheduling", "streams-notifications", "streams-masterdata");
        assertThat(OpsApps.ALL).extracting(OpsApps::defaultApplicationId)
            .containsExactly("careflow-triage", "careflow-scheduling", "careflow-notifications", "careflow-masterdata");
    }

    private Map<StreamsAppTopics, Topology> topologies() {
        Serde<GenericRecord> none = Serdes.serdeFrom((topic, data) -> null, (topic, bytes) -> null);
        CdcSerdes cdc = new CdcSerdes() {
            @Override
            public Serde<GenericRecord> keySerde(Topic<GenericRecord, GenericRecord> topic) {
                return none;
            }

            @Override
            public Serde<GenericRecord> valueSerde(Topic<GenericRecord, GenericRecord> topic) {
                return none;
            }
        };
        return Map.of(
            StreamsAppTopics.TRIAGE, TriageTopology.build(new TriageConfig(Map.of()), serdes),
            StreamsAppTopics.SCHEDULING, SchedulingTopology.build(new SchedulingConfig(Map.of()), serdes),
            StreamsAppTopics.NOTIFICATIONS, NotificationsTopology.build(new NotificationsConfig(Map.of()), serdes),
            StreamsAppTopics.MASTERDATA, MasterDataTopology.build(new MasterDataConfig(Map.of()), serdes, cdc));
    }

    private static Set<String> catalogueSources(Topology topology) {
        Set<String> all = new HashSet<>();
        topology.describe().subtopologies().forEach(s -> all.addAll(sources(s)));
        topology.describe().globalStores().forEach(g -> all.addAll(g.source().topicSet()));
        return all.stream().filter(CATALOGUE::contains).collect(Collectors.toSet());
    }

    private static List<String> sources(TopologyDescription.Subtopology sub) {
        return sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Source)
            .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream()).toList();
    }
}
