package org.careflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorConfigsTest {

    private static final Path FILE = Path.of("mongo-assessments.json");

    @Test
    void shouldResolveVariablesAndDefaultsWhenParsing() throws Exception {
        ConnectorConfigs.Connector c = ConnectorConfigs.parse(FILE, """
            {"name": "mongo-assessments", "config": {"connection.uri": "${MONGO_URI}", "database": "${MONGO_DATABASE:-careflow}",
             "tasks.max": 1}}
            """, Map.of("MONGO_URI", "mongodb://db:27017"));

        assertThat(c.name()).isEqualTo("mongo-assessments");
        assertThat(c.config()).containsEntry("connection.uri", "mongodb://db:27017").containsEntry("database", "careflow")
            .containsEntry("tasks.max", "1");
    }

    @Test
    void shouldNameTheFileKeyAndVariableWhenOneIsMissing() {
        assertThatThrownBy(() -> ConnectorConfigs.parse(FILE, "{\"name\": \"x\", \"config\": {\"connection.uri\": \"${MONGO_URI}\"}}", Map.of()))
            .hasMessageContaining("mongo-assessments.json").hasMessageContaining("connection.uri").hasMessageContaining("--set MONGO_URI=");
    }

    @Test
    void shouldRefuseAFileWithoutNameOrConfig() {
        assertThatThrownBy(() -> ConnectorConfigs.parse(FILE, "{\"config\": {}}", Map.of())).hasMessageContaining("\"name\"");
    }

    @Test
    void shouldLoadEveryShippedConfigurationWhenAllVariablesAreGiven() {
        Map<String, String> vars = Map.of("MONGO_URI", "mongodb://m:27017", "REGISTRY_V2_URL", "http://r:8080/apis/registry/v2",
            "SINK_JDBC_URL", "jdbc:postgresql://p:5432/careflow", "SINK_JDBC_USER", "u", "SINK_JDBC_PASSWORD", "p",
            "MASTERDATA_HOST", "p", "MASTERDATA_PORT", "5432", "MASTERDATA_DATABASE", "masterdata", "MASTERDATA_USER", "u",
            "MASTERDATA_PASSWORD", "p");

        List<ConnectorConfigs.Connector> all = ConnectorConfigs.load(Path.of("config"), vars);

        assertThat(all).isNotEmpty();
        assertThat(all).allSatisfy(c -> {
            assertThat(c.config().values()).noneMatch(v -> v.contains("${"));
            assertThat(c.config()).containsKey("connector.class");
            assertThat(c.config()).containsEntry("value.converter", "io.apicurio.registry.utils.converter.AvroConverter");
        });
        assertThat(all).filteredOn(c -> c.config().get("connector.class").contains("Sink")).allSatisfy(c -> {
            assertThat(c.config()).containsEntry("errors.tolerance", "all");
            assertThat(c.config()).containsEntry("errors.deadletterqueue.context.headers.enable", "true");
        });
    }
}
