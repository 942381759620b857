package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.FhirResources;
import org.careflow.fhir.scheduling.SchedulingResources;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.careflow.topics.BookingIds;
import org.careflow.topics.Topics;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IHE $book read as the JSON API's booking, cancellation and reschedule, behind the real gate (no decision read here: 202). */
class IngestFhirBookTest {

    private static final ECKey KEY = JwtTestKit.ecKey("ingest-fhir-book");
    private static final Instant SLOT = Instant.parse("2026-11-30T09:00:00Z");
    private static final String PROPOSED = SchedulingResources.proposedId(new SchedulingResources.ProposedSlot("f-1", "dr-1", SLOT, "follow-up"));

    private IngestTestServer server;

    @BeforeEach
    void start(@TempDir Path dir) {
        server = new IngestTestServer(SecurityGate.create(IngestTestServer.authSettings(KEY, dir, Map.of())));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldBookTheProposedSlotForTheCallingPatientTheSameWayEachTime() throws Exception {
        String patient = JwtTestKit.mint(KEY).role(Role.PATIENT).patient("p-1").facilities().sign();
        String body = """
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-reference", "valueReference": {"reference": "Appointment/%s"}}]}
            """.formatted(PROPOSED);

        HttpResponse<String> first = book(body, patient);
        HttpResponse<String> again = book(body, patient);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String bookingId = BookingIds.of("f-1", "p-1", "dr-1", PROPOSED);
        assertThat(first.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/fhir/R4/Appointment/" + bookingId.replace('_', '.')));
        assertThat(FhirResources.errors(first.body())).isEmpty();
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(server.producer.history()).hasSize(2).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo(Topics.BOOKING_REQUESTS.name());
            BookingRequest request = (BookingRequest) r.value();
            assertThat(request.getBookingId()).isEqualTo(bookingId);
            assertThat(request.getSlotStart()).isEqualTo(SLOT);
            assertThat(request.getAppointmentType()).isEqualTo("follow-up");
            assertThat(request.getPatientId()).isEqualTo("p-1");
        });
    }

    @Test
    void shouldWriteAHoldOfTheProposedSlotUnderTheBookingIdItsBookWillHave() throws Exception {
        String patient = JwtTestKit.mint(KEY).role(Role.PATIENT).patient("p-1").facilities().sign();
        String reference = """
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-reference", "valueReference": {"reference": "Appointment/%s"}}]}
            """.formatted(PROPOSED);

        HttpResponse<String> hold = server.send("POST", "/fhir/R4/Appointment/$hold", "application/fhir+json",
            reference.getBytes(StandardCharsets.UTF_8), patient, Map.of());
        HttpResponse<String> book = book(reference, patient);
        HttpResponse<String> resource = server.send("POST", "/fhir/R4/Appointment/$hold", "application/fhir+json", """
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-resource", "resource": {"resourceType": "Appointment", "status": "pending",
              "participant": [{"status": "accepted"}]}}]}
            """.getBytes(StandardCharsets.UTF_8), patient, Map.of());

        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(202);
        assertThat(book.statusCode()).isEqualTo(202);
        BookingRequest held = (BookingRequest) server.producer.history().get(0).value();
        BookingRequest booked = (BookingRequest) server.producer.history().get(1).value();
        assertThat(held.getHold()).isTrue();
        assertThat(booked.getHold()).isFalse();
        assertThat(held.getBookingId()).isEqualTo(booked.getBookingId()).isEqualTo(BookingIds.of("f-1", "p-1", "dr-1", PROPOSED));
        assertThat(resource.statusCode()).isEqualTo(400);
        assertThat(FhirJson.parse(OperationOutcome.class, resource.body()).getIssueFirstRep().getExpression().get(0).getValue())
            .isEqualTo("Parameters.parameter.where(name = 'appointment-reference')");
        assertThat(server.producer.history()).hasSize(2);
    }

