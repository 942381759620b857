package org.careflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Test;

/**
 * The compose stack creates topics and registers schemas from files (docker/kafka/topics.txt, docker/registry/schemas),
 * since its init containers run no careflow code. These tests pin the files to the topic catalogue, the way the local
 * stack provisions it: a catalogue change fails here until the files are regenerated with
 * {@code -Dcareflow.updatePins=true}.
 */
class ProvisioningFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path TOPICS_FILE = ROOT.resolve("docker/kafka/topics.txt");
    private static final Path SCHEMAS_DIR = ROOT.resolve("docker/registry/schemas");
    private static final boolean UPDATE = Boolean.getBoolean("careflow.updatePins");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Test
    void shouldListEveryCatalogueTopicWithItsPartitionsAndCleanupWhenComposeCreatesTopics() throws IOException {
        // Given the topics the local stack creates: the catalogue, streams-masterdata's own and the CDC topics
        List<Topic<?, ?>> topics = new ArrayList<>(Topics.all());
        topics.addAll(Topics.masterDataOwned());
        topics.addAll(Topics.masterDataChanges());

        // When they are written as create-topics.sh reads them
        StringBuilder expected = new StringBuilder()
            .append("# careflow's topics: name partitions config=value,... (read by create-topics.sh).\n")
            .append("# Generated from the topic catalogue by the deploy module's ProvisioningFilesTest; do not edit by hand.\n");
        for (Topic<?, ?> topic : topics) {
            NewTopic created = topic.newTopic((short) 3);
            String configs = new TreeMap<>(created.configs()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            expected.append(created.name()).append(' ').append(created.numPartitions());
            if (!configs.isEmpty()) {
                expected.append(' ').append(configs);
            }
            expected.append('\n');
        }
        if (UPDATE) {
            Files.writeString(TOPICS_FILE, expected);
        }

        // Then the committed file is exactly that
        assertThat(TOPICS_FILE).exists();
        assertThat(Files.readString(TOPICS_FILE))
            .as("docker/kafka/topics.txt is out of date: rerun with -Dcareflow.updatePins=true and commit it")
            .isEqualTo(expected.toString());
    }

    @Test
    void shouldHoldOneRegistrationBodyPerAvroTopicWhenComposeRegistersSchemas() throws IOException {
        // Given the request bodies SchemaRegistrar sends for every Avro value schema of the catalogue
        Map<String, String> expected = new TreeMap<>();
        for (Topic<?, ?> topic : Topics.all()) {
            if (SpecificRecord.class.isAssignableFrom(topic.valueType())) {
                ObjectNode body = JSON.createObjectNode();
                body.put("artifactId", SchemaRegistrar.artifactId(topic));
                body.put("artifactType", "AVRO");
                ObjectNode content = body.putObject("firstVersion").putObject("content");
                content.put("content", SpecificData.get().getSchema(topic.valueType()).toString());
                content.put("contentType", "application/json");
                expected.put(SchemaRegistrar.artifactId(topic) + ".json", JSON.writeValueAsString(body) + "\n");
            }
        }
        if (UPDATE) {
            Files.createDirectories(SCHEMAS_DIR);
            try (Stream<Path> old = Files.list(SCHEMAS_DIR)) {
                for (Path file : old.filter(f -> f.toString().endsWith(".json")).toList()) {
                    Files.delete(file);
                }
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                Files.writeString(SCHEMAS_DIR.resolve(e.getKey()), e.getValue());
            }
        }

        // Then the committed folder holds exactly those files, with exactly that content
        Map<String, String> committed = new TreeMap<>();
        try (Stream<Path> files = Files.list(SCHEMAS_DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                committed.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        assertThat(expected).isNotEmpty();
        assertThat(committed)
            .as("docker/registry/schemas is out of date: rerun with -Dcareflow.updatePins=true and commit it")
            .isEqualTo(expected);
    }
}
