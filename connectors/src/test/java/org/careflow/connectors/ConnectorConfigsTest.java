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
        Map<String, String> vars = Map.of("REGISTRY_V2_URL", "http://r:8080/apis/registry/v2",
            "SINK_JDBC_URL", "jdbc:postgresql://p:5432/careflow", "SINK_JDBC_USER", "u",
            "MASTERDATA_HOST", "p", "MASTERDATA_PORT", "5432", "MASTERDATA_DATABASE", "masterdata", "MASTERDATA_USER", "u",
            ConnectorConfigs.SECRETS_VARIABLE, "env");

        List<ConnectorConfigs.Connector> all = ConnectorConfigs.load(Path.of("config"), vars);

        assertThat(all).isNotEmpty();
        assertThat(all).allSatisfy(c -> {
            assertThat(c.config().values()).filteredOn(v -> v.contains("${")).allMatch(v -> v.matches("\\$\\{env:[A-Z_]+}"));
            assertThat(c.config()).containsKey("connector.class");
            assertThat(c.config().get("value.converter")).isIn("io.apicurio.registry.utils.converter.AvroConverter",
                "org.careflow.connect.converters.RegistryOutageAwareConverter");
        });
        assertThat(all).filteredOn(c -> c.config().get("connector.class").contains("Sink")).allSatisfy(c -> {
            // A sink waits out a registry outage (retried for 7 days), and dead-letters only what is unreadable on its own
            assertThat(c.config()).containsEntry("value.converter", "org.careflow.connect.converters.RegistryOutageAwareConverter");
            assertThat(c.config()).containsEntry("errors.retry.timeout", "604800000");
            assertThat(c.config()).containsEntry("errors.tolerance", "all");
            assertThat(c.config()).containsEntry("errors.deadletterqueue.context.headers.enable", "true");
        });
    }

    @Test
    void shouldLogEveryRegistryConverterInWhenLoadingTheShippedConfigurations() {
        // Given: the shipped configurations, with a registry client id
        Map<String, String> vars = Map.of("REGISTRY_V2_URL", "http://r:8080/apis/registry/v2", "REGISTRY_CLIENT_ID", "careflow-connect",
            "SINK_JDBC_URL", "jdbc:postgresql://p:5432/careflow", "SINK_JDBC_USER", "u",
            "MASTERDATA_HOST", "p", "MASTERDATA_USER", "u", ConnectorConfigs.SECRETS_VARIABLE, "env");

        // When
        List<ConnectorConfigs.Connector> all = ConnectorConfigs.load(Path.of("config"), vars);

        // Then: a registry that refuses anonymous reads (the local stack's) still serves every converter
        assertThat(all).allSatisfy(c -> c.config().forEach((key, value) -> {
            if (key.endsWith(".converter") && (value.equals("io.apicurio.registry.utils.converter.AvroConverter")
                || value.equals("org.careflow.connect.converters.RegistryOutageAwareConverter"))) {
                assertThat(c.config()).as("%s of %s logs in to the registry", key, c.name())
                    .containsEntry(key + ".apicurio.auth.username", "careflow-connect")
                    .containsEntry(key + ".apicurio.auth.password", "${env:REGISTRY_CLIENT_SECRET}");
            }
        }));
    }

    @Test
    void shouldNameEverySecretOfTheShippedConfigurationsThroughAConfigProviderWhenLoading() {
        // Given: every variable a secret used to be given by, with values that must never reach a connector's config
        Map<String, String> vars = Map.of("REGISTRY_V2_URL", "http://r:8080/apis/registry/v2",
            "SINK_JDBC_URL", "jdbc:postgresql://p:5432/careflow", "SINK_JDBC_USER", "u", "SINK_JDBC_PASSWORD", "sink-pw-literal",
            "MASTERDATA_HOST", "p", "MASTERDATA_USER", "u", "MASTERDATA_PASSWORD", "cdc-pw-literal",
            "MONGO_URI", "mongodb://u:mongo-pw-literal@m:27017", ConnectorConfigs.SECRETS_VARIABLE, "file:/etc/careflow/connect/secrets.properties");

        // When
        List<ConnectorConfigs.Connector> all = ConnectorConfigs.load(Path.of("config"), vars);

        // Then: passwords and the Mongo URI are file-provider references, and no literal secret is in any config
        assertThat(all).allSatisfy(c -> {
            assertThat(c.config().values()).noneMatch(v -> v.contains("literal"));
            c.config().forEach((key, value) -> {
                if (key.endsWith("password") || key.equals("connection.uri")) {
                    assertThat(value).as("%s of %s", key, c.name()).matches("\\$\\{file:/etc/careflow/connect/secrets\\.properties:[A-Z_]+}");
                }
            });
        });
    }

    @Test
    void shouldTurnASecretIntoTheChosenProvidersReference() {
        Path file = Path.of("x.json");

        assertThat(ConnectorConfigs.resolve(file, "k", "${secret:DB_PASSWORD}", Map.of(ConnectorConfigs.SECRETS_VARIABLE, "env")))
            .isEqualTo("${env:DB_PASSWORD}");
        assertThat(ConnectorConfigs.resolve(file, "k", "${secret:DB_PASSWORD}", Map.of(ConnectorConfigs.SECRETS_VARIABLE, "dir:/run/secrets")))
            .isEqualTo("${dir:/run/secrets:DB_PASSWORD}");
        assertThatThrownBy(() -> ConnectorConfigs.resolve(file, "k", "${secret:DB_PASSWORD}", Map.of()))
            .hasMessageContaining(ConnectorConfigs.SECRETS_VARIABLE).hasMessageContaining("DB_PASSWORD");
        assertThatThrownBy(() -> ConnectorConfigs.resolve(file, "k", "${secret:DB_PASSWORD}", Map.of(ConnectorConfigs.SECRETS_VARIABLE, "vault")))
            .hasMessageContaining("env, file:PATH or dir:PATH");
    }
}
