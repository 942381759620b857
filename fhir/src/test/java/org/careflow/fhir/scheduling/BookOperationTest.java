package org.careflow.fhir.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.careflow.fhir.FhirJson;
import org.careflow.validation.FieldError;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;

class BookOperationTest {

    static final Instant TEN = Instant.parse("2026-12-14T10:00:00Z");

    @Test
    void shouldReadABookedAppointmentWithANewSlotAsARescheduleOfItsBooking() {
        Parameters parameters = parameters("""
            {"resourceType": "Appointment", "id": "bk-Old.id", "status": "booked", "start": "2026-12-14T10:00:00Z", "end": "2026-12-14T10:30:00Z",
             "serviceType": [{"coding": [{"code": "follow-up"}]}],
             "extension": [{"url": "https://careflow.org/fhir/StructureDefinition/facility", "valueReference": {"reference": "Organization/f-1"}}],
             "participant": [{"actor": {"reference": "Patient/p-1"}, "status": "accepted"}, {"actor": {"reference": "Practitioner/dr-2"}, "status": "accepted"}]}
            """);
        List<FieldError> errors = new ArrayList<>();

        BookOperation.Request request = BookOperation.read(parameters, null, true, errors);

        assertThat(errors).isEmpty();
        assertThat(request.kind()).isEqualTo(BookOperation.Kind.RESCHEDULE);
        assertThat(request.bookingId()).isEqualTo("bk-Old_id");
        assertThat(request.body().get("newBookingId").asText())
            .isEqualTo(SchedulingResources.proposedId(new SchedulingResources.ProposedSlot("f-1", "dr-2", TEN, "follow-up")));
        assertThat(request.body().get("patientId").asText()).isEqualTo("p-1");
        assertThat(request.body().get("providerId").asText()).isEqualTo("dr-2");
        assertThat(request.body().get("slotStart").asText()).isEqualTo("2026-12-14T10:00:00Z");
    }

    @Test
    void shouldReadAPendingAppointmentWithItsOwnIdentifierAsABookingUnderThatId() {
        Parameters parameters = parameters("""
            {"resourceType": "Appointment", "status": "pending", "start": "2026-12-14T10:00:00Z", "end": "2026-12-14T10:30:00Z",
             "identifier": [{"system": "urn:example:app", "value": "app-42"}], "serviceType": [{"coding": [{"code": "follow-up"}]}],
             "extension": [{"url": "https://careflow.org/fhir/StructureDefinition/facility", "valueReference": {"reference": "Organization/f-1"}}],
             "participant": [{"actor": {"reference": "Practitioner/dr-2"}, "status": "needs-action"}]}
            """);
        List<FieldError> errors = new ArrayList<>();

        BookOperation.Request request = BookOperation.read(parameters, "p-9", false, errors);

        assertThat(errors).isEmpty();
        assertThat(request.kind()).isEqualTo(BookOperation.Kind.BOOK);
        assertThat(request.body().get("bookingId").asText()).isEqualTo("app-42");
        assertThat(request.body().get("patientId").asText()).as("the calling patient").isEqualTo("p-9");
    }

    @Test
    void shouldRecordAStaffCancellationAsTheStaffsWithTheCommentAsReason() {
        Parameters parameters = parameters("""
            {"resourceType": "Appointment", "id": "bk-1", "status": "cancelled", "participant": [{"actor": {"reference": "Practitioner/dr-2"}, "status": "declined"}]}
            """);
        parameters.addParameter().setName("comment").setValue(new org.hl7.fhir.r4.model.StringType("clinic closed"));
        List<FieldError> errors = new ArrayList<>();

        BookOperation.Request request = BookOperation.read(parameters, null, true, errors);

        assertThat(request.kind()).isEqualTo(BookOperation.Kind.CANCEL);
        assertThat(request.body().get("cancelledBy").asText()).isEqualTo("STAFF");
        assertThat(request.body().get("reason").asText()).isEqualTo("clinic closed");
    }

    @Test
    void shouldNameEachMissingPartOfAnAppointmentToBook() {
        Parameters parameters = parameters("""
            {"resourceType": "Appointment", "status": "pending", "participant": [{"status": "needs-action"}]}
            """);
        List<FieldError> errors = new ArrayList<>();

        assertThat(BookOperation.read(parameters, "p-1", false, errors)).isNull();
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder(
            "Parameters.parameter.where(name = 'appointment-resource').resource.participant",
            "Parameters.parameter.where(name = 'appointment-resource').resource.extension('https://careflow.org/fhir/StructureDefinition/facility')",
            "Parameters.parameter.where(name = 'appointment-resource').resource.start",
            "Parameters.parameter.where(name = 'appointment-resource').resource.serviceType");
    }

    @Test
    void shouldRefuseAnAppointmentInAStatusBookDoesNotTake() {
        List<FieldError> errors = new ArrayList<>();

        assertThat(BookOperation.read(parameters("""
            {"resourceType": "Appointment", "status": "fulfilled", "start": "2026-12-14T10:00:00Z", "end": "2026-12-14T10:30:00Z",
             "serviceType": [{"coding": [{"code": "follow-up"}]}],
             "extension": [{"url": "https://careflow.org/fhir/StructureDefinition/facility", "valueReference": {"reference": "Organization/f-1"}}],
             "participant": [{"actor": {"reference": "Practitioner/dr-2"}, "status": "accepted"}]}
            """), "p-1", false, errors)).isNull();
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.message()).contains("pending"));
    }

    private static Parameters parameters(String appointment) {
        return FhirJson.parse(Parameters.class, """
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-resource", "resource": %s}]}
            """.formatted(appointment));
    }
}
