package org.careflow.bench.drain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SameShapeTopologyTest {

    private static final WorkShape SHAPE = new WorkShape(900, 400, 350, 6, 20);
    private static final Instant AT = Instant.parse("2026-12-06T10:15:00Z");

    @Test
    void shouldDoTriagesWorkShapePerRecordWhenSubmissionsArrive(@TempDir Path stateDir) {
        // Given the same-shape topology
        Topology topology = SameShapeTopology.build(SHAPE, "in", "out");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "same-shape-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
            byte[] patient = bytes("patient-1");

            // When the same patient submits twice and another patient once
            in.pipeInput(patient, bytes("first submission"), AT);
            in.pipeInput(patient, bytes("second submission"), AT.plusSeconds(60));
            in.pipeInput(bytes("patient-2"), bytes("other submission"), AT.plusSeconds(120));

            // Then one output record of an assessment's size per submission, keyed by patient
            List<KeyValue<byte[], byte[]>> assessments = out.readKeyValuesToList();
            assertThat(assessments).hasSize(3).allSatisfy(kv -> assertThat(kv.value).hasSize(SHAPE.assessmentBytes()));
            assertThat(assessments.get(0).key).isEqualTo(patient);
            // And the patient's state was read and rewritten at its size (the second write saw the first)
            KeyValueStore<byte[], byte[]> patients = driver.getKeyValueStore(SameShapeTopology.PATIENT_STORE);
            assertThat(patients.get(patient)).hasSize(SHAPE.patientStateBytes());
            assertThat(patients.get(patient)[0]).isEqualTo((byte) (bytes("first submission")[0] + 1));
            // And every record went through the repartition by facility, of the repartitioned size
            assertThat(topology.describe().toString()).contains(SameShapeTopology.REPARTITION + "-repartition");
            // And downstream each patient has one queue entry under its facility, replaced by its newer submission
            KeyValueStore<byte[], byte[]> queue = driver.getKeyValueStore(SameShapeTopology.QUEUE_STORE);
            try (KeyValueIterator<byte[], byte[]> entries = queue.all()) {
                List<KeyValue<byte[], byte[]>> all = new java.util.ArrayList<>();
                entries.forEachRemaining(all::add);
                assertThat(all).hasSize(2).allSatisfy(kv -> assertThat(kv.value).hasSize(SHAPE.repartitionBytes()));
            }
            byte[] facility = SameShapeTopology.facility(patient, SHAPE.facilities());
            byte[] queueKey = ByteBuffer.allocate(facility.length + patient.length).put(facility).put(patient).array();
            assertThat(SameShapeTopology.patientOf(queue.get(queueKey))).isEqualTo(patient);
            // And the facility's hour counts the patient's two submissions in the window store
            WindowStore<byte[], byte[]> stats = driver.getWindowStore(SameShapeTopology.STATS_STORE);
            long hour = AT.toEpochMilli() - Math.floorMod(AT.toEpochMilli(), SameShapeTopology.WINDOW.toMillis());
            long counted = ByteBuffer.wrap(stats.fetch(facility, hour)).getLong();
            byte[] otherFacility = SameShapeTopology.facility(bytes("patient-2"), SHAPE.facilities());
            assertThat(counted).isEqualTo(java.util.Arrays.equals(facility, otherFacility) ? 3 : 2);
        }
    }

    @Test
    void shouldRepeatTheSourceToTheSizeWhenTiling() {
        assertThat(SameShapeTopology.tile(bytes("abc"), 7)).isEqualTo(bytes("abcabca"));
        assertThat(SameShapeTopology.tile(new byte[0], 3)).containsExactly(0, 0, 0);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
