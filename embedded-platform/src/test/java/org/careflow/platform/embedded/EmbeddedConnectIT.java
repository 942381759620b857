package org.careflow.platform.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Connect worker with only the classpath's plugins (no plugin path), on a real broker. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedConnectIT {

    private EmbeddedKafkaBroker broker;

    @BeforeAll
    void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    void stopBroker() {
        broker.close();
    }

    @Test
    void shouldServeRestApiUntilClosedWhenStartedOnBroker() throws Exception {
        // Given
        EmbeddedConnect connect = EmbeddedConnect.builder().bootstrapServers(broker.bootstrapServers()).pluginPath()
                .groupId("connect-it-rest").build().start();
        String url = connect.url();
        ClassLoader testLoader = Thread.currentThread().getContextClassLoader();

        // When
        HttpResponse<String> connectors = get(url + "/connectors");
        HttpResponse<String> plugins = get(url + "/connector-plugins?connectorsOnly=false");

        // Then
        assertThat(url).startsWith("http://127.0.0.1:");
        assertThat(connectors.statusCode()).isEqualTo(200);
        assertThat(connectors.body()).isEqualTo("[]");
        assertThat(plugins.body()).contains("org.apache.kafka.connect.storage.StringConverter");
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(testLoader);

        assertThatCode(() -> {
            connect.close();
            connect.close();
        }).doesNotThrowAnyException();
        assertThatThrownBy(() -> get(url + "/connectors")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void shouldNameConnectorAndReasonWhenConfigurationIsRejected() {
        try (EmbeddedConnect connect = EmbeddedConnect.builder().bootstrapServers(broker.bootstrapServers()).pluginPath()
                .groupId("connect-it-reject").build().start()) {
            // When / Then
            assertThatThrownBy(() -> connect.putConnector("no-such-plugin",
                    Map.of("connector.class", "org.example.NoSuchConnector", "tasks.max", "1")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no-such-plugin")
                    .hasMessageContaining("org.example.NoSuchConnector");
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
