package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.PatientContact;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.SecurityGate;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP contract of {@code PUT /v1/patients/{patientId}/contact} on a real server with Kafka's MockProducer (the broker path is NotificationsIngestIT). */
class PatientContactRoutesTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:16:00Z");
    private static final String CONTACT = """
        {"phone": "+447700900123", "email": "pat@example.org", "preferredChannel": "SMS", "language": "cy-GB",
         "timeZone": "Europe/London", "consent": {"granted": false, "at": "2026-11-21T09:00:00Z"}}
        """;

    private final HttpClient client = HttpClient.newHttpClient();
    private final Serializer<SpecificRecord> noopSerializer = (topic, value) -> new byte[0];
    private final FormCatalog forms = FormCatalog.fixed(List.of());
    private final FacilityCatalog facilities = TestFacilities.catalog();
    private MockProducer<String, SpecificRecord> producer;
    private Javalin server;

    private void start(boolean autoComplete) {
        producer = new MockProducer<>(autoComplete, null, new StringSerializer(), noopSerializer);
        EventPublisher publisher = new EventPublisher(producer, Duration.ofSeconds(2));
        IngestRoutes routes = new IngestRoutes(publisher, forms, facilities, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(64 * 1024).ready(publisher::healthy).gate(SecurityGate.disabled())
            .routes(routes::register).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        forms.close();
    }

    @Test
    void shouldPublishContactKeyedByPatientAndAnswer202WhenValid() throws Exception {
        // Given
        start(true);

        // When
        HttpResponse<String> response = put("p-123", CONTACT, "application/json");

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.properties().stream().map(java.util.Map.Entry::getKey).toList())
            .containsExactly("patientId", "status", "topic", "partition", "offset");
        assertThat(body.get("patientId").asText()).isEqualTo("p-123");
        assertThat(body.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(body.get("topic").asText()).isEqualTo(Topics.PATIENT_CONTACTS.name());
        assertThat(body.get("offset").asLong()).isZero();
        ProducerRecord<String, SpecificRecord> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.PATIENT_CONTACTS.name());
        assertThat(record.key()).isEqualTo("p-123");
        PatientContact written = (PatientContact) record.value();
        assertThat(written.getOccurredAt()).isEqualTo(NOW);
        assertThat(written.getPreferredChannel()).isEqualTo(Channel.SMS);
        assertThat(written.getConsent().getGranted()).isFalse();
        assertThat(written.getConsent().getSource()).isEqualTo(ConsentSource.API);
        assertThat(written.getConsent().getRevokedAt()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
        // Authentication is off here: no writer is recorded (SecuredIngestRoutesTest covers the writers)
        assertThat(written.getWrittenBy()).isNull();
        assertThat(written.getCallerFacilityIds()).isNull();
    }

    @Test
    void shouldAnswer400ListingEveryBadFieldAndWriteNothingWhenContactIsInvalid() throws Exception {
        start(true);
        String body = CONTACT.replace("+447700900123", "+44 7700 900123").replace("Europe/London", "+01:00")
            .replace(", \"at\": \"2026-11-21T09:00:00Z\"", "");

        HttpResponse<String> response = put("p 1", body, "application/json");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("errors").findValuesAsText("field"))
            .containsExactly("patientId", "/phone", "/timeZone", "/consent/at");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenContactIsNotJson() throws Exception {
        start(true);

        HttpResponse<String> response = put("p-123", CONTACT, "text/plain");

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaFailsTheContactWrite() throws Exception {
        // Given
        start(false);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Thread failer = Thread.ofVirtual().start(() -> {
            while (!producer.errorNext(new TimeoutException("no broker")) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        });

        // When
        HttpResponse<String> response = put("p-123", CONTACT, "application/json");
        failer.join();

        // Then
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).get("detail").asText())
            .endsWith("Retry the same PUT; the contact record published last replaces the others.");
    }

    private HttpResponse<String> put(String patientId, String body, String contentType) throws Exception {
        String path = IngestRoutes.PATIENT_CONTACT_PATH.replace("{patientId}", patientId.replace(" ", "%20"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
