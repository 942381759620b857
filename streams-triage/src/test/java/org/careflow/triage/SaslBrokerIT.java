package org.careflow.triage;

import org.careflow.query.StreamsHttpApp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.careflow.config.StreamsSettings;
import org.careflow.config.CommonConfig;
import org.careflow.config.StreamsAppConfig;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.security.AuthSettings;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * streams-triage against a broker whose client listener asks for a SASL login (SASL_PLAINTEXT, PLAIN): with
 * {@code kafka.security.protocol}, {@code kafka.sasl.mechanism} and {@code kafka.sasl.jaas.config} set, every Kafka client
 * of the app logs in — Kafka Streams' consumers, producers and admin client (it scores a submission and serves it) and
 * the audit producer (the read is answered only once its audit event is acknowledged) — while a wrong password is
 * refused by the same listener.
 */
@Tag("integration")
class SaslBrokerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String APP_USER = "careflow-triage";
    private static final String APP_PASSWORD = "triage-" + UUID.randomUUID();

    @Test
    void shouldScoreAndServeASubmissionWhenEveryClientLogsInOverSasl(@TempDir Path dir) throws Exception {
        // Given: a broker whose SASL listener knows the app's user, with topics and schemas in place
        try (PlatformFixture platform = PlatformFixture.builder(dir).broker(b -> b.saslPlainUsers(Map.of(APP_USER, APP_PASSWORD)))
                 .topics(Topics.all()).registerSchemas().start()) {
            ECKey key = JwtTestKit.ecKey("sasl-it");
            Path keyFile = Files.writeString(dir.resolve("public-key.jwk.json"), key.toPublicJWK().toJSONString());

            // ... and the app given only the SASL listener and its login
            Map<String, Object> props = StreamsSettings.builder().bootstrapServers(platform.broker().saslBootstrapServers()).registry(platform.registryUrl())
                .http("127.0.0.1", 0).advertisedHost("127.0.0.1").applicationId("sasl-it-" + UUID.randomUUID())
                .stateDir(dir.resolve("state")).appConfig();
            props.put(CommonConfig.KAFKA_SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            props.put(CommonConfig.KAFKA_SASL_MECHANISM_CONFIG, "PLAIN");
            props.put(CommonConfig.KAFKA_SASL_JAAS_CONFIG, jaas(APP_USER, APP_PASSWORD));
            props.put(AuthSettings.JWT_ISSUER_CONFIG, JwtTestKit.ISSUER);
            props.put(AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG, keyFile.toString());
            props.put(AuthSettings.RATE_LIMIT_ENABLED_CONFIG, "false");
            props.put(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG, "sasl-broker-it-cluster-secret-0123456789abcdef");
            try (StreamsHttpApp app = TriageApp.start(new TriageConfig(props))) {
                String patient = "pt-sasl-" + UUID.randomUUID();

                // When: a submission arrives
                try (KafkaProducer<String, SpecificRecord> producer = TriageFixtures.avroProducer(platform.bootstrapServers(), platform.registryUrl())) {
                    producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), patient, TriageFixtures.submission("sub-" + patient,
                        patient, "F1", Instant.now(), TriageFixtures.normalVitals()))).get();
                }

                // Then: the app scored it and answers the patient, which needs the audit producer's acknowledgement too
                String token = JwtTestKit.mint(key).role(Role.PATIENT).patient(patient).facilities().sign();
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest read = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/patients/" + patient
                    + "/triage")).header("Authorization", "Bearer " + token).GET().build();
                String body = Await.value("the patient's assessment", DEADLINE, () -> {
                    try {
                        HttpResponse<String> response = http.send(read, HttpResponse.BodyHandlers.ofString());
                        return response.statusCode() == 200 ? response.body() : null;
                    } catch (java.io.IOException e) {
                        return null;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(body).contains(patient).contains("sub-" + patient);
            }

            // And: the listener the app used refuses a wrong password
            try (Admin intruder = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.broker().saslBootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT", SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, jaas(APP_USER, "not-the-password")))) {
                assertThatThrownBy(() -> intruder.listTopics().names().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }
}
