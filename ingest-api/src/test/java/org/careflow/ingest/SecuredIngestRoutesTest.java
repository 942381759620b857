package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.careflow.events.notifications.ContactWriter;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.AuthSettings;
import org.careflow.security.EndpointClass;
import org.careflow.security.JwtAuthenticator;
import org.careflow.security.JwtTestKit;
import org.careflow.security.RateClass;
import org.careflow.security.RateLimiter;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #8 on the ingest API, over real HTTP with real tokens: every role against every ingest endpoint class, within
 * and outside its scope, with the producer (Kafka's MockProducer) showing what was written. A refused request must
 * write nothing.
 */
class SecuredIngestRoutesTest {

    private static final String OWN_FACILITY = "F1";
    private static final String OTHER_FACILITY = "F2";
    private static final String OWN_PATIENT = "pt-1";
    private static final String OTHER_PATIENT = "pt-2";
    private static final AtomicInteger FORM_IDS = new AtomicInteger();

    /** What a role's access to a class is bounded by: a refused "other" request differs from the caller in this. */
    enum Scope { FACILITY, PATIENT, ANY }

    /** What a request names. */
    enum Variant {
        OWN(OWN_FACILITY, OWN_PATIENT), OTHER_FACILITY(SecuredIngestRoutesTest.OTHER_FACILITY, OWN_PATIENT),
        OTHER_PATIENT(OWN_FACILITY, SecuredIngestRoutesTest.OTHER_PATIENT);

        final String facility;
        final String patient;

        Variant(String facility, String patient) {
            this.facility = facility;
            this.patient = patient;
        }
    }

    /**
     * One ingest route and who may use it (pinned here, independently of AccessPolicy).
     *
     * @param records events one accepted request writes
     */
    record Route(String name, EndpointClass endpointClass, String method, BiFunction<String, String, String> path,
                 BiFunction<String, String, String> body, Map<Role, Scope> allowed, int records) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String FORM = """
        {"version": 1, "title": "Chest pain triage",
         "questions": [{"id": "chest_pain", "text": "Do you have chest pain?", "type": "YES_NO", "required": true},
                       {"id": "pain_score", "text": "Pain 0-10", "type": "NUMBER", "min": 0, "max": 10}],
         "scoringRules": [{"id": "severe_pain", "questionId": "pain_score", "min": 7, "points": 2}],
         "redFlags": [{"id": "chest_pain_flag", "questionId": "chest_pain", "equals": "yes", "description": "Chest pain: rule out ACS"}]}
        """;
    private static final String SCHEDULE = """
        {"facilityId": "%s", "timeZone": "Europe/London", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
         "weekly": {"MONDAY": [{"start": "09:00", "end": "12:00"}]}}
        """;
    private static final String BOOKING = """
        {"bookingId": "b-1", "patientId": "%s", "providerId": "dr-7", "facilityId": "%s",
         "slotStart": "2026-12-07T09:30:00Z", "appointmentType": "follow-up"}
        """;
    private static final String RESCHEDULE = """
        {"newBookingId": "b-2", "patientId": "%s", "providerId": "dr-7", "facilityId": "%s",
         "slotStart": "2026-12-07T10:00:00Z", "appointmentType": "follow-up"}
        """;
    private static final String CONTACT = """
        {"phone": "+447700900123", "preferredChannel": "SMS", "language": "en-GB", "timeZone": "Europe/London",
         "consent": {"granted": true, "at": "2026-11-21T09:00:00Z"}}
        """;

    private static final List<Route> ROUTES = List.of(
        new Route("triage submission", EndpointClass.TRIAGE_SUBMIT, "POST", (f, p) -> IngestRoutes.TRIAGE_SUBMISSIONS_PATH,
            SecuredIngestRoutesTest::submission, Map.of(Role.PATIENT, Scope.PATIENT, Role.INTEGRATION, Scope.FACILITY), 1),
        new Route("triage batch", EndpointClass.TRIAGE_BATCH, "POST", (f, p) -> "/v1/triage-submissions:batch",
            (f, p) -> "[" + submission(f, p) + "," + submission(f, p) + "]", Map.of(Role.INTEGRATION, Scope.FACILITY), 2),
        new Route("disposition", EndpointClass.DISPOSITION, "POST", (f, p) -> "/v1/facilities/" + f + "/queue/" + p + "/disposition",
            (f, p) -> "{\"disposition\": \"SEEN\", \"decidedAt\": \"2026-11-21T10:15:00Z\"}", Map.of(Role.CLINICIAN, Scope.FACILITY), 1),
        new Route("form", EndpointClass.FORM_ADMIN, "PUT", (f, p) -> "/v1/forms/form-" + FORM_IDS.incrementAndGet(),
            (f, p) -> FORM, Map.of(Role.OPS, Scope.ANY), 1),
        new Route("provider schedule", EndpointClass.SCHEDULE_WRITE, "PUT", (f, p) -> "/v1/providers/dr-7/schedule",
            (f, p) -> SCHEDULE.formatted(f), Map.of(Role.SCHEDULER, Scope.FACILITY, Role.INTEGRATION, Scope.FACILITY), 1),
        new Route("provider withdrawal", EndpointClass.SCHEDULE_WRITE, "DELETE", (f, p) -> "/v1/providers/dr-7/schedule?facilityId=" + f,
            (f, p) -> "", Map.of(Role.SCHEDULER, Scope.FACILITY, Role.INTEGRATION, Scope.FACILITY), 1),
        new Route("booking", EndpointClass.BOOKING_WRITE, "POST", (f, p) -> IngestRoutes.BOOKINGS_PATH,
            (f, p) -> BOOKING.formatted(p, f), Map.of(Role.PATIENT, Scope.PATIENT, Role.SCHEDULER, Scope.FACILITY,
                Role.INTEGRATION, Scope.FACILITY), 1),
        new Route("reschedule", EndpointClass.BOOKING_WRITE, "POST", (f, p) -> "/v1/bookings/b-1/reschedule",
            (f, p) -> RESCHEDULE.formatted(p, f), Map.of(Role.PATIENT, Scope.PATIENT, Role.SCHEDULER, Scope.FACILITY,
                Role.INTEGRATION, Scope.FACILITY), 1),
        // The booking's facility is unknown at ingest: staff callers' facilities are recorded on the event and
        // streams-scheduling compares them with the booking's (shouldRecordTheCallersFacilities...).
        new Route("cancellation", EndpointClass.BOOKING_WRITE, "POST", (f, p) -> "/v1/bookings/b-1/cancel",
            (f, p) -> "{\"reason\": \"feeling better\", \"patientId\": \"" + p + "\"}",
            Map.of(Role.PATIENT, Scope.PATIENT, Role.SCHEDULER, Scope.ANY, Role.INTEGRATION, Scope.ANY), 1),
        new Route("patient contact", EndpointClass.CONTACT_WRITE, "PUT", (f, p) -> "/v1/patients/" + p + "/contact",
            (f, p) -> CONTACT, Map.of(Role.PATIENT, Scope.PATIENT, Role.INTEGRATION, Scope.ANY), 1),
        // Facilities are global master data: ops only, whatever facility the path names.
        new Route("facility", EndpointClass.FACILITY_ADMIN, "PUT", (f, p) -> "/v1/facilities/" + f,
            (f, p) -> "{\"name\": \"Facility " + f + "\", \"acceptsSelfTriage\": true}", Map.of(Role.OPS, Scope.ANY), 1));

    private static String submission(String facility, String patient) {
        return """
            {"patientId": "%s", "facilityId": "%s", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "2026-11-21T10:15:00Z", "vitals": {"heartRate": 80}}
            """.formatted(patient, facility);
    }

    @TempDir
    static Path dir;
    private static final ECKey KEY = JwtTestKit.ecKey("ingest-test");
    private static IngestTestServer server;

    @BeforeAll
    static void start() {
        server = new IngestTestServer(SecurityGate.create(IngestTestServer.authSettings(KEY, dir, Map.of())));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void forgetWrites() {
        server.producer.clear();
    }

    /** A fresh token (own subject, so no test drains another's rate limit) of {@code role} acting for F1 / as pt-1. */
    private static String token(Role role) {
        JwtTestKit.Mint mint = JwtTestKit.mint(KEY).role(role);
        return switch (role) {
            case PATIENT -> mint.patient(OWN_PATIENT).facilities().sign();
            case OPS -> mint.facilities().sign();
            default -> mint.facilities(OWN_FACILITY).sign();
        };
    }

    private static HttpResponse<String> call(Route route, Variant variant, String token) throws Exception {
        return server.sendJson(route.method(), route.path().apply(variant.facility, variant.patient),
            route.body().apply(variant.facility, variant.patient), token);
    }

    // ---- Who may use a class at all

    static Stream<Arguments> allowedRoles() {
        return ROUTES.stream().flatMap(r -> r.allowed().keySet().stream().map(role -> Arguments.of(r, role)));
    }

    static Stream<Arguments> refusedRoles() {
        return ROUTES.stream().flatMap(r -> Stream.of(Role.values()).filter(role -> !r.allowed().containsKey(role))
            .map(role -> Arguments.of(r, role)));
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("allowedRoles")
    void shouldAnswer202AndWriteWhenRoleMayUseTheClassWithinItsScope(Route route, Role role) throws Exception {
        // When
        HttpResponse<String> response = call(route, Variant.OWN, token(role));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(server.producer.history()).hasSize(route.records());
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("refusedRoles")
    void shouldAnswer403AndWriteNothingWhenRoleMayNotUseTheClass(Route route, Role role) throws Exception {
        // When
        HttpResponse<String> response = call(route, Variant.OWN, token(role));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
        assertThat(server.producer.history()).isEmpty();
    }

    // ---- Scope: what the body or path names

    static Stream<Arguments> scoped(Scope scope) {
        return ROUTES.stream().flatMap(r -> r.allowed().entrySet().stream().filter(e -> e.getValue() == scope)
            .map(e -> Arguments.of(r, e.getKey())));
    }

    static Stream<Arguments> facilityScoped() {
        return scoped(Scope.FACILITY);
    }

    static Stream<Arguments> patientScoped() {
        return scoped(Scope.PATIENT);
    }

    /** Requests that differ from the caller only in what the role is not bounded by. */
    static Stream<Arguments> unboundedDifferences() {
        return ROUTES.stream().flatMap(r -> r.allowed().entrySet().stream().flatMap(e -> switch (e.getValue()) {
            case FACILITY -> Stream.of(Arguments.of(r, e.getKey(), Variant.OTHER_PATIENT));
            case PATIENT -> Stream.of(Arguments.of(r, e.getKey(), Variant.OTHER_FACILITY));
            case ANY -> Stream.of(Arguments.of(r, e.getKey(), Variant.OTHER_PATIENT), Arguments.of(r, e.getKey(), Variant.OTHER_FACILITY));
        }));
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("facilityScoped")
    void shouldAnswer403AndWriteNothingWhenRequestNamesAnotherFacility(Route route, Role role) throws Exception {
        // When
        HttpResponse<String> response = call(route, Variant.OTHER_FACILITY, token(role));

        // Then
        assertRefusedOutOfScope(route, response, "facility-out-of-scope");
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("patientScoped")
    void shouldAnswer403AndWriteNothingWhenRequestNamesAnotherPatient(Route route, Role role) throws Exception {
        // When
        HttpResponse<String> response = call(route, Variant.OTHER_PATIENT, token(role));

        // Then
        assertRefusedOutOfScope(route, response, "patient-out-of-scope");
    }

    @ParameterizedTest(name = "{0} by {1}, {2}")
    @MethodSource("unboundedDifferences")
    void shouldAnswer202WhenRequestDiffersOnlyInWhatTheRoleIsNotBoundBy(Route route, Role role, Variant variant) throws Exception {
        // When
        HttpResponse<String> response = call(route, variant, token(role));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(server.producer.history()).hasSize(route.records());
    }

    private static void assertRefusedOutOfScope(Route route, HttpResponse<String> response, String reason) throws Exception {
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        if (route.endpointClass() == EndpointClass.TRIAGE_BATCH) {
            // The batch contract: every item refused is a 400 answer whose items carry their own status.
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(body.get("results")).allSatisfy(item -> {
                assertThat(item.get("status").asInt()).isEqualTo(403);
                assertThat(item.at("/problem/detail").asText()).contains(reason);
            });
        } else {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
            assertThat(body.get("type").asText()).endsWith("/forbidden");
            assertThat(body.get("detail").asText()).contains(reason);
        }
        assertThat(server.producer.history()).isEmpty();
    }

    // ---- Authentication

    static Stream<Arguments> badTokens() {
        Map<String, String> tokens = Map.of(
            "no token", "",
            "expired", JwtTestKit.mint(KEY).role(Role.INTEGRATION).facilities(OWN_FACILITY).expired().sign(),
            "wrong audience", JwtTestKit.mint(KEY).role(Role.INTEGRATION).facilities(OWN_FACILITY).audience("another-api").sign());
        return ROUTES.stream().flatMap(r -> tokens.entrySet().stream().map(t -> Arguments.of(r, t.getKey(), t.getValue())));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("badTokens")
    void shouldAnswer401WithChallengeAndWriteNothingWhenTokenIsMissingOrInvalid(Route route, String what, String token) throws Exception {
        // When
        HttpResponse<String> response = call(route, Variant.OWN, token.isEmpty() ? null : token);

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> {
            assertThat(v).startsWith("Bearer realm=\"careflow\"");
            assertThat(v.contains("invalid_token")).isEqualTo(!token.isEmpty());
        });
        if (!token.isEmpty()) {
            assertThat(response.body()).doesNotContain(token);
        }
        assertThat(server.producer.history()).isEmpty();
    }

    // ---- Batches: each item on its own

    @Test
    void shouldRefuseOnlyTheItemsOfAnotherFacilityWhenBatchIsMixed() throws Exception {
        // Given
        String batch = "[" + submission(OWN_FACILITY, "pt-a") + "," + submission(OTHER_FACILITY, "pt-b") + ","
            + submission(OWN_FACILITY, "pt-c") + "]";

        // When
        HttpResponse<String> response = server.sendJson("POST", "/v1/triage-submissions:batch", batch, token(Role.INTEGRATION));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(207);
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.get("results")).extracting(item -> item.get("status").asInt()).containsExactly(202, 403, 202);
        assertThat(body.at("/results/1/problem/type").asText()).endsWith("/forbidden");
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("rejected").asInt()).isEqualTo(1);
        assertThat(server.producer.history()).extracting(r -> ((TriageSubmission) r.value()).getFacilityId())
            .containsExactly(OWN_FACILITY, OWN_FACILITY);
        assertThat(server.producer.history()).extracting(r -> r.key()).containsExactly("pt-a", "pt-c");
    }

    // ---- Bookings: what only the body can say

    @ParameterizedTest(name = "by {0}")
    @MethodSource("bookingRoles")
    void shouldAnswer400NamingFacilityIdWhenABookingNamesNoFacilitySinceAProviderIdAloneIsAmbiguous(Role role) throws Exception {
        // Given
        String booking = BOOKING.formatted(OWN_PATIENT, OWN_FACILITY).replace("\"facilityId\": \"F1\",", "");

        // When
        HttpResponse<String> response = server.sendJson("POST", IngestRoutes.BOOKINGS_PATH, booking, token(role));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).at("/errors/0/field").asText()).isEqualTo("/facilityId");
        assertThat(server.producer.history()).isEmpty();
    }

    static Stream<Role> bookingRoles() {
        return Stream.of(Role.PATIENT, Role.SCHEDULER, Role.INTEGRATION);
    }

    @Test
    void shouldRecordThePatientWhenPatientCancelsWithoutNamingThemselves() throws Exception {
        // When
        HttpResponse<String> response = server.sendJson("POST", "/v1/bookings/b-1/cancel", "{\"reason\": \"better\"}", token(Role.PATIENT));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(server.producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.BOOKING_CANCELLATIONS.name());
            assertThat(((BookingCancellation) r.value()).getPatientId()).isEqualTo(OWN_PATIENT);
        });
    }

    @Test
    void shouldRecordTheCallersFacilitiesWhenStaffCancelsOrReschedules() throws Exception {
        // When
        HttpResponse<String> cancel = server.sendJson("POST", "/v1/bookings/b-1/cancel",
            "{\"reason\": \"provider ill\", \"cancelledBy\": \"STAFF\", \"staffId\": \"nurse-3\"}", token(Role.SCHEDULER));
        HttpResponse<String> reschedule = server.sendJson("POST", "/v1/bookings/b-1/reschedule",
            RESCHEDULE.formatted(OWN_PATIENT, OWN_FACILITY), token(Role.INTEGRATION));

        // Then
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(reschedule.statusCode()).as(reschedule.body()).isEqualTo(202);
        assertThat(server.producer.history()).hasSize(2);
        assertThat(((BookingCancellation) server.producer.history().get(0).value()).getCallerFacilityIds()).containsExactly(OWN_FACILITY);
        assertThat(((BookingRequest) server.producer.history().get(1).value()).getCallerFacilityIds()).containsExactly(OWN_FACILITY);
    }

    @Test
    void shouldRecordNoFacilitiesWhenPatientCancelsOrReschedules() throws Exception {
        // When
        HttpResponse<String> cancel = server.sendJson("POST", "/v1/bookings/b-1/cancel", "{\"reason\": \"better\"}", token(Role.PATIENT));
        HttpResponse<String> reschedule = server.sendJson("POST", "/v1/bookings/b-1/reschedule",
            RESCHEDULE.formatted(OWN_PATIENT, OWN_FACILITY), token(Role.PATIENT));

        // Then: the scheduler checks the patient instead
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(reschedule.statusCode()).as(reschedule.body()).isEqualTo(202);
        assertThat(((BookingCancellation) server.producer.history().get(0).value()).getCallerFacilityIds()).isNull();
        assertThat(((BookingRequest) server.producer.history().get(1).value()).getCallerFacilityIds()).isNull();
    }

    @Test
    void shouldRecordTheWriterAndItsFacilitiesWhenAnIntegrationWritesAContact() throws Exception {
        // When a facility's integration writes a patient's contact
        HttpResponse<String> response = server.sendJson("PUT", "/v1/patients/" + OTHER_PATIENT + "/contact", CONTACT, token(Role.INTEGRATION));

        // Then it is recorded as the facility's, with the token's facilities: streams-notifications decides whether
        // the patient is linked to them (the gate cannot know)
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        PatientContact written = (PatientContact) server.producer.history().get(0).value();
        assertThat(written.getWrittenBy()).isEqualTo(ContactWriter.FACILITY);
        assertThat(written.getCallerFacilityIds()).containsExactly(OWN_FACILITY);
    }

    @Test
    void shouldRecordThePatientAsWriterAndNoFacilitiesWhenPatientWritesTheirContact() throws Exception {
        // When
        HttpResponse<String> response = server.sendJson("PUT", "/v1/patients/" + OWN_PATIENT + "/contact", CONTACT, token(Role.PATIENT));

        // Then: a phone the patient gives is bound only once verified from it
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        PatientContact written = (PatientContact) server.producer.history().get(0).value();
        assertThat(written.getWrittenBy()).isEqualTo(ContactWriter.PATIENT);
        assertThat(written.getCallerFacilityIds()).isNull();
    }

    @Test
    void shouldAnswer403AndWriteNothingWhenPatientCancelsAsStaff() throws Exception {
        // When
        HttpResponse<String> response = server.sendJson("POST", "/v1/bookings/b-1/cancel",
            "{\"reason\": \"x\", \"cancelledBy\": \"STAFF\", \"staffId\": \"nurse-3\"}", token(Role.PATIENT));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(HttpServerFactory.MAPPER.readTree(response.body()).at("/errors/0/field").asText()).isEqualTo("/cancelledBy");
        assertThat(server.producer.history()).isEmpty();
    }

    // ---- Rate limit

    @Test
    void shouldAnswer429WithRetryAfterAndWriteNothingWhenLimitIsExhaustedThenRecover() throws Exception {
        // Given a limit of 2 at once, 1 more per second, on a clock the test moves
        AuthSettings settings = IngestTestServer.authSettings(KEY, dir, Map.of(
            AuthSettings.perSecondKey(RateClass.INGEST), 1, AuthSettings.burstKey(RateClass.INGEST), 2));
        AtomicLong nanos = new AtomicLong();
        Map<RateClass, AuthSettings.RateLimit> limits = new EnumMap<>(settings.rateLimits());
        SecurityGate gate = new SecurityGate(JwtAuthenticator.create(settings), new RateLimiter(limits, 100, nanos::get));
        String token = token(Role.INTEGRATION);
        String body = submission(OWN_FACILITY, OWN_PATIENT);
        try (IngestTestServer limited = new IngestTestServer(gate)) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                statuses.add(limited.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, body, token).statusCode());
            }

            // When
            HttpResponse<String> refused = limited.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, body, token);

            // Then
            assertThat(statuses).containsExactly(202, 202);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(HttpServerFactory.MAPPER.readTree(refused.body()).get("type").asText()).endsWith("/rate-limited");
            assertThat(limited.producer.history()).hasSize(2);

            // When the second has passed
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            HttpResponse<String> recovered = limited.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, body, token);

            // Then
            assertThat(recovered.statusCode()).as(recovered.body()).isEqualTo(202);
            assertThat(limited.producer.history()).hasSize(3);
        }
    }
}
