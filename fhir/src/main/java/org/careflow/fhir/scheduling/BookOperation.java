package org.careflow.fhir.scheduling;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.FhirIds;
import org.careflow.validation.FieldError;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * An IHE {@code $book} read as the JSON API's request it stands for, so the same parser checks it and the same saga
 * decides it:
 * <ul>
 *   <li>{@code appointment-reference} to a proposed appointment, or {@code appointment-resource} with status
 *       {@code pending}: a new booking ({@code POST /v1/bookings}) of that slot. Its client booking id is the proposed
 *       appointment's id (a resource may give its own as an identifier), so the same $book sent again is the same
 *       booking and gets the same decision;</li>
 *   <li>{@code appointment-resource} with status {@code cancelled} and careflow's id: a cancellation
 *       ({@code POST /v1/bookings/{id}/cancel}), its reason the cancelation reason's text or {@code comment};</li>
 *   <li>{@code appointment-resource} with status {@code booked}, careflow's id and a new slot: a reschedule
 *       ({@code POST /v1/bookings/{id}/reschedule}), which cancels the old booking once the new one is confirmed.</li>
 * </ul>
 * The patient is the appointment's Patient participant, else {@code patient-resource} (its id, or an identifier in
 * careflow's patient system), else the calling patient.
 */
public final class BookOperation {

    public static final String APPOINTMENT_REFERENCE = "appointment-reference";
    public static final String APPOINTMENT_RESOURCE = "appointment-resource";
    public static final String PATIENT_RESOURCE = "patient-resource";
    public static final String COMMENT = "comment";
    static final String DEFAULT_REASON = "Cancelled through FHIR $book";

    /** What the $book asks for: which JSON request, and the body of it. */
    public enum Kind { BOOK, CANCEL, RESCHEDULE }

    /**
     * @param bookingId for CANCEL and RESCHEDULE, careflow's id of the booking acted on; null for BOOK
     */
    public record Request(Kind kind, String bookingId, ObjectNode body) {
    }

    private BookOperation() {
    }

