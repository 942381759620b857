package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.facilities.OnCallAlertRouted;
import org.careflow.events.facilities.OnCallRouting;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.triage.AssessmentSummary;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.DeteriorationReason;
import org.careflow.events.triage.RiskBand;
import org.careflow.platform.embedded.Await;
import org.careflow.security.Role;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 4 and the on-call part of item 8, against the whole local stack with real tokens: facilities are
 * master data, so a write naming one careflow does not serve is refused and writes nothing, patients self-triage only
 * where the facility accepts it, an alert for a facility that is not registered pages nobody (a recorded outcome), and
 * an on-call webhook is never plain http or an internal address. Each case names the invariant it checks.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FacilitiesSecurityIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String OPEN = "f-sec-open";
    private static final String STAFF_ONLY = "f-sec-staff-only";
    private static final String PAGED = "f-sec-paged";
    private static final String UNKNOWN = "f-sec-nowhere";

    private final HttpClient http = HttpClient.newHttpClient();
    private LocalStack stack;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        stack = LocalStack.start(StackOptions.ephemeral(dataDir));
        HttpCalls.actAs(stack.auth());
        HttpCalls.registerFacilities(stack.ingestUrl(), OPEN);
        assertThat(put("/v1/facilities/" + STAFF_ONLY, "{\"name\": \"Staff only\", \"acceptsSelfTriage\": false}").statusCode())
            .isEqualTo(202);
        assertThat(put("/v1/facilities/" + PAGED, """
            {"name": "Paged ward", "onCallContacts": [{"channel": "EMAIL", "address": "oncall@example.org"}]}
            """).statusCode()).isEqualTo(202);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        http.close();
    }

    @Test
    void shouldRefuseATriageForAFacilityThatDoesNotExistAndWriteNothingWhenPostedSinglyOrInABatch() throws Exception {
        // Invariant: a write naming a facility careflow does not serve is 422 naming the field, and nothing is recorded
        String integration = stack.auth().token(Role.INTEGRATION, Set.of(UNKNOWN, OPEN), null);

        HttpResponse<String> single = call("POST", "/v1/triage-submissions", submission("s-ghost", "p-sec-ghost", UNKNOWN), integration);
        HttpResponse<String> batch = call("POST", "/v1/triage-submissions:batch",
            "[" + submission("s-ghost-2", "p-sec-ghost-2", UNKNOWN) + "," + submission("s-real", "p-sec-real", OPEN) + "]", integration);

        assertThat(single.statusCode()).as(single.body()).isEqualTo(422);
        assertThat(HttpCalls.json(single.body()).at("/errors/0/field").asText()).isEqualTo("/facilityId");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(207);
        JsonNode results = HttpCalls.json(batch.body()).get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(422);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(202);
        // The accepted item is scored; by then the refused ones would have been too, had they been written.
        Await.until("the accepted item's assessment", DEADLINE, () -> triageOf("p-sec-real").statusCode() == 200);
        assertThat(triageOf("p-sec-ghost").statusCode()).isEqualTo(404);
        assertThat(triageOf("p-sec-ghost-2").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseAPatientsOwnTriageWhenTheFacilityDoesNotAcceptSelfTriageButNotItsIntegrations() throws Exception {
        // Invariant: self-triage is a facility setting; integration submissions are not affected by it
        String patient = stack.auth().token(Role.PATIENT, Set.of(), "p-sec-self");
        String integration = stack.auth().token(Role.INTEGRATION, Set.of(STAFF_ONLY), null);

        HttpResponse<String> own = call("POST", "/v1/triage-submissions", submission("s-self", "p-sec-self", STAFF_ONLY), patient);
        HttpResponse<String> open = call("POST", "/v1/triage-submissions", submission("s-self-open", "p-sec-self", OPEN), patient);
        HttpResponse<String> staff = call("POST", "/v1/triage-submissions", submission("s-staff", "p-sec-staff", STAFF_ONLY), integration);

        assertThat(own.statusCode()).as(own.body()).isEqualTo(403);
        assertThat(HttpCalls.json(own.body()).at("/errors/0/field").asText()).isEqualTo("/facilityId");
        assertThat(open.statusCode()).as(open.body()).isEqualTo(202);
        assertThat(staff.statusCode()).as(staff.body()).isEqualTo(202);
    }

    @Test
    void shouldPageNobodyAndRecordTheOutcomeWhenAnAlertNamesAFacilityThatIsNotRegistered() {
        // Invariant: on-call paging only ever goes to a registered facility's contacts (no fallback for an unknown one)
        String ghost = "alert-ghost-" + UUID.randomUUID();
        String real = "alert-paged-" + UUID.randomUUID();
        produce(Topics.TRIAGE_ALERTS, UNKNOWN, alert(ghost, UNKNOWN));
        produce(Topics.TRIAGE_ALERTS, PAGED, alert(real, PAGED));

        Map<String, OnCallAlertRouted> routed = new HashMap<>();
        List<OutboundNotification> notifications = new ArrayList<>();
        try (KafkaConsumer<String, OnCallAlertRouted> outcomes = consumer(Topics.ONCALL_ALERT_OUTCOMES);
             KafkaConsumer<String, OutboundNotification> outbound = consumer(Topics.OUTBOUND_NOTIFICATIONS)) {
            Await.until("both alerts routed", DEADLINE, () -> {
                outcomes.poll(Duration.ofMillis(200)).forEach(r -> routed.put(r.value().getAlertEventId(), r.value()));
                return routed.containsKey(ghost) && routed.containsKey(real);
            });
            // The paged alert's notification is written in the same transaction as its outcome.
            Await.until("the paged alert's notification", DEADLINE, () -> {
                for (ConsumerRecord<String, OutboundNotification> r : outbound.poll(Duration.ofMillis(200))) {
                    notifications.add(r.value());
                }
                return notifications.stream().anyMatch(n -> PAGED.equals(n.getFacilityId()));
            });
        }
        assertThat(routed.get(ghost).getOutcome()).isEqualTo(OnCallRouting.FACILITY_UNKNOWN);
        assertThat(routed.get(ghost).getNotificationIds()).isEmpty();
        assertThat(routed.get(real).getOutcome()).isEqualTo(OnCallRouting.PAGED);
        assertThat(notifications).noneMatch(n -> UNKNOWN.equals(n.getFacilityId()));
        assertThat(notifications).filteredOn(n -> PAGED.equals(n.getFacilityId()))
            .extracting(OutboundNotification::getRecipientAddress).containsExactly("oncall@example.org");
    }

    @Test
    void shouldRefuseAnOnCallWebhookAtPlainHttpOrAnInternalAddressAndRegisterNothing() {
        // Invariant: on-call webhooks are https to a public host unless the operator allow-lists the host
        for (String url : List.of("http://pager.example.org/hook", "https://127.0.0.1/hook", "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook", "https://10.0.0.8/hook")) {
            HttpResponse<String> response = put("/v1/facilities/f-sec-webhook", """
                {"name": "Webhook ward", "onCallContacts": [{"channel": "WEBHOOK", "address": "%s"}]}
                """.formatted(url));
            assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(422);
            assertThat(HttpCalls.json(response.body()).at("/errors/0/field").asText()).isEqualTo("/onCallContacts/0/address");
        }
        assertThat(HttpCalls.get(stack.ingestUrl() + "/v1/facilities/f-sec-webhook").statusCode()).isEqualTo(404);
    }

    // ---- fixtures

    private static String submission(String submissionId, String patientId, String facilityId) {
        return """
            {"submissionId": "%s", "patientId": "%s", "facilityId": "%s", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "%s", "vitals": {"respiratoryRate": 16, "spo2": 97, "heartRate": 80}}
            """.formatted(submissionId, patientId, facilityId, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30));
    }

    private HttpResponse<String> triageOf(String patientId) {
        return HttpCalls.get(stack.triageUrl() + "/v1/patients/" + patientId + "/triage");
    }

    private HttpResponse<String> put(String path, String body) {
        return HttpCalls.sendUntilAccepted("PUT", stack.ingestUrl() + path, body);
    }

    private HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.ingestUrl() + path))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
            .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static DeteriorationAlert alert(String eventId, String facilityId) {
        Instant now = Instant.now();
        AssessmentSummary current = AssessmentSummary.newBuilder().setSubmissionId("s-" + eventId).setSubmittedAt(now)
            .setBand(RiskBand.HIGH).setScore(7).build();
        return DeteriorationAlert.newBuilder().setEventId(eventId).setOccurredAt(now).setFacilityId(facilityId)
            .setPatientId("p-" + eventId).setReasons(List.of(DeteriorationReason.BAND_ROSE)).setCurrent(current).build();
    }

    private <V> void produce(Topic<String, V> topic, String key, V value) {
        RegistryEventSerdes serdes = StackRegistry.serdes(stack);
        Map<String, Object> props = new HashMap<>(serdes.clientConfig());
        props.putAll(stack.kafkaClientProperties());
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(props, new StringSerializer(), serdes.valueSerde(topic).serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not write to " + topic.name(), e);
        }
    }

    private <V> KafkaConsumer<String, V> consumer(Topic<String, V> topic) {
        Map<String, Object> props = new HashMap<>(StackRegistry.serdes(stack).clientConfig());
        props.putAll(stack.kafkaClientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "facilities-security-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic.name()));
        return consumer;
    }
}
