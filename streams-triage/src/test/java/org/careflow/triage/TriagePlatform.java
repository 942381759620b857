package org.careflow.triage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.careflow.config.CommonConfig;
import org.careflow.config.StreamsAppConfig;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.config.StreamsSettings;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.security.AuthSettings;
import org.careflow.topics.Topics;

/** Triage helpers over the shared platform fixture the operations ITs use: configs, child processes, submissions, GETs. */
final class TriagePlatform implements AutoCloseable {

    private final PlatformFixture platform;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TriagePlatform(PlatformFixture platform) {
        this.platform = platform;
    }

    static TriagePlatform start(Path dir) {
        return new TriagePlatform(PlatformFixture.catalogue(dir));
    }

    String bootstrapServers() {
        return platform.bootstrapServers();
    }

    String registryUrl() {
        return platform.registryUrl();
    }

    Admin admin() {
        return platform.admin();
    }

    /** An in-process instance's configuration: auth off (security has its own ITs), at-least-once for quick commits. */
    TriageConfig config(String applicationId, Path stateDir, int standbys) {
        return new TriageConfig(StreamsSettings.builder().bootstrapServers(platform.bootstrapServers()).registry(platform.registryUrl())
            .http("127.0.0.1", 0).advertisedHost("127.0.0.1").applicationId(applicationId).stateDir(stateDir).standbyReplicas(standbys)
            .override(AuthSettings.AUTH_ENABLED_CONFIG, "false").appConfig());
    }

    /** The environment of a child-process instance, as an operator would set it. */
    Map<String, String> environment(String applicationId, Path stateDir, int port, int standbys) {
        Map<String, String> env = new HashMap<>();
        env.put("CAREFLOW_KAFKA_BOOTSTRAP_SERVERS", platform.bootstrapServers());
        env.put("CAREFLOW_REGISTRY_URL", platform.registryUrl());
        env.put("CAREFLOW_HTTP_HOST", "127.0.0.1");
        env.put("CAREFLOW_HTTP_PORT", Integer.toString(port));
        env.put("CAREFLOW_HTTP_ADVERTISED_HOST", "127.0.0.1");
        env.put("CAREFLOW_APPLICATION_ID", applicationId);
        env.put("CAREFLOW_STATE_DIR", stateDir.toString());
        env.put("CAREFLOW_NUM_STANDBY_REPLICAS", Integer.toString(standbys));
        env.put("CAREFLOW_AUTH_ENABLED", "false");
        return env;
    }

    /** Starts streams-triage in its own JVM with the production logging, its output in {@code log}. */
    static Process startChild(Map<String, String> env, Path log) {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m", "-Dlog4j2.configurationFile=log4j2.xml",
            "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager",
            "-cp", System.getProperty("java.class.path"), TriageApp.class.getName());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            return builder.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sends one submission per patient, {@code patient-0} ... (synthetic ids), each with submission id {@code sub-<i>}. */
    void submitPatients(int count) {
        Instant now = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), "patient-" + i,
                    TriageFixtures.submission("sub-" + i, "patient-" + i, now, TriageFixtures.exampleVitals())));
            }
            producer.flush();
        }
    }

    private KafkaProducer<String, SpecificRecord> avroProducer() {
        return TriageFixtures.avroProducer(platform.bootstrapServers(), platform.registryUrl());
    }

    /** GET on an instance; throws the I/O failure (a refused connection is an answer the tests look at). */
    HttpResponse<String> get(int port, String path) throws java.io.IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        platform.close();
    }
}
