package org.careflow.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.careflow.events.triage.RiskBand;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.TriageFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TriageTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:15:00Z");

    private final EventSerdes serdes = new PlainAvroEventSerdes();
    private final TriageConfig config = new TriageConfig(Map.of());
    private TopologyTestDriver driver;
    private TestInputTopic<String, TriageSubmission> submissions;
    private TestInputTopic<String, byte[]> rawSubmissions;
    private TestOutputTopic<String, TriageAssessment> assessments;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        Properties props = config.streamsProperties(8081);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(TriageTopology.build(config, serdes), props);
        submissions = driver.createInputTopic(Topics.TRIAGE_SUBMISSIONS.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.TRIAGE_SUBMISSIONS).serializer());
        rawSubmissions = driver.createInputTopic(Topics.TRIAGE_SUBMISSIONS.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        assessments = driver.createOutputTopic(Topics.TRIAGE_ASSESSMENTS.name(), Serdes.String().deserializer(),
            serdes.valueSerde(Topics.TRIAGE_ASSESSMENTS).deserializer());
        deadLetters = driver.createOutputTopic(Topics.TRIAGE_DEAD_LETTERS.name(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldPublishScoredAssessmentKeyedByPatientWhenSubmissionArrives() {
        submissions.pipeInput("p-1", TriageFixtures.submission("s-1", "p-1", T0, TriageFixtures.exampleVitals()));

        TestRecord<String, TriageAssessment> out = assessments.readRecord();
        assertThat(out.key()).isEqualTo("p-1");
        assertThat(out.value().getSubmissionId()).isEqualTo("s-1");
        assertThat(out.value().getNews2().getTotal()).isEqualTo(7);
        assertThat(out.value().getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(out.value().getEventId()).isEqualTo("assessment-s-1");
        assertThat(assessments.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepLatestAssessmentPerPatientInStoreWhenSeveralArrive() {
        submissions.pipeInput("p-1", TriageFixtures.submission("s-1", "p-1", T0, TriageFixtures.exampleVitals()));
        submissions.pipeInput("p-1", TriageFixtures.submission("s-2", "p-1", T0.plusSeconds(600), TriageFixtures.normalVitals()));
        submissions.pipeInput("p-2", TriageFixtures.submission("s-3", "p-2", T0, TriageFixtures.exampleVitals()));

        KeyValueStore<String, TriageAssessment> store = driver.getKeyValueStore(TriageTopology.LATEST_ASSESSMENT_STORE);
        assertThat(store.get("p-1").getSubmissionId()).isEqualTo("s-2");
        assertThat(store.get("p-1").getBand()).isEqualTo(RiskBand.LOW);
        assertThat(store.get("p-2").getBand()).isEqualTo(RiskBand.HIGH);
        assertThat(assessments.readValuesToList()).hasSize(3);
    }

    @Test
    void shouldMarkIncompleteNotZeroWhenVitalIsMissing() {
        VitalSigns vitals = TriageFixtures.normalVitals();
        vitals.setSpo2(null);

        submissions.pipeInput("p-1", TriageFixtures.submission("s-1", "p-1", T0, vitals));

        TriageAssessment out = assessments.readValue();
        assertThat(out.getNews2().getComplete()).isFalse();
        assertThat(out.getBand()).isEqualTo(RiskBand.INCOMPLETE);
    }

    @Test
    void shouldSkipUnreadableRecordAndGoOnWhenBytesAreNotAvro() {
        // The dead-letter record itself is checked against a real broker in TriageStreamsIT:
        // the test driver does not route deserialization failures to the dead-letter topic.
        rawSubmissions.pipeInput("p-1", "not avro".getBytes(StandardCharsets.UTF_8));
        submissions.pipeInput("p-2", TriageFixtures.submission("s-2", "p-2", T0, TriageFixtures.normalVitals()));

        assertThat(assessments.readValue().getSubmissionId()).isEqualTo("s-2");
        assertThat(assessments.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterRecordWhenScoringFails() {
        VitalSigns vitals = TriageFixtures.normalVitals();
        vitals.setSpo2Scale(3);

        submissions.pipeInput("p-1", TriageFixtures.submission("s-1", "p-1", T0, vitals));

        assertThat(deadLetters.readRecord().headers().lastHeader("__streams.errors.message")).isNotNull();
        assertThat(assessments.isEmpty()).isTrue();
    }

    @Test
    void shouldMatchPinnedDescriptionWhenTopologyIsBuilt() throws IOException {
        Topology topology = TriageTopology.build(config, serdes);

        Path pin = Path.of("src/test/resources/triage-topology.txt");
        if (Boolean.getBoolean("careflow.updatePins")) {
            Files.writeString(pin, topology.describe().toString());
        }
        String pinned = Files.readString(pin);
        assertThat(topology.describe().toString().strip())
            .as("the topology changed: if deliberate, rerun with -Dcareflow.updatePins=true and commit the file")
            .isEqualTo(pinned.strip());
    }
}
