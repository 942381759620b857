package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class PlatformFixtureIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldCreateTopicsRegisterSchemasAndKeepThemWhenTheRegistryRestarts(@TempDir Path dir) throws Exception {
        // Given a fixture with two catalogue topics, their schemas and a registry that can be restarted
        try (PlatformFixture platform = PlatformFixture.builder(dir).restartableRegistry()
                 .topics(List.of(Topics.TRIAGE_SUBMISSIONS, Topics.TRIAGE_DEAD_LETTERS)).registerSchemas().start()) {
            String url = platform.registryUrl();

            // Then the topics exist with the catalogue's partitions, and the Avro topic's schema is registered
            platform.createTopics(2, "fixture-it-own");
            try (Admin admin = platform.admin()) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsAll(Set.of(Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_DEAD_LETTERS.name(), "fixture-it-own"));
                TopicDescription submissions = admin.describeTopics(List.of(Topics.TRIAGE_SUBMISSIONS.name())).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(Topics.TRIAGE_SUBMISSIONS.name());
                assertThat(submissions.partitions()).hasSize(Topics.TRIAGE_SUBMISSIONS.partitions());
            }
            assertThat(artifactStatus(url, SchemaRegistrar.artifactId(Topics.TRIAGE_SUBMISSIONS))).isEqualTo(200);

            // When the registry stops, then it is gone; when it starts again, it answers at the same URL with the schema
            platform.stopRegistry();
            assertThatThrownBy(platform::registryUrl).isInstanceOf(IllegalStateException.class);
            platform.startRegistry();
            assertThat(platform.registryUrl()).isEqualTo(url);
            assertThat(artifactStatus(url, SchemaRegistrar.artifactId(Topics.TRIAGE_SUBMISSIONS))).isEqualTo(200);
        }
    }

    @Test
    void shouldRefuseSchemasWithoutARegistryBeforeStartingAnything(@TempDir Path dir) {
        assertThatThrownBy(() -> PlatformFixture.builder(dir).withoutRegistry().topics(Topics.all()).registerSchemas().start())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("withoutRegistry");
        assertThat(dir.resolve("kafka")).doesNotExist();
    }

    private static int artifactStatus(String registryUrl, String artifactId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/groups/" + SchemaRegistrar.GROUP + "/artifacts/" + artifactId))
            .timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