    /**
     * The request {@code parameters} stand for; what cannot be read goes to {@code errors} (then the result is null).
     *
     * @param callerPatientId the calling patient, when a patient calls
     * @param staff whether the caller is staff (a cancellation is then recorded as the staff's)
     */
    public static Request read(Parameters parameters, String callerPatientId, boolean staff, List<FieldError> errors) {
        Parameters.ParametersParameterComponent reference = parameters.getParameter(APPOINTMENT_REFERENCE);
        Parameters.ParametersParameterComponent resource = parameters.getParameter(APPOINTMENT_RESOURCE);
        for (Parameters.ParametersParameterComponent p : parameters.getParameter()) {
            if (!List.of(APPOINTMENT_REFERENCE, APPOINTMENT_RESOURCE, PATIENT_RESOURCE, COMMENT).contains(p.getName())) {
                errors.add(new FieldError(parameter(p.getName()), p.getName() + ": $book takes appointment-reference, "
                    + "appointment-resource, patient-resource and comment"));
            }
        }
        if ((reference == null) == (resource == null)) {
            errors.add(new FieldError("Parameters.parameter", "give appointment-reference or appointment-resource, one of them"));
            return null;
        }
        String patientId = patient(parameters, callerPatientId, errors);
        if (reference != null) {
            String id = reference.getValue() instanceof Reference r && r.getReference() != null && r.getReference().startsWith("Appointment/")
                ? r.getReference().substring("Appointment/".length()) : null;
            SchedulingResources.ProposedSlot slot = id == null ? null : SchedulingResources.proposedSlot(id);
            if (slot == null) {
                errors.add(new FieldError(parameter(APPOINTMENT_REFERENCE), "must be Appointment/{id} of an appointment $find proposed "
                    + "(one whose id is a digest, for ids too long to carry its slot, is booked with appointment-resource)"));
                return null;
            }
            return errors.isEmpty() ? new Request(Kind.BOOK, null, booking("bookingId", id, patientId, slot)) : null;
        }
        if (!(resource.getResource() instanceof Appointment appointment)) {
            errors.add(new FieldError(parameter(APPOINTMENT_RESOURCE), "must hold an Appointment"));
            return null;
        }
        String fromParticipant = participant(appointment, "Patient", FhirCodes.PATIENT_ID_SYSTEM);
        patientId = fromParticipant != null ? fromParticipant : patientId;
        Appointment.AppointmentStatus status = appointment.getStatus();
        if (status == Appointment.AppointmentStatus.CANCELLED) {
            String bookingId = bookingId(appointment, errors);
            if (bookingId == null) {
                return null;
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            String reason = appointment.getCancelationReason().hasText() ? appointment.getCancelationReason().getText()
                : parameters.getParameter(COMMENT) != null ? parameters.getParameter(COMMENT).getValue().primitiveValue() : DEFAULT_REASON;
            body.put("reason", reason);
            body.put("cancelledBy", staff ? "STAFF" : "PATIENT");
            if (patientId != null) {
                body.put("patientId", patientId);
            }
            return new Request(Kind.CANCEL, bookingId, body);
        }
        SchedulingResources.ProposedSlot slot = slot(appointment, errors);
        if (slot == null) {
            return null;
        }
        String clientId = SchedulingResources.proposedId(slot);
        for (Identifier identifier : appointment.getIdentifier()) {
            if (identifier.hasValue() && !FhirCodes.BOOKING_ID_SYSTEM.equals(identifier.getSystem())) {
                clientId = identifier.getValue();
            }
        }
        if (status == Appointment.AppointmentStatus.PENDING || status == Appointment.AppointmentStatus.PROPOSED) {
            return errors.isEmpty() ? new Request(Kind.BOOK, null, booking("bookingId", clientId, patientId, slot)) : null;
        }
        if (status == Appointment.AppointmentStatus.BOOKED) {
            String bookingId = bookingId(appointment, errors);
            return errors.isEmpty() && bookingId != null
                ? new Request(Kind.RESCHEDULE, bookingId, booking("newBookingId", clientId, patientId, slot)) : null;
        }
        errors.add(new FieldError(resource("status"), "must be pending (book), booked (move a booking) or cancelled (cancel one)"));
        return null;
    }

    /**
     * The request a {@code $hold}'s {@code parameters} stand for: a booking of the proposed appointment given by
     * {@code appointment-reference} (the only way to name one), which the ingest API marks as a hold.
     */
    public static Request readHold(Parameters parameters, String callerPatientId, List<FieldError> errors) {
        if (parameters.getParameter(APPOINTMENT_REFERENCE) == null) {
            errors.add(new FieldError(parameter(APPOINTMENT_REFERENCE), "is required: $hold holds a proposed appointment"));
            return null;
        }
        if (parameters.getParameter(APPOINTMENT_RESOURCE) != null) {
            errors.add(new FieldError(parameter(APPOINTMENT_RESOURCE), "$hold takes appointment-reference only"));
            return null;
        }
        return read(parameters, callerPatientId, false, errors);
    }

    /** The FHIRPath in the $book's Parameters of what the JSON parsers name by {@code pointer}. */
    public static String expression(Parameters parameters, String pointer) {
        String field = pointer.startsWith("/") ? pointer.substring(1) : pointer;
        boolean byReference = parameters.getParameter(APPOINTMENT_REFERENCE) != null;
        return switch (field) {
            case "patientId" -> byReference ? parameter(PATIENT_RESOURCE) : resource("participant");
            case "providerId" -> byReference ? parameter(APPOINTMENT_REFERENCE) : resource("participant");
            case "facilityId" -> byReference ? parameter(APPOINTMENT_REFERENCE) : resource("extension('" + FhirCodes.FACILITY_EXTENSION + "')");
            case "slotStart" -> byReference ? parameter(APPOINTMENT_REFERENCE) : resource("start");
            case "appointmentType" -> byReference ? parameter(APPOINTMENT_REFERENCE) : resource("serviceType");
            case "bookingId", "newBookingId" -> byReference ? parameter(APPOINTMENT_REFERENCE) : resource("identifier");
            case "reason" -> resource("cancelationReason");
            default -> "Parameters";
        };
    }

    private static ObjectNode booking(String idField, String clientId, String patientId, SchedulingResources.ProposedSlot slot) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put(idField, clientId);
        if (patientId != null) {
            body.put("patientId", patientId);
        }
        body.put("providerId", slot.providerId());
        body.put("facilityId", slot.facilityId());
        body.put("slotStart", DateTimeFormatter.ISO_INSTANT.format(slot.start()));
        body.put("appointmentType", slot.appointmentType());
        return body;
    }

