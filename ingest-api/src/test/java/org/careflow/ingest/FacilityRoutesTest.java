package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.careflow.events.facilities.Facility;
import org.careflow.events.notifications.Channel;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.facilities.TestFacilities;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.careflow.topics.OnCallWebhookRule;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Facilities as master data on the ingest API: ops write them (validated, on-call webhooks only to public https hosts
 * unless allow-listed), and every write naming a facility careflow does not serve is refused before anything is written.
 */
class FacilityRoutesTest {

    private static final ECKey KEY = JwtTestKit.ecKey("facility-test");
    private static final String OPEN = "f-open";
    private static final String STAFF_ONLY = "f-staff-only";
    private static final String CLOSED = "f-closed";

    @TempDir
    Path dir;
    private IngestTestServer server;

    private IngestTestServer start(FacilityCatalog facilities, OnCallWebhookRule webhooks) {
        server = new IngestTestServer(SecurityGate.create(IngestTestServer.authSettings(KEY, dir, Map.of())), facilities, webhooks);
        return server;
    }

    private IngestTestServer start() {
        Facility closed = TestFacilities.facility(CLOSED, true);
        closed.setActive(false);
        return start(FacilityCatalog.fixed(List.of(TestFacilities.facility(OPEN, true), TestFacilities.facility(STAFF_ONLY, false), closed)),
            OnCallWebhookRule.strict());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String ops() {
        return JwtTestKit.mint(KEY).role(Role.OPS).facilities().sign();
    }

    private static String integration(String... facilities) {
        return JwtTestKit.mint(KEY).role(Role.INTEGRATION).facilities(facilities).sign();
    }

    private static String patient(String patientId) {
        return JwtTestKit.mint(KEY).role(Role.PATIENT).patient(patientId).facilities().sign();
    }

    private static String submission(String patientId, String facilityId) {
        return """
            {"patientId": "%s", "facilityId": "%s", "formId": "general-v1", "channel": "WEB",
             "submittedAt": "2026-11-21T10:15:00Z", "vitals": {"heartRate": 80}}
            """.formatted(patientId, facilityId);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return HttpServerFactory.MAPPER.readTree(response.body());
    }

    private static void assertNamesField(HttpResponse<String> response, int status, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        assertThat(json(response).get("errors").findValuesAsText("field")).as(response.body()).contains(field);
    }

    // ---- Writing facilities

    @Test
    void shouldPublishTheWholeFacilityKeyedByItsIdWhenOpsPutsAValidRecord() throws Exception {
        // Given
        start();

        // When
        HttpResponse<String> response = server.sendJson("PUT", "/v1/facilities/ward-7", """
            {"name": "Ward 7", "acceptsSelfTriage": true, "timeZone": "Europe/London",
             "onCallContacts": [{"channel": "WEBHOOK", "address": "https://pager.example.org/hooks/ward-7", "label": "registrar"},
                                {"channel": "EMAIL", "address": "duty@example.org"}]}
            """, ops());

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(server.producer.history()).hasSize(1);
        ProducerRecord<String, SpecificRecord> record = server.producer.history().get(0);
        assertThat(record.topic()).isEqualTo(Topics.FACILITIES.name());
        assertThat(record.key()).isEqualTo("ward-7");
        Facility facility = (Facility) record.value();
        assertThat(facility.getActive()).isTrue();
        assertThat(facility.getAcceptsSelfTriage()).isTrue();
        assertThat(facility.getOnCallContacts()).extracting(c -> c.getChannel()).containsExactly(Channel.WEBHOOK, Channel.EMAIL);

        // and the instance knows it at once: a triage for it is accepted, and GET answers it
        server.producer.clear();
        assertThat(server.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, submission("p-1", "ward-7"), integration("ward-7"))
            .statusCode()).isEqualTo(202);
        HttpResponse<String> read = server.send("GET", "/v1/facilities/ward-7", null, null, ops(), Map.of());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read).get("onCallContacts").get(0).get("address").asText()).isEqualTo("https://pager.example.org/hooks/ward-7");
    }

    @Test
    void shouldDefaultToActiveAndNoSelfTriageWhenTheBodyLeavesThemOut() throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("PUT", "/v1/facilities/ward-8", "{\"name\": \"Ward 8\"}", ops());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        Facility facility = (Facility) server.producer.history().get(0).value();
        assertThat(facility.getActive()).isTrue();
        assertThat(facility.getAcceptsSelfTriage()).isFalse();
        assertThat(facility.getOnCallContacts()).isEmpty();
    }

    @Test
    void shouldAnswer400NamingEveryBadFieldAndWriteNothingWhenTheFacilityIsMalformed() throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("PUT", "/v1/facilities/ward-9", """
            {"active": "yes", "timeZone": "Mars/Olympus", "colour": "red",
             "onCallContacts": [{"channel": "SMS", "address": "+447700900123"}, {"channel": "EMAIL", "address": "not-an-address"},
                                {"channel": "WEBHOOK"}]}
            """, ops());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("errors").findValuesAsText("field")).contains("/name", "/active", "/timeZone", "/colour",
            "/onCallContacts/0/channel", "/onCallContacts/1/address", "/onCallContacts/2/address");
        assertThat(server.producer.history()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+02:00", "Etc/GMT-2"})
    void shouldAnswer400NamingTheTimeZoneAndWriteNothingWhenItIsAFixedOffset(String zone) throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("PUT", "/v1/facilities/ward-9", """
            {"name": "Ward 9", "timeZone": "%s"}
            """.formatted(zone), ops());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("errors").findValuesAsText("field")).containsExactly("/timeZone");
        assertThat(json(response).get("errors").findValuesAsText("message")).singleElement().asString()
            .startsWith("must be a region such as Europe/London, not a fixed offset");
        assertThat(server.producer.history()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://pager.example.org/hook", "https://127.0.0.1/hook", "https://localhost:8443/hook",
        "https://10.0.0.7/hook", "https://192.168.0.10/hook", "https://[fd00::1]/hook", "https://169.254.169.254/latest/meta-data",
        "https://[fe80::1]/hook", "https://metadata.google.internal/computeMetadata/v1/", "https://[fd00:ec2::254]/"})
    void shouldAnswer422NamingTheAddressAndWriteNothingWhenAnOnCallWebhookIsNotAPublicHttpsUrl(String url) throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("PUT", "/v1/facilities/ward-7", """
            {"name": "Ward 7", "onCallContacts": [{"channel": "EMAIL", "address": "duty@example.org"},
                                                  {"channel": "WEBHOOK", "address": "%s"}]}
            """.formatted(url), ops());

        assertNamesField(response, 422, "/onCallContacts/1/address");
        assertThat(server.producer.history()).isEmpty();
    }

    @Test
    void shouldAcceptALoopbackStandInWhenTheOperatorAllowListedItsHost() throws Exception {
        // Given an operator allow-list naming the local stand-in
        start(TestFacilities.catalog(), new OnCallWebhookRule(List.of("127.0.0.1")));

        // When
        HttpResponse<String> response = server.sendJson("PUT", "/v1/facilities/ward-7", """
            {"name": "Ward 7", "onCallContacts": [{"channel": "WEBHOOK", "address": "http://127.0.0.1:9911/hook"}]}
            """, ops());

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void shouldAnswer404WhenOpsReadsAFacilityThatIsNotRegistered() throws Exception {
        start();

        assertThat(server.send("GET", "/v1/facilities/f-nowhere", null, null, ops(), Map.of()).statusCode()).isEqualTo(404);
    }

    // ---- Writes naming a facility careflow does not serve

    @ParameterizedTest
    @ValueSource(strings = {"f-nowhere", CLOSED})
    void shouldAnswer422AndWriteNothingWhenATriageSubmissionNamesAnUnknownOrInactiveFacility(String facility) throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, submission("p-1", facility),
            integration(facility));

        assertNamesField(response, 422, "/facilityId");
        assertThat(json(response).get("type").asText()).isEqualTo(FacilityCatalog.UNKNOWN_FACILITY_TYPE);
        assertThat(server.producer.history()).isEmpty();
    }

    @Test
    void shouldRefuseOnlyTheItemsNamingAnUnknownFacilityWhenABatchMixesThem() throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("POST", "/v1/triage-submissions:batch",
            "[" + submission("p-1", OPEN) + "," + submission("p-2", "f-nowhere") + "]", integration(OPEN, "f-nowhere"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(207);
        JsonNode results = json(response).get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(202);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(422);
        assertThat(results.get(1).get("problem").get("errors").get(0).get("field").asText()).isEqualTo("/facilityId");
        assertThat(server.producer.history()).hasSize(1);
    }

    @Test
    void shouldAnswer422AndWriteNothingWhenAScheduleBookingDispositionOrFormNamesAnUnknownFacility() throws Exception {
        start();
        String scheduler = JwtTestKit.mint(KEY).role(Role.SCHEDULER).facilities("f-nowhere").sign();
        String clinician = JwtTestKit.mint(KEY).role(Role.CLINICIAN).facilities("f-nowhere").sign();

        assertNamesField(server.sendJson("PUT", "/v1/providers/dr-7/schedule", """
            {"facilityId": "f-nowhere", "timeZone": "Europe/London", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
             "weekly": {"MONDAY": [{"start": "09:00", "end": "12:00"}]}}
            """, scheduler), 422, "/facilityId");
        assertNamesField(server.sendJson("POST", IngestRoutes.BOOKINGS_PATH, """
            {"bookingId": "b-1", "patientId": "p-1", "providerId": "dr-7", "facilityId": "f-nowhere",
             "slotStart": "2026-12-07T09:30:00Z", "appointmentType": "follow-up"}
            """, scheduler), 422, "/facilityId");
        assertNamesField(server.sendJson("POST", "/v1/bookings/b-1/reschedule", """
            {"newBookingId": "b-2", "patientId": "p-1", "providerId": "dr-7", "facilityId": "f-nowhere",
             "slotStart": "2026-12-07T10:00:00Z", "appointmentType": "follow-up"}
            """, scheduler), 422, "/facilityId");
        assertNamesField(server.sendJson("POST", "/v1/facilities/f-nowhere/queue/p-1/disposition",
            "{\"disposition\": \"SEEN\", \"decidedAt\": \"2026-11-21T10:15:00Z\"}", clinician), 422, "facilityId");
        assertNamesField(server.sendJson("PUT", "/v1/forms/ward-form", """
            {"version": 1, "facilityId": "f-nowhere", "title": "Ward form",
             "questions": [{"id": "q", "text": "Pain?", "type": "YES_NO"}]}
            """, ops()), 422, "/facilityId");
        assertThat(server.producer.history()).isEmpty();
    }

    @Test
    void shouldAnswer503NotA422WhenTheCatalogIsStillLoadingAndDoesNotKnowTheFacility() throws Exception {
        // Given a catalog that has not read the facilities topic yet
        start(FacilityCatalog.reading(new MockConsumer<>("earliest"), Topics.FACILITIES.name()), OnCallWebhookRule.strict());

        // When
        HttpResponse<String> response = server.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, submission("p-1", OPEN),
            integration(OPEN));

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(server.producer.history()).isEmpty();
    }

    // ---- Self-triage is a facility setting

    @Test
    void shouldAnswer403AndWriteNothingWhenAPatientSelfTriagesToAFacilityThatDoesNotAcceptIt() throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, submission("p-1", STAFF_ONLY),
            patient("p-1"));

        assertNamesField(response, 403, "/facilityId");
        assertThat(json(response).get("type").asText()).isEqualTo(FacilityCatalog.SELF_TRIAGE_REFUSED_TYPE);
        assertThat(server.producer.history()).isEmpty();
    }

    @Test
    void shouldAcceptAPatientsOwnTriageWhenTheFacilityAcceptsSelfTriage() throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, submission("p-1", OPEN),
            patient("p-1"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(server.producer.history()).hasSize(1);
    }

    @Test
    void shouldAcceptAnIntegrationsSubmissionWhenTheFacilityDoesNotAcceptSelfTriage() throws Exception {
        start();

        HttpResponse<String> single = server.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, submission("p-1", STAFF_ONLY),
            integration(STAFF_ONLY));
        HttpResponse<String> batch = server.sendJson("POST", "/v1/triage-submissions:batch", "[" + submission("p-2", STAFF_ONLY) + "]",
            integration(STAFF_ONLY));

        assertThat(single.statusCode()).as(single.body()).isEqualTo(202);
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);
        assertThat(server.producer.history()).hasSize(2);
    }

    @Test
    void shouldAnswerTheSame422WhenAPatientSelfTriagesToAnUnknownFacility() throws Exception {
        start();

        HttpResponse<String> response = server.sendJson("POST", IngestRoutes.TRIAGE_SUBMISSIONS_PATH, submission("p-1", "f-nowhere"),
            patient("p-1"));

        assertNamesField(response, 422, "/facilityId");
        assertThat(server.producer.history()).isEmpty();
    }
}
