package org.careflow.triage;

import org.careflow.query.StreamsHttpApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.config.StreamsSettings;
import org.careflow.config.StreamsAppConfig;
import org.careflow.events.security.AccessOutcome;
import org.careflow.events.security.AccessRole;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedKafkaBroker;
import org.careflow.platform.embedded.EmbeddedRegistry;
import org.careflow.http.HttpServerFactory;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.query.InstanceCredentials;
import org.careflow.query.InteractiveQueryService;
import org.careflow.security.AuthSettings;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.query.TriageQueryRoutes;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * streams-triage's query routes with authentication on: two instances on a real KRaft broker and Apicurio registry, so
 * that some keys are answered locally and others forwarded. Proves the role and scope rules per route (allowed, other
 * facility, other patient, clinician history filtering), that forwarding never widens access (the owner checks again,
 * and its refusal reaches the caller), and that reads are audited once, by the instance that read the store.
 *
 * <p>Instance {@code first} accepts audience {@code careflow} only; {@code second} also accepts {@code ward}, so a
 * {@code ward} token is good at {@code second} and refused by {@code first} when {@code second} forwards to it. Both share
 * a cluster secret: forwarding headers are accepted, and recorded as provenance, only with an instance credential made with it.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredQueryRoutesIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int PATIENTS = 12;
    private static final String F1 = "F1";
    private static final String F2 = "F2";
    private static final String WARD_AUDIENCE = "ward";
    private static final String CLUSTER_SECRET = "secured-query-routes-it-cluster-secret-0123456789";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ECKey key = JwtTestKit.ecKey("secured-it");
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> f1Patients = new ArrayList<>();
    private String mixedPatient;
    private PlatformFixture platform;
    private StreamsHttpApp first;
    private StreamsHttpApp second;

    @BeforeAll
    void startPlatform(@TempDir Path dir) throws Exception {
        platform = PlatformFixture.catalogue(dir);
        Path keyFile = Files.writeString(dir.resolve("public-key.jwk.json"), key.toPublicJWK().toJSONString());
        String applicationId = "secured-triage-it-" + run;
        first = TriageApp.start(config(applicationId, dir.resolve("state-1"), keyFile, JwtTestKit.AUDIENCE));
        second = TriageApp.start(config(applicationId, dir.resolve("state-2"), keyFile, JwtTestKit.AUDIENCE + "," + WARD_AUDIENCE));
        Await.until("both instances running with tasks", DEADLINE, () -> hasActiveTasks(first) && hasActiveTasks(second));

        // Patients assessed at F1 only, and one assessed at F1 and later at F2.
        Instant now = Instant.now();
        mixedPatient = "mixed-" + run;
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            for (int i = 0; i < PATIENTS; i++) {
                String patient = "pt-" + run + "-" + i;
                f1Patients.add(patient);
                producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), patient,
                    TriageFixtures.submission("sub-" + patient, patient, F1, now, TriageFixtures.normalVitals()))).get();
            }
            producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), mixedPatient,
                TriageFixtures.submission("sub-a-" + mixedPatient, mixedPatient, F1, now.minusSeconds(600), TriageFixtures.normalVitals()))).get();
            producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), mixedPatient,
                TriageFixtures.submission("sub-b-" + mixedPatient, mixedPatient, F2, now, TriageFixtures.exampleVitals()))).get();
        }
        for (String patient : f1Patients) {
            awaitOk(first, "/v1/patients/" + patient + "/triage", patientToken(patient));
        }
        Await.until("both assessments of the mixed patient", DEADLINE, () -> {
            HttpResponse<String> r = get(first, "/v1/patients/" + mixedPatient + "/triage/history", patientToken(mixedPatient), Map.of());
            return r.statusCode() == 200 && json(r.body()).get("assessments").size() == 2;
        });
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
    void shouldAnswerClinicianOfTheFacilityFromBothInstancesWhenKeysAreLocalOrRemote() {
        // Given: the patients are owned by both instances, so both the local and the forwarded path are used
        assertThat(f1Patients.stream().map(this::owner).distinct()).containsExactlyInAnyOrder(host(first), host(second));
        String clinician = token(Role.CLINICIAN, F1);

        // When / Then
        for (StreamsHttpApp instance : List.of(first, second)) {
            for (String patient : f1Patients) {
                HttpResponse<String> response = get(instance, "/v1/patients/" + patient + "/triage", clinician, Map.of());
                assertThat(response.statusCode()).as("clinician of F1 on port %s", instance.port()).isEqualTo(200);
                assertThat(json(response.body()).get("patientId").asText()).isEqualTo(patient);
            }
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("Foreign and unknown answer the same: another facility's clinician gets the 404 of a patient never seen")
    void shouldAnswerClinicianOfAnotherFacilityAsForAnUnknownPatientWhenKeysAreLocalOrRemote() {
        String otherFacility = token(Role.CLINICIAN, "F9");

        for (StreamsHttpApp instance : List.of(first, second)) {
            HttpResponse<String> unknown = get(instance, "/v1/patients/nobody-" + UUID.randomUUID() + "/triage", otherFacility, Map.of());
            assertThat(unknown.statusCode()).isEqualTo(404);
            for (String patient : f1Patients) {
                HttpResponse<String> response = get(instance, "/v1/patients/" + patient + "/triage", otherFacility, Map.of());
                assertThat(response.statusCode()).isEqualTo(404);
                assertThat(response.body()).doesNotContain("\"score\"").isEqualTo(unknown.body());
            }
            assertThat(get(instance, "/v1/facilities/" + F1 + "/queue", otherFacility, Map.of()).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void shouldAnswerPatientOwnDataAndRefuseAnotherPatientsWhenKeysAreLocalOrRemote() {
        String patient = f1Patients.get(0);
        String other = f1Patients.get(1);

        for (StreamsHttpApp instance : List.of(first, second)) {
            HttpResponse<String> own = get(instance, "/v1/patients/" + patient + "/triage", patientToken(patient), Map.of());
            HttpResponse<String> foreign = get(instance, "/v1/patients/" + other + "/triage", patientToken(patient), Map.of());
            HttpResponse<String> ownHistory = get(instance, "/v1/patients/" + patient + "/triage/history", patientToken(patient), Map.of());

            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(ownHistory.statusCode()).isEqualTo(200);
            assertThat(foreign.statusCode()).isEqualTo(403);
            assertThat(foreign.body()).doesNotContain("\"score\"");
            assertThat(get(instance, "/v1/facilities/" + F1 + "/queue", patientToken(patient), Map.of()).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void shouldRefuseSchedulerAndOpsAndAnswer401WithoutTokenWhenReadingTriage() {
        String patient = f1Patients.get(2);

        for (StreamsHttpApp instance : List.of(first, second)) {
            assertThat(get(instance, "/v1/patients/" + patient + "/triage", token(Role.SCHEDULER, F1), Map.of()).statusCode()).isEqualTo(403);
            assertThat(get(instance, "/v1/patients/" + patient + "/triage", token(Role.OPS), Map.of()).statusCode()).isEqualTo(403);
            assertThat(get(instance, "/v1/facilities/" + F1 + "/queue", token(Role.SCHEDULER, F1), Map.of()).statusCode()).isEqualTo(403);
            HttpResponse<String> anonymous = get(instance, "/v1/patients/" + patient + "/triage", null, Map.of());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"careflow\"");
            // Any authenticated role reads form versions; the queue of one's own facility is open to its clinicians.
            assertThat(get(instance, "/v1/forms/general-v1", token(Role.SCHEDULER, F1), Map.of()).statusCode()).isEqualTo(200);
            assertThat(get(instance, "/v1/facilities/" + F1 + "/queue", token(Role.CLINICIAN, F1), Map.of()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldShowCliniciansOnlyTheAssessmentsOfTheirFacilitiesWhenReadingHistory() {
        for (StreamsHttpApp instance : List.of(first, second)) {
            // When
            JsonNode f1View = json(awaitOk(instance, "/v1/patients/" + mixedPatient + "/triage/history", token(Role.CLINICIAN, F1)));
            JsonNode f2Latest = json(awaitOk(instance, "/v1/patients/" + mixedPatient + "/triage", token(Role.CLINICIAN, F2)));
            JsonNode f1Latest = json(awaitOk(instance, "/v1/patients/" + mixedPatient + "/triage", token(Role.CLINICIAN, F1)));
            JsonNode both = json(awaitOk(instance, "/v1/patients/" + mixedPatient + "/triage/history", token(Role.CLINICIAN, F1, F2)));
            HttpResponse<String> none = get(instance, "/v1/patients/" + mixedPatient + "/triage/history", token(Role.CLINICIAN, "F9"), Map.of());

            // Then
            assertThat(f1View.get("assessments")).hasSize(1);
            assertThat(f1View.at("/assessments/0/submissionId").asText()).isEqualTo("sub-a-" + mixedPatient);
            assertThat(f1Latest.get("submissionId").asText()).isEqualTo("sub-a-" + mixedPatient);
            assertThat(f2Latest.get("submissionId").asText()).isEqualTo("sub-b-" + mixedPatient);
            assertThat(both.get("assessments")).hasSize(2);
            assertThat(none.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldPassTheOwnersRefusalAndNoDataWhenTheOwnerRejectsAForwardedToken() {
        // Given: a token only the second instance accepts
        String ward = JwtTestKit.mint(key).audience(WARD_AUDIENCE).role(Role.CLINICIAN).facilities(F1).sign();
        String ownedByFirst = f1Patients.stream().filter(p -> owner(p).equals(host(first))).findFirst().orElseThrow();
        String ownedBySecond = f1Patients.stream().filter(p -> owner(p).equals(host(second))).findFirst().orElseThrow();

        // When
        HttpResponse<String> forwarded = get(second, "/v1/patients/" + ownedByFirst + "/triage", ward, Map.of());
        HttpResponse<String> local = get(second, "/v1/patients/" + ownedBySecond + "/triage", ward, Map.of());
        HttpResponse<String> direct = get(first, "/v1/patients/" + ownedBySecond + "/triage", ward, Map.of());

        // Then: the owner's 401 and its challenge reach the caller, with no data; the accepting owner answers
        assertThat(forwarded.statusCode()).isEqualTo(401);
        assertThat(forwarded.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        assertThat(forwarded.body()).doesNotContain("\"score\"").doesNotContain(ownedByFirst);
        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(direct.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAuditAForwardedReadOnceByTheOwnerWhenTheCallerIsAllowed() {
        // Given: a patient owned by the first instance, asked at the second
        String patient = f1Patients.stream().filter(p -> owner(p).equals(host(first))).findFirst().orElseThrow();
        String subject = "audit-allowed-" + UUID.randomUUID();
        String token = JwtTestKit.mint(key).subject(subject).role(Role.CLINICIAN).facilities(F1).sign();

        // When
        HttpResponse<String> response = get(second, "/v1/patients/" + patient + "/triage", token, Map.of());

        // Then: answered only after the audit event was acknowledged, so it is in the log already, exactly once
        assertThat(response.statusCode()).isEqualTo(200);
        List<DataAccessAudit> events = auditsSoFar(e -> subject.equals(e.getSubject()));
        assertThat(events).hasSize(1);
        DataAccessAudit event = events.get(0);
        assertThat(event.getOutcome()).isEqualTo(AccessOutcome.ALLOWED);
        assertThat(event.getStatus()).isEqualTo(200);
        assertThat(event.getRole()).isEqualTo(AccessRole.CLINICIAN);
        assertThat(event.getPatientId()).isEqualTo(patient);
        assertThat(event.getFacilityIds()).containsExactly(F1);
        assertThat(event.getEndpoint()).isEqualTo(TriageQueryRoutes.PATIENT_TRIAGE_PATH);
        assertThat(event.getEndpointClass()).isEqualTo("PATIENT_TRIAGE_READ");
        assertThat(event.getMethod()).isEqualTo("GET");
        assertThat(event.getApp()).isEqualTo("streams-triage");
        assertThat(event.getInstance()).isEqualTo("127.0.0.1:" + first.port());
        assertThat(event.getForwardedBy()).isEqualTo("127.0.0.1:" + second.port());
        assertThat(event.getTokenId()).isNotBlank();
        assertThat(event.toString()).doesNotContain(token);
    }

    @Test
    void shouldAuditDeniedAndNotFoundReadsOnTheOwnerWhenTheyAnswerNoData() {
        // Given
        String patient = f1Patients.stream().filter(p -> owner(p).equals(host(second))).findFirst().orElseThrow();
        String unknown = "nobody-" + UUID.randomUUID();
        String deniedSubject = "audit-denied-" + UUID.randomUUID();
        String missingSubject = "audit-missing-" + UUID.randomUUID();

        // When
        HttpResponse<String> denied = get(first, "/v1/patients/" + patient + "/triage",
            JwtTestKit.mint(key).subject(deniedSubject).role(Role.CLINICIAN).facilities(F2).sign(), Map.of());
        HttpResponse<String> missing = get(first, "/v1/patients/" + unknown + "/triage",
            JwtTestKit.mint(key).subject(missingSubject).role(Role.CLINICIAN).facilities(F1).sign(), Map.of());

        // Then
        assertThat(denied.statusCode()).isEqualTo(404);
        assertThat(denied.body()).isEqualTo(missing.body());
        assertThat(missing.statusCode()).isEqualTo(404);
        DataAccessAudit deniedEvent = awaitAudit(e -> deniedSubject.equals(e.getSubject()));
        assertThat(deniedEvent.getOutcome()).isEqualTo(AccessOutcome.DENIED);
        assertThat(deniedEvent.getStatus()).isEqualTo(404);
        assertThat(deniedEvent.getReason()).isEqualTo("facility-out-of-scope");
        assertThat(deniedEvent.getPatientId()).isEqualTo(patient);
        assertThat(deniedEvent.getInstance()).isEqualTo("127.0.0.1:" + second.port());
        DataAccessAudit missingEvent = awaitAudit(e -> missingSubject.equals(e.getSubject()));
        assertThat(missingEvent.getOutcome()).isEqualTo(AccessOutcome.NOT_FOUND);
        assertThat(missingEvent.getStatus()).isEqualTo(404);
        assertThat(missingEvent.getPatientId()).isEqualTo(unknown);
    }

    @Test
    void shouldRefuseWithoutDataOrAuditWhenAClientSendsTheForwardingHeaders() {
        // Given: a client with a good token pretending to be a forwarding instance, asking the owner directly
        String patient = f1Patients.stream().filter(p -> owner(p).equals(host(first))).findFirst().orElseThrow();
        String subject = "audit-spoof-" + UUID.randomUUID();
        String token = JwtTestKit.mint(key).subject(subject).role(Role.CLINICIAN).facilities(F1).sign();

        // When
        HttpResponse<String> forwarded = get(first, "/v1/patients/" + patient + "/triage", token,
            Map.of(InteractiveQueryService.FORWARDED_HEADER, "10.0.0.1:1"));
        HttpResponse<String> localPart = get(first, "/v1/facilities/" + F1 + "/queue", token,
            Map.of(InteractiveQueryService.LOCAL_PART_HEADER, "10.0.0.1:1"));
        HttpResponse<String> unsigned = get(first, "/v1/patients/" + patient + "/triage", token, Map.of());

        // Then: the forged provenance is refused, answers no data and is never recorded; the same caller without it is answered
        assertThat(forwarded.statusCode()).isEqualTo(401);
        assertThat(forwarded.body()).contains(InstanceCredentials.PROBLEM_TYPE).doesNotContain("\"score\"");
        assertThat(localPart.statusCode()).isEqualTo(401);
        assertThat(unsigned.statusCode()).isEqualTo(200);
        List<DataAccessAudit> events = auditsSoFar(e -> subject.equals(e.getSubject()));
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.getOutcome()).isEqualTo(AccessOutcome.ALLOWED);
            assertThat(event.getForwardedBy()).isNull();
        });
        assertThat(auditsSoFar(e -> "10.0.0.1:1".equals(e.getForwardedBy()))).isEmpty();
    }

    @Test
    void shouldRefuseAForwardedRequestWhenItsInstanceCredentialIsBadMissingOrExpired() {
        // Given: a patient owned by the second instance, asked of it as the first instance would forward it
        String patient = f1Patients.stream().filter(p -> owner(p).equals(host(second))).findFirst().orElseThrow();
        String path = "/v1/patients/" + patient + "/triage";
        String subject = "audit-bad-instance-" + UUID.randomUUID();
        String bearer = "Bearer " + JwtTestKit.mint(key).subject(subject).role(Role.CLINICIAN).facilities(F1).sign();
        String peer = "127.0.0.1:" + first.port();
        InstanceCredentials wrongSecret = InstanceCredentials.of("not-the-cluster-secret-but-as-long-as-it", Duration.ofSeconds(30));
        InstanceCredentials stale = InstanceCredentials.of(CLUSTER_SECRET, Duration.ofSeconds(30),
            Clock.fixed(Instant.now().minusSeconds(120), ZoneOffset.UTC));
        InstanceCredentials good = InstanceCredentials.of(CLUSTER_SECRET, Duration.ofSeconds(30));

        // When
        HttpResponse<String> missing = getAs(second, path, bearer, InteractiveQueryService.FORWARDED_HEADER, peer, null);
        HttpResponse<String> bad = getAs(second, path, bearer, InteractiveQueryService.FORWARDED_HEADER, peer, wrongSecret);
        HttpResponse<String> expired = getAs(second, path, bearer, InteractiveQueryService.FORWARDED_HEADER, peer, stale);
        HttpResponse<String> valid = getAs(second, path, bearer, InteractiveQueryService.FORWARDED_HEADER, peer, good);

        // Then: refused with no data and nothing recorded; the same request with the cluster's credential is answered and
        // recorded with the verified forwarder
        for (HttpResponse<String> refused : List.of(missing, bad, expired)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains(InstanceCredentials.PROBLEM_TYPE).doesNotContain(patient);
        }
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(auditsSoFar(e -> subject.equals(e.getSubject()))).singleElement()
            .satisfies(event -> assertThat(event.getForwardedBy()).isEqualTo(peer));
    }

    @Test
    void shouldCheckTheTokenAndAuditOnTheStandbyWhenItAnswersAStaleRead() {
        // Given: a patient owned by the first instance, whose standby copy is on the second, asked at the second as the
        // first would ask it when it cannot answer itself
        String patient = f1Patients.stream().filter(p -> owner(p).equals(host(first))).findFirst().orElseThrow();
        String path = "/v1/patients/" + patient + "/triage?allowStale=true";
        String peer = "127.0.0.1:" + first.port();
        String marker = InteractiveQueryService.STALE_FORWARDED_HEADER;
        InstanceCredentials cluster = InstanceCredentials.of(CLUSTER_SECRET, Duration.ofSeconds(30));
        Await.until("the standby copy on the second instance to hold the patient", DEADLINE,
            () -> getAs(second, path, "Bearer " + token(Role.CLINICIAN, F1), marker, peer, cluster).statusCode() == 200);
        String allowedSubject = "audit-stale-" + UUID.randomUUID();
        String deniedSubject = "audit-stale-denied-" + UUID.randomUUID();

        // When
        HttpResponse<String> allowed = getAs(second, path,
            "Bearer " + JwtTestKit.mint(key).subject(allowedSubject).role(Role.CLINICIAN).facilities(F1).sign(), marker, peer, cluster);
        HttpResponse<String> denied = getAs(second, path,
            "Bearer " + JwtTestKit.mint(key).subject(deniedSubject).role(Role.CLINICIAN).facilities(F2).sign(), marker, peer, cluster);
        HttpResponse<String> anonymous = getAs(second, path, null, marker, peer, cluster);

        // Then: the standby answered from its copy, saying so, and audited the read as its reader ...
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(json(allowed.body()).at("/staleness/source").asText()).isEqualTo("standby");
        assertThat(json(allowed.body()).at("/staleness/stale").asBoolean()).isTrue();
        List<DataAccessAudit> events = auditsSoFar(e -> allowedSubject.equals(e.getSubject()));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getOutcome()).isEqualTo(AccessOutcome.ALLOWED);
        assertThat(events.get(0).getInstance()).isEqualTo("127.0.0.1:" + second.port());
        assertThat(events.get(0).getForwardedBy()).isEqualTo(peer);
        assertThat(events.get(0).getPatientId()).isEqualTo(patient);
        // ... and the peer header granted nothing: another facility's clinician and a caller without a token are refused
        assertThat(denied.statusCode()).isEqualTo(404);
        assertThat(denied.body()).doesNotContain("staleness");
        assertThat(awaitAudit(e -> deniedSubject.equals(e.getSubject())).getOutcome()).isEqualTo(AccessOutcome.DENIED);
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    // --- helpers ---

    private TriageConfig config(String applicationId, Path stateDir, Path keyFile, String audiences) {
        Map<String, Object> props = StreamsSettings.builder().bootstrapServers(platform.bootstrapServers()).registry(platform.registryUrl())
            .http("127.0.0.1", 0).advertisedHost("127.0.0.1").applicationId(applicationId).stateDir(stateDir)
            // A standby copy of each partition on the other instance, for the stale-read checks.
            .standbyReplicas(1).appConfig();
        props.put(AuthSettings.JWT_ISSUER_CONFIG, JwtTestKit.ISSUER);
        props.put(AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG, keyFile.toString());
        props.put(AuthSettings.JWT_AUDIENCE_CONFIG, audiences);
        props.put(AuthSettings.RATE_LIMIT_ENABLED_CONFIG, "false");
        props.put(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG, CLUSTER_SECRET);
        return new TriageConfig(props);
    }

    private String token(Role role, String... facilities) {
        return JwtTestKit.mint(key).role(role).facilities(facilities).sign();
    }

    private String patientToken(String patientId) {
        return JwtTestKit.mint(key).role(Role.PATIENT).patient(patientId).facilities().sign();
    }

    private HostInfo owner(String patient) {
        return first.streams().queryMetadataForKey(TriageTopology.PATIENT_HISTORY_STORE, patient, Serdes.String().serializer()).activeHost();
    }

    private static boolean hasActiveTasks(StreamsHttpApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
            && app.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }

    private static HostInfo host(StreamsHttpApp app) {
        return new HostInfo("127.0.0.1", app.port());
    }

    /** The body of a 200, waiting out 503 (rebalancing) and 404 (not scored yet). */
    private String awaitOk(StreamsHttpApp instance, String path, String token) {
        return Await.value("200 from " + path + " on port " + instance.port(), DEADLINE, () -> {
            HttpResponse<String> response = get(instance, path, token, Map.of());
            if (response.statusCode() == 200) {
                return response.body();
            }
            assertThat(response.statusCode()).as("only 404 or 503 may precede the answer").isIn(404, 503);
            return null;
        });
    }

    private HttpResponse<String> get(StreamsHttpApp instance, String path, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request as an instance forwards it: {@code marker} naming {@code peer}, with {@code credentials}' proof (null: none). */
    private HttpResponse<String> getAs(StreamsHttpApp instance, String path, String authorization, String marker, String peer,
                                       InstanceCredentials credentials) {
        Map<String, String> headers = new HashMap<>();
        headers.put(marker, peer);
        if (credentials != null) {
            headers.put(InstanceCredentials.HEADER, credentials.sign(marker, peer, "GET", path, authorization));
        }
        return get(instance, path, authorization == null ? null : authorization.substring("Bearer ".length()), headers);
    }

    private static JsonNode json(String body) {
        try {
            return HttpServerFactory.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }

    /** The audit events matching {@code filter} among everything written to the audit topic up to now. */
    private List<DataAccessAudit> auditsSoFar(Predicate<DataAccessAudit> filter) {
        try (KafkaConsumer<String, DataAccessAudit> consumer = auditConsumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.AUDIT_EVENTS.name())) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<DataAccessAudit> found = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read the audit topic up to its end");
                }
                for (ConsumerRecord<String, DataAccessAudit> r : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(r.value())) {
                        found.add(r.value());
                    }
                }
            }
            return found;
        }
    }

    private DataAccessAudit awaitAudit(Predicate<DataAccessAudit> filter) {
        return Await.value("an audit event", DEADLINE, () -> {
            List<DataAccessAudit> found = auditsSoFar(filter);
            assertThat(found).as("audit events of one read").hasSizeLessThanOrEqualTo(1);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    private KafkaConsumer<String, DataAccessAudit> auditConsumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new StringDeserializer(),
            new RegistryEventSerdes(platform.registryUrl(), false).valueSerde(Topics.AUDIT_EVENTS).deserializer());
    }

    private KafkaProducer<String, SpecificRecord> avroProducer() {
        return TriageFixtures.avroProducer(platform.bootstrapServers(), platform.registryUrl());
    }
}
