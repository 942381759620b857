package org.careflow.fhir.scheduling;

import java.util.List;
import org.careflow.fhir.search.ResourceSupport;
import org.careflow.fhir.search.SearchParam;

/** What careflow's FHIR interface serves of scheduling: streams-scheduling reads, the ingest API writes. */
public final class SchedulingFhir {

    /** IHE ITI Scheduling's operations, by their canonical definitions. */
    public static final String FIND_DEFINITION = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-find";
    public static final String HOLD_DEFINITION = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-hold";
    public static final String BOOK_DEFINITION = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-book";

    public static final ResourceSupport SCHEDULE = ResourceSupport.of("Schedule").read()
        .search(SearchParam.reference("actor", "Practitioner", "Schedule.actor", "The provider (careflow's provider id): required"),
            SearchParam.of("active", SearchParam.Type.TOKEN, "Schedule.active", "true: every schedule careflow holds is active"))
        .requireOneOf("actor")
        .documentation("A provider's schedule at one facility; its id names both ({facility}.{provider}, with - _ : . escaped "
            + "as --, -u, -c, -d).")
        .build();

    public static final ResourceSupport SLOT = ResourceSupport.of("Slot")
        .search(SearchParam.reference("schedule", "Schedule", "Slot.schedule", "The schedule: required"),
            SearchParam.of("start", SearchParam.Type.DATE, "Slot.start", "When the slot starts: eq, gt, ge, lt, le; from now to "
                + "a week ahead when not given, never beyond the booking horizon"),
            SearchParam.of("status", SearchParam.Type.TOKEN, "Slot.status", "free, busy (booked) or busy-tentative (held while a booking is decided)"),
            SearchParam.of("service-type", SearchParam.Type.TOKEN, "Slot.serviceType", "An appointment type the schedule offers"))
        .requireOneOf("schedule")
        .documentation("The schedule's slots within the booking horizon, cut from its weekly template, time off and extra "
            + "sessions in the provider's time zone; in order of start.")
        .build();

    public static final ResourceSupport APPOINTMENT = ResourceSupport.of("Appointment").read()
        .search(SearchParam.reference("patient", "Patient", "Appointment.participant.actor", "The patient: their bookings"),
            SearchParam.reference("practitioner", "Practitioner", "Appointment.participant.actor",
                "The provider: its booked and held slots (staff of its facility; the patient is not named)"),
            SearchParam.of("date", SearchParam.Type.DATE, "Appointment.start", "When the appointment starts"),
            SearchParam.of("status", SearchParam.Type.TOKEN, "Appointment.status", "pending, booked or cancelled"))
        .requireOneOf("patient", "practitioner")
        .operation("find", FIND_DEFINITION, "Open slots as proposed Appointments: start and end (required), practitioner or "
            + "organization (one of them), visit-type, patient-reference; GET or POST with Parameters; _count pages.")
        .documentation("Bookings: pending while the saga decides, booked, or cancelled (also when careflow did not book it, "
            + "with the reason as cancelationReason). careflow records no attendance outcome, so never noshow.")
        .build();

    /** Served by the ingest API, which writes booking requests and cancellations. */
    public static final ResourceSupport APPOINTMENT_WRITES = ResourceSupport.of("Appointment")
        .operation("hold", HOLD_DEFINITION, "Holds a proposed appointment's slot for its patient (appointment-reference, and "
            + "patient-resource for a staff caller) for slots.hold.minutes: nobody else is offered or given it meanwhile; "
            + "$book of the same appointment books it, else the hold is released and forgotten. Answered as $book is.")
        .operation("book", BOOK_DEFINITION, "Books a proposed appointment (appointment-reference, or appointment-resource with "
            + "status pending), cancels one (appointment-resource with status cancelled) or moves one (status booked with a new "
            + "slot); decided by the same exactly-once saga as POST /v1/bookings. 200 with the decision when it is made in time, "
            + "else 202 with a Location to poll.")
        .documentation("Writes only: read and search appointments on streams-scheduling.")
        .build();

    /** The parameters of {@code Appointment/$find} careflow takes (IHE ITI-115's names), read as a search's. */
    public static final ResourceSupport FIND_PARAMETERS = ResourceSupport.of("Appointment")
        .search(SearchParam.of("start", SearchParam.Type.DATE, "start", "Earliest start: required"),
            SearchParam.of("end", SearchParam.Type.DATE, "end", "Latest start: required"),
            SearchParam.reference("practitioner", "Practitioner", "practitioner", "One provider"),
            SearchParam.reference("organization", "Organization", "organization", "The facility: every provider of it, or the provider's there"),
            SearchParam.of("visit-type", SearchParam.Type.TOKEN, "visit-type", "An appointment type"),
            SearchParam.reference("patient-reference", "Patient", "patient-reference", "The patient the appointments are for"))
        .requireOneOf("practitioner", "organization")
        .documentation("Appointment/$find")
        .build();

    /** Everything streams-scheduling serves. */
    public static final List<ResourceSupport> READS = List.of(SCHEDULE, SLOT, APPOINTMENT);

    private SchedulingFhir() {
    }
}