    private static SchedulingResources.ProposedSlot slot(Appointment appointment, List<FieldError> errors) {
        String providerId = participant(appointment, "Practitioner", FhirCodes.PROVIDER_ID_SYSTEM);
        Extension facility = appointment.getExtensionByUrl(FhirCodes.FACILITY_EXTENSION);
        String facilityId = facility != null && facility.getValue() instanceof Reference r ? id(r, "Organization", FhirCodes.FACILITY_ID_SYSTEM) : null;
        String type = null;
        for (CodeableConcept concept : appointment.getServiceType()) {
            if (concept.hasCoding()) {
                type = concept.getCodingFirstRep().getCode();
            }
        }
        if (providerId == null) {
            errors.add(new FieldError(resource("participant"), "needs a Practitioner participant: the provider"));
        }
        if (facilityId == null) {
            errors.add(new FieldError(resource("extension('" + FhirCodes.FACILITY_EXTENSION + "')"), "must name the facility (Organization)"));
        }
        if (!appointment.hasStart()) {
            errors.add(new FieldError(resource("start"), "is required: the slot's start"));
        }
        if (type == null) {
            errors.add(new FieldError(resource("serviceType"), "is required: the appointment type"));
        }
        return errors.isEmpty() ? new SchedulingResources.ProposedSlot(facilityId, providerId, appointment.getStart().toInstant(), type) : null;
    }

    private static String bookingId(Appointment appointment, List<FieldError> errors) {
        if (!appointment.hasIdElement() || appointment.getIdElement().getIdPart() == null) {
            errors.add(new FieldError(resource("id"), "is required: careflow's id of the booking"));
            return null;
        }
        return FhirIds.opaque(appointment.getIdElement().getIdPart());
    }

    private static String patient(Parameters parameters, String callerPatientId, List<FieldError> errors) {
        Parameters.ParametersParameterComponent given = parameters.getParameter(PATIENT_RESOURCE);
        if (given == null) {
            return callerPatientId;
        }
        Resource resource = given.getResource();
        if (resource instanceof Patient patient) {
            for (Identifier identifier : patient.getIdentifier()) {
                if (FhirCodes.PATIENT_ID_SYSTEM.equals(identifier.getSystem()) && identifier.hasValue()) {
                    return identifier.getValue();
                }
            }
            if (patient.hasIdElement() && patient.getIdElement().getIdPart() != null) {
                return patient.getIdElement().getIdPart();
            }
        }
        errors.add(new FieldError(parameter(PATIENT_RESOURCE), "must be a Patient with careflow's patient id (its id or an identifier in "
            + FhirCodes.PATIENT_ID_SYSTEM + ")"));
        return null;
    }

    private static String participant(Appointment appointment, String type, String system) {
        for (Appointment.AppointmentParticipantComponent p : appointment.getParticipant()) {
            String id = id(p.getActor(), type, system);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    private static String id(Reference reference, String type, String system) {
        if (reference == null) {
            return null;
        }
        if (reference.hasReference() && reference.getReference().startsWith(type + "/")) {
            return reference.getReference().substring(type.length() + 1);
        }
        if (reference.hasIdentifier() && system.equals(reference.getIdentifier().getSystem()) && reference.getIdentifier().hasValue()) {
            return reference.getIdentifier().getValue();
        }
        return null;
    }

    private static String parameter(String name) {
        return "Parameters.parameter.where(name = '" + name + "')";
    }

    private static String resource(String element) {
        return parameter(APPOINTMENT_RESOURCE) + ".resource." + element;
    }
}
