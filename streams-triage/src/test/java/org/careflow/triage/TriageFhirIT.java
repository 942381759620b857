package org.careflow.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.config.StreamsAppConfig;
import org.careflow.config.StreamsSettings;
import org.careflow.events.security.AccessOutcome;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.VitalSigns;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.FhirResources;
import org.careflow.fhir.triage.TriageFhir;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.query.StreamsHttpApp;
import org.careflow.security.AuthSettings;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topics;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * streams-triage's FHIR interface on two secured instances over a real KRaft broker and Apicurio registry: every resource
 * it returns validates against base R4, the NEWS2 totals and bands equal the JSON API's, a missing vital sign is an
 * absent Observation and never a zero, the queue comes in the JSON queue's order, another facility's data never appears,
 * and what careflow does not support is refused with an OperationOutcome.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriageFhirIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String F1 = "F1";
    private static final String CLUSTER_SECRET = "triage-fhir-it-cluster-secret-0123456789abcdef";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ECKey key = JwtTestKit.ecKey("fhir-it");
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> patients = new ArrayList<>();
    private String partialPatient;
    private PlatformFixture platform;
    private StreamsHttpApp first;
    private StreamsHttpApp second;

    @BeforeAll
    void startPlatform(@TempDir Path dir) throws Exception {
        platform = PlatformFixture.catalogue(dir);
        Path keyFile = Files.writeString(dir.resolve("public-key.jwk.json"), key.toPublicJWK().toJSONString());
        String applicationId = "triage-fhir-it-" + run;
        first = TriageApp.start(config(applicationId, dir.resolve("state-1"), keyFile));
        second = TriageApp.start(config(applicationId, dir.resolve("state-2"), keyFile));
        Await.until("both instances running with tasks", DEADLINE, () -> hasActiveTasks(first) && hasActiveTasks(second));

        Instant now = Instant.now();
        List<VitalSigns> vitals = List.of(TriageFixtures.exampleVitals(), TriageFixtures.normalVitals(), TriageFixtures.mediumVitals(),
            TriageFixtures.lowVitals(), TriageFixtures.exampleVitals(), TriageFixtures.normalVitals());
        partialPatient = "partial-" + run;
        try (KafkaProducer<String, SpecificRecord> producer = TriageFixtures.avroProducer(platform.bootstrapServers(), platform.registryUrl())) {
            for (int i = 0; i < vitals.size(); i++) {
                String patient = "fp-" + run + "-" + i;
                patients.add(patient);
                producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), patient,
                    TriageFixtures.submission("sub-" + patient, patient, F1, now.minusSeconds(60 - i), vitals.get(i)))).get();
            }
            // Only the heart rate and consciousness measured.
            VitalSigns partial = VitalSigns.newBuilder().setHeartRate(95).setConsciousness(Consciousness.ALERT).build();
            producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), partialPatient,
                TriageFixtures.submission("sub-" + partialPatient, partialPatient, F1, now, partial))).get();
        }
        for (String patient : patients) {
            awaitOk("/v1/patients/" + patient + "/triage", clinician());
        }
        awaitOk("/v1/patients/" + partialPatient + "/triage", clinician());
    }

    @AfterAll
    void stopPlatform() {
        for (AutoCloseable c : new AutoCloseable[] {first, second, platform}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    void shouldPublishAValidCapabilityStatementListingExactlyWhatIsServed() {
        HttpResponse<String> response = get(first, "/fhir/R4/metadata", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/fhir+json"));
        assertThat(FhirResources.errors(response.body())).isEmpty();
        CapabilityStatement statement = FhirJson.parse(CapabilityStatement.class, response.body());
        assertThat(statement.getRestFirstRep().getResource()).extracting(CapabilityStatement.CapabilityStatementRestResourceComponent::getType)
            .containsExactlyElementsOf(TriageFhir.ALL.stream().map(s -> s.type()).toList());
        assertThat(statement.getRestFirstRep().getResource().get(0).getSearchParam()).extracting(p -> p.getName())
            .containsExactly("patient", "category", "code", "date");
    }

    @Test
    void shouldGiveTheSameNews2TotalAndBandAsTheJsonApiFromEitherInstance() {
        for (StreamsHttpApp instance : List.of(first, second)) {
            for (String patient : patients) {
                JsonNode json = json(get(instance, "/v1/patients/" + patient + "/triage", clinician()).body());
                Bundle observations = bundle(get(instance, "/fhir/R4/Observation?patient=" + patient, clinician()));
                Bundle risks = bundle(get(instance, "/fhir/R4/RiskAssessment?patient=Patient/" + patient, clinician()));

                assertThat(FhirResources.errors(observations)).isEmpty();
                assertThat(FhirResources.errors(risks)).isEmpty();
                Observation news2 = observations.getEntry().stream().map(e -> (Observation) e.getResource())
                    .filter(o -> o.getCode().getCodingFirstRep().getCode().equals("1104051000000101")).findFirst().orElseThrow();
                assertThat(news2.getValueQuantity().getValue().intValue()).isEqualTo(json.get("news2Total").asInt());
                assertThat(observations.getTotal()).isEqualTo(8);
                RiskAssessment risk = (RiskAssessment) risks.getEntryFirstRep().getResource();
                assertThat(risk.getPredictionFirstRep().getQualitativeRisk().getCodingFirstRep().getCode()).isEqualTo(json.get("band").asText());
            }
        }
    }

    @Test
    void shouldLeaveAMissingVitalSignOutRatherThanScoreItZero() {
        Bundle observations = bundle(get(second, "/fhir/R4/Observation?patient=" + partialPatient, clinician()));

        assertThat(FhirResources.errors(observations)).isEmpty();
        List<Observation> all = observations.getEntry().stream().map(e -> (Observation) e.getResource()).toList();
        assertThat(all).extracting(o -> o.getCode().getCodingFirstRep().getCode())
            .containsExactlyInAnyOrder("1104051000000101", "8867-4", "1104441000000107");
        Observation news2 = all.get(0);
        assertThat(news2.getComponent().stream().filter(c -> c.hasDataAbsentReason())).hasSize(5);
        assertThat(news2.getComponent().stream().filter(c -> c.hasValueQuantity())).hasSize(2);
    }

    @Test
    void shouldFilterObservationsByCategoryAndCodeAndPageThem() {
        String patient = patients.get(0);

        Bundle vitalSigns = bundle(get(first, "/fhir/R4/Observation?patient=" + patient + "&category=vital-signs", clinician()));
        Bundle respiratoryRate = bundle(get(first, "/fhir/R4/Observation?patient=" + patient + "&code=http://loinc.org%7C9279-1", clinician()));
        Bundle page = bundle(get(first, "/fhir/R4/Observation?patient=" + patient + "&_count=3", clinician()));

        assertThat(vitalSigns.getTotal()).isEqualTo(7);
        assertThat(respiratoryRate.getTotal()).isEqualTo(1);
        assertThat(page.getEntry()).hasSize(3);
        String next = page.getLink("next").getUrl();
        Bundle second = bundle(get(first, next.substring(next.indexOf("/fhir/")), clinician()));
        assertThat(second.getEntry()).hasSize(3);
        assertThat(second.getEntryFirstRep().getFullUrl()).isNotEqualTo(page.getEntryFirstRep().getFullUrl());
    }

    @Test
    void shouldAnswerAnotherFacilitysClinicianWithNothingAndAuditTheDenial() {
        String subject = "fhir-denied-" + UUID.randomUUID();
        String otherFacility = JwtTestKit.mint(key).subject(subject).role(Role.CLINICIAN).facilities("F9").sign();

        for (StreamsHttpApp instance : List.of(first, second)) {
            for (String patient : patients) {
                HttpResponse<String> response = get(instance, "/fhir/R4/Observation?patient=" + patient, otherFacility);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(bundle(response).getTotal()).isZero();
                assertThat(response.body()).doesNotContain("1104051000000101");
            }
            HttpResponse<String> queue = get(instance, "/fhir/R4/Encounter?service-provider=" + F1, otherFacility);
            assertThat(queue.statusCode()).isEqualTo(403);
            assertThat(FhirJson.parse(OperationOutcome.class, queue.body()).getIssueFirstRep().getCode())
                .isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
        }
        Await.until("the denied searches audited as denials", DEADLINE,
            () -> audits(subject).stream().filter(a -> a.getOutcome() == AccessOutcome.DENIED).count() >= 2L * patients.size());
    }

    @Test
    void shouldGiveTheQueueAsTriagedEncountersInTheJsonQueuesOrder() {
        JsonNode queue = json(get(first, "/v1/facilities/" + F1 + "/queue?limit=1000", clinician()).body());
        List<String> jsonOrder = new ArrayList<>();
        queue.get("entries").forEach(e -> jsonOrder.add(e.get("patientId").asText()));

        Bundle encounters = bundle(get(second, "/fhir/R4/Encounter?service-provider=Organization/" + F1 + "&status=triaged&_count=200", clinician()));

        assertThat(FhirResources.errors(encounters)).isEmpty();
        assertThat(encounters.getEntry()).extracting(e -> ((Encounter) e.getResource()).getSubject().getIdentifier().getValue())
            .containsExactlyElementsOf(jsonOrder);
        assertThat(encounters.getTotal()).isEqualTo(queue.get("waiting").asInt());
    }

    @Test
    void shouldLetASmartScopedTokenReadOnlyWhatItsScopesGrant() {
        String riskOnly = JwtTestKit.mint(key).role(Role.CLINICIAN).facilities(F1).claim("scope", "openid user/RiskAssessment.rs").sign();
        String patient = patients.get(1);

        for (StreamsHttpApp instance : List.of(first, second)) {
            assertThat(bundle(get(instance, "/fhir/R4/RiskAssessment?patient=" + patient, riskOnly)).getTotal()).isEqualTo(1);
            HttpResponse<String> observations = get(instance, "/fhir/R4/Observation?patient=" + patient, riskOnly);
            assertThat(observations.statusCode()).isEqualTo(403);
            assertThat(observations.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
            assertThat(get(instance, "/v1/patients/" + patient + "/triage", riskOnly).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void shouldServeTriageFormsAsValidQuestionnaires() {
        HttpResponse<String> read = get(first, "/fhir/R4/Questionnaire/general-v1.1", clinician());
        Bundle search = bundle(get(second, "/fhir/R4/Questionnaire?facility=" + F1, clinician()));

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(FhirResources.errors(read.body())).isEmpty();
        assertThat(search.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).contains("general-v1.1");
        assertThat(get(first, "/fhir/R4/Questionnaire/general-v1.99", clinician()).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseWhatIsNotSupportedWithAnOperationOutcomeNamingIt() {
        HttpResponse<String> modifier = get(first, "/fhir/R4/Observation?patient=" + patients.get(0) + "&code:text=rate&_sort=date", clinician());
        HttpResponse<String> withoutPatient = get(first, "/fhir/R4/Observation?category=vital-signs", clinician());
        HttpResponse<String> badDate = get(first, "/fhir/R4/RiskAssessment?patient=p&date=sa2026-01-01", clinician());

        assertThat(modifier.statusCode()).isEqualTo(400);
        OperationOutcome outcome = FhirJson.parse(OperationOutcome.class, modifier.body());
        assertThat(FhirResources.errors(modifier.body())).isEmpty();
        assertThat(outcome.getIssue()).hasSize(2).allSatisfy(i -> assertThat(i.getCode()).isEqualTo(OperationOutcome.IssueType.NOTSUPPORTED));
        assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getExpression()).extracting(Object::toString).containsExactly("Observation.code"));
        assertThat(withoutPatient.statusCode()).isEqualTo(400);
        assertThat(FhirJson.parse(OperationOutcome.class, withoutPatient.body()).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.INVALID);
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(get(first, "/fhir/R4/Observation?patient=" + patients.get(0), null).statusCode()).isEqualTo(401);
    }

    // --- helpers ---

    private TriageConfig config(String applicationId, Path stateDir, Path keyFile) {
        Map<String, Object> props = StreamsSettings.builder().bootstrapServers(platform.bootstrapServers()).registry(platform.registryUrl())
            .http("127.0.0.1", 0).advertisedHost("127.0.0.1").applicationId(applicationId).stateDir(stateDir).appConfig();
        props.put(AuthSettings.JWT_ISSUER_CONFIG, JwtTestKit.ISSUER);
        props.put(AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG, keyFile.toString());
        props.put(AuthSettings.JWT_AUDIENCE_CONFIG, JwtTestKit.AUDIENCE);
        props.put(AuthSettings.RATE_LIMIT_ENABLED_CONFIG, "false");
        props.put(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG, CLUSTER_SECRET);
        return new TriageConfig(props);
    }

    private String clinician() {
        return JwtTestKit.mint(key).role(Role.CLINICIAN).facilities(F1).sign();
    }

    private static boolean hasActiveTasks(StreamsHttpApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
            && app.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }

    private void awaitOk(String path, String token) {
        Await.until("200 from " + path, DEADLINE, () -> get(first, path, token).statusCode() == 200);
    }

    private static Bundle bundle(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return FhirJson.parse(Bundle.class, response.body());
    }

    private List<DataAccessAudit> audits(String subject) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, DataAccessAudit> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
            new RegistryEventSerdes(platform.registryUrl(), false).valueSerde(Topics.AUDIT_EVENTS).deserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.AUDIT_EVENTS.name())) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<DataAccessAudit> found = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, DataAccessAudit> r : consumer.poll(Duration.ofMillis(200))) {
                    if (subject.equals(r.value().getSubject())) {
                        found.add(r.value());
                    }
                }
            }
            return found;
        }
    }

    private HttpResponse<String> get(StreamsHttpApp instance, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return HttpServerFactory.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }
}