    @Test
    void shouldBookForThePatientAStaffCallerNames() throws Exception {
        String scheduler = JwtTestKit.mint(KEY).role(Role.SCHEDULER).facilities("f-1").sign();

        HttpResponse<String> withoutPatient = book("""
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-reference", "valueReference": {"reference": "Appointment/%s"}}]}
            """.formatted(PROPOSED), scheduler);
        HttpResponse<String> withPatient = book("""
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-reference", "valueReference": {"reference": "Appointment/%s"}},
              {"name": "patient-resource", "resource": {"resourceType": "Patient", "identifier": [{"system": "https://careflow.org/fhir/sid/patient", "value": "p_7"}]}}]}
            """.formatted(PROPOSED), scheduler);

        assertThat(withoutPatient.statusCode()).isEqualTo(400);
        assertThat(FhirJson.parse(OperationOutcome.class, withoutPatient.body()).getIssueFirstRep().getExpression().get(0).getValue())
            .isEqualTo("Parameters.parameter.where(name = 'patient-resource')");
        assertThat(withPatient.statusCode()).as(withPatient.body()).isEqualTo(202);
        assertThat(((BookingRequest) server.producer.history().get(0).value()).getPatientId()).isEqualTo("p_7");
    }

    @Test
    void shouldRefuseAnotherFacilitysSlotAndWriteNothing() throws Exception {
        String scheduler = JwtTestKit.mint(KEY).role(Role.SCHEDULER).facilities("f-2").sign();

        HttpResponse<String> response = book("""
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-reference", "valueReference": {"reference": "Appointment/%s"}},
              {"name": "patient-resource", "resource": {"resourceType": "Patient", "id": "p-1"}}]}
            """.formatted(PROPOSED), scheduler);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(FhirJson.parse(OperationOutcome.class, response.body()).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
        assertThat(server.producer.history()).isEmpty();
    }

    @Test
    void shouldCancelABookingGivenAsACancelledAppointment() throws Exception {
        String patient = JwtTestKit.mint(KEY).role(Role.PATIENT).patient("p-1").facilities().sign();

        HttpResponse<String> response = book("""
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-resource", "resource": {"resourceType": "Appointment",
              "id": "bk-Abc.def", "status": "cancelled", "cancelationReason": {"text": "feeling better"},
              "participant": [{"actor": {"reference": "Patient/p-1"}, "status": "declined"}]}}]}
            """, patient);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        BookingCancellation cancellation = (BookingCancellation) server.producer.history().get(0).value();
        assertThat(cancellation.getBookingId()).isEqualTo("bk-Abc_def");
        assertThat(cancellation.getReason()).isEqualTo("feeling better");
    }

    @Test
    void shouldNameWhatCannotBeReadInTheParameters() throws Exception {
        String patient = JwtTestKit.mint(KEY).role(Role.PATIENT).patient("p-1").facilities().sign();

        HttpResponse<String> both = book("""
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-reference", "valueReference": {"reference": "Appointment/%s"}},
              {"name": "appointment-resource", "resource": {"resourceType": "Appointment", "status": "pending", "participant": [{"status": "accepted"}]}}]}
            """.formatted(PROPOSED), patient);
        HttpResponse<String> notProposed = book("""
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-reference", "valueReference": {"reference": "Appointment/bk-1"}},
              {"name": "urgency", "valueString": "high"}]}
            """, patient);

        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(notProposed.statusCode()).isEqualTo(400);
        assertThat(FhirJson.parse(OperationOutcome.class, notProposed.body()).getIssue()).extracting(i -> i.getExpression().get(0).getValue())
            .containsExactlyInAnyOrder("Parameters.parameter.where(name = 'urgency')", "Parameters.parameter.where(name = 'appointment-reference')");
        assertThat(server.producer.history()).isEmpty();
    }

    private HttpResponse<String> book(String body, String token) throws Exception {
        return server.send("POST", "/fhir/R4/Appointment/$book", "application/fhir+json", body.getBytes(StandardCharsets.UTF_8), token, Map.of());
    }
}
