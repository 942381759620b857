package org.careflow.ingest.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.scheduling.BookOperation;
import org.careflow.fhir.scheduling.SchedulingFhir;
import org.careflow.fhir.search.Searchsets;
import org.careflow.security.Principal;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.careflow.fhir.CapabilityStatements;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.http.FhirHttp;
import org.careflow.fhir.search.ResourceSupport;
import org.careflow.fhir.triage.QuestionnaireResponses;
import org.careflow.fhir.triage.TriageFhir;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import org.careflow.ingest.IngestRoutes;
import org.careflow.security.EndpointClass;
import org.careflow.security.FhirInteraction;
import org.careflow.validation.FieldError;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

/**
 * The ingest API's FHIR R4 interface ({@code /fhir/R4}): writes in FHIR that become the very events of the JSON routes,
 * through the same parsers and checks ({@link IngestRoutes}). Errors name FHIRPath expressions in what was sent.
 */
public final class IngestFhirRoutes {

    public static final String METADATA_PATH = FhirHttp.BASE_PATH + "/metadata";
    public static final String QUESTIONNAIRE_RESPONSE_PATH = FhirHttp.BASE_PATH + "/QuestionnaireResponse";
    public static final String BOOK_PATH = FhirHttp.BASE_PATH + "/Appointment/$book";
    public static final String HOLD_PATH = FhirHttp.BASE_PATH + "/Appointment/$hold";
    /** What the ingest API serves. */
    public static final List<ResourceSupport> SUPPORTED = List.of(TriageFhir.QUESTIONNAIRE_RESPONSE, SchedulingFhir.APPOINTMENT_WRITES);

    private final IngestRoutes intake;
    private final BookingDecisions decisions;
    private final CapabilityStatement capabilities;

    /** Routes whose $book answers 202 at once: no streams-scheduling to read decisions from. */
    public IngestFhirRoutes(IngestRoutes intake) {
        this(intake, "", Duration.ZERO);
    }

    /**
     * @param schedulingUrl streams-scheduling's base URL, where $book reads the saga's decision ({@code fhir.scheduling.url})
     * @param bookWait how long $book waits for it ({@code fhir.book.wait.ms})
     */
    public IngestFhirRoutes(IngestRoutes intake, String schedulingUrl, Duration bookWait) {
        this.intake = intake;
        this.decisions = new BookingDecisions(schedulingUrl, bookWait);
        this.capabilities = CapabilityStatements.of("ingest-api", SUPPORTED);
    }

    public void register(JavalinConfig config) {
        config.routes.get(METADATA_PATH, ctx -> FhirHttp.respond(ctx, 200, capabilities), EndpointClass.PUBLIC);
        config.routes.post(QUESTIONNAIRE_RESPONSE_PATH, this::submit, EndpointClass.TRIAGE_SUBMIT, FhirInteraction.create("QuestionnaireResponse"));
        config.routes.post(BOOK_PATH, this::book, EndpointClass.BOOKING_WRITE, FhirInteraction.create("Appointment"));
        config.routes.post(HOLD_PATH, this::hold, EndpointClass.BOOKING_WRITE, FhirInteraction.create("Appointment"));
    }

    /**
     * IHE $hold: the proposed appointment's slot held for its patient, as a booking request the saga holds without
     * booking; answered with the held (pending) appointment, or why it could not be held.
     */
    private void hold(Context ctx) {
        Parameters parameters = parameters(ctx);
        Principal caller = SecurityGate.principal(ctx).orElse(null);
        boolean patient = caller != null && caller.role() == Role.PATIENT;
        List<FieldError> errors = new ArrayList<>();
        BookOperation.Request request = BookOperation.readHold(parameters, patient ? caller.patientId() : null, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        try {
            BookingRequest booking = intake.bookingParser().parse(request.body());
            booking.setHold(true);
            // Any state of the booking is the answer: held (pending), or what an earlier request made of it.
            intake.acceptBooking(ctx, booking, metadata -> answer(ctx, booking.getEventId(), booking.getBookingId(), a -> true));
        } catch (ProblemException e) {
            throw named(parameters, e);
        }
    }

    /** IHE $book: a booking, cancellation or reschedule, answered with the saga's decision when it comes in time. */
    private void book(Context ctx) {
        Parameters parameters = parameters(ctx);
        Principal caller = SecurityGate.principal(ctx).orElse(null);
        boolean patient = caller != null && caller.role() == Role.PATIENT;
        List<FieldError> errors = new ArrayList<>();
        BookOperation.Request request = BookOperation.read(parameters, patient ? caller.patientId() : null, caller != null && !patient, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        if (request.kind() != BookOperation.Kind.BOOK) {
            // Cancelling or moving a booking updates it: a SMART-scoped token needs Appointment's u as well as its c.
            SecurityGate.requireSmart(ctx, "Appointment", 'u');
        }
        try {
            switch (request.kind()) {
                case BOOK, RESCHEDULE -> {
                    BookingRequest booking = request.kind() == BookOperation.Kind.BOOK ? intake.bookingParser().parse(request.body())
                        : intake.bookingParser().parseReschedule(request.bookingId(), request.body());
                    intake.acceptBooking(ctx, booking, metadata -> answer(ctx, booking.getEventId(), booking.getBookingId(),
                        a -> a.getStatus() != Appointment.AppointmentStatus.PENDING));
                }
                case CANCEL -> {
                    BookingCancellation cancellation = intake.cancellationParser().parse(request.bookingId(), request.body());
                    intake.acceptCancellation(ctx, cancellation, metadata -> answer(ctx, cancellation.getEventId(), cancellation.getBookingId(),
                        a -> a.getStatus() == Appointment.AppointmentStatus.CANCELLED));
                }
            }
        } catch (ProblemException e) {
            throw named(parameters, e);
        }
    }

    private static Parameters parameters(Context ctx) {
        try {
            return FhirJson.parse(Parameters.class, ctx.body());
        } catch (DataFormatException | ClassCastException e) {
            throw ProblemException.invalid(List.of(new FieldError("", "the body is not a FHIR R4 Parameters resource in JSON: "
                + firstLine(e.getMessage()))));
        }
    }

    /** {@code e} with each field the JSON parsers named given as its FHIRPath in {@code parameters}. */
    private static ProblemException named(Parameters parameters, ProblemException e) {
        Problem p = e.problem();
        List<FieldError> named = new ArrayList<>();
        p.errors().forEach(error -> named.add(new FieldError(BookOperation.expression(parameters, error.field()), error.message())));
        return new ProblemException(new Problem(p.type(), p.title(), p.status(), p.detail(), named), e.headers());
    }

    /**
     * The answer to a $book Kafka holds: as IHE's $book answers, a searchset of the appointment as decided, or of one
     * OperationOutcome when careflow did not do what was asked (the reason coded); 202 with a Location to poll when no
     * decision came in time.
     */
    private CompletableFuture<Void> answer(Context ctx, String requestId, String bookingId, Predicate<Appointment> decided) {
        if (!decisions.enabled()) {
            undecided(ctx, bookingId);
            return CompletableFuture.completedFuture(null);
        }
        return decisions.await(requestId, bookingId, ctx.header(SecurityGate.AUTHORIZATION), decided).thenAccept(outcome -> {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
            String base = FhirHttp.base(ctx);
            if (outcome instanceof BookingDecisions.Refused refused) {
                bundle.setTotal(0);
                Searchsets.add(bundle, base, refusal(refused.reason(), "The request was refused: " + refused.reason()), Bundle.SearchEntryMode.OUTCOME);
                FhirHttp.respond(ctx, 200, bundle);
            } else if (outcome instanceof BookingDecisions.Decided done && done.appointment().hasCancelationReason()
                && done.appointment().getCancelationReason().getCodingFirstRep().getSystem().equals(FhirCodes.REJECTION_REASON_SYSTEM)) {
                String reason = done.appointment().getCancelationReason().getCodingFirstRep().getCode();
                bundle.setTotal(0);
                Searchsets.add(bundle, base, refusal(reason, "Not booked: " + reason), Bundle.SearchEntryMode.OUTCOME);
                FhirHttp.respond(ctx, 200, bundle);
            } else if (outcome instanceof BookingDecisions.Decided done) {
                bundle.setTotal(1);
                Searchsets.add(bundle, base, done.appointment(), Bundle.SearchEntryMode.MATCH);
                FhirHttp.respond(ctx, 200, bundle);
            } else {
                undecided(ctx, bookingId);
            }
        });
    }

    private void undecided(Context ctx, String bookingId) {
        OperationOutcome pending = new OperationOutcome();
        pending.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION).setCode(OperationOutcome.IssueType.INFORMATIONAL)
            .setDiagnostics("Accepted; the saga has not decided yet. Read the appointment at the Location (streams-scheduling) "
                + "until it is no longer pending. Sending the same $book again is safe.");
        ctx.header("Location", decisions.location(bookingId));
        FhirHttp.respond(ctx, 202, pending);
    }

    private static OperationOutcome refusal(String reason, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        boolean taken = reason.equals("SLOT_TAKEN") || reason.equals("PATIENT_OVERLAP") || reason.equals("BOOKING_ID_TAKEN");
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
            .setCode(taken ? OperationOutcome.IssueType.CONFLICT : OperationOutcome.IssueType.BUSINESSRULE)
            .setDetails(new CodeableConcept().addCoding(new Coding(FhirCodes.REJECTION_REASON_SYSTEM, reason, null)).setText(reason))
            .setDiagnostics(diagnostics);
        return outcome;
    }

    private void submit(Context ctx) {
        QuestionnaireResponse response;
        try {
            response = FhirJson.parse(QuestionnaireResponse.class, ctx.body());
        } catch (DataFormatException | ClassCastException e) {
            throw ProblemException.invalid(List.of(new FieldError("", "the body is not a FHIR R4 QuestionnaireResponse in JSON: "
                + firstLine(e.getMessage()))));
        }
        List<FieldError> errors = new ArrayList<>();
        var body = QuestionnaireResponses.submission(response, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        try {
            TriageSubmission submission = intake.triageParser().parse(body);
            intake.acceptSubmission(ctx, submission, metadata -> {
                OperationOutcome accepted = new OperationOutcome();
                accepted.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION).setCode(OperationOutcome.IssueType.INFORMATIONAL)
                    .setDiagnostics("Accepted submission " + submission.getSubmissionId() + ": its assessment will be served as "
                        + "RiskAssessment and Observations of the patient by streams-triage. Sending it again is safe.");
                FhirHttp.respond(ctx, 202, accepted);
            });
        } catch (ProblemException e) {
            Problem p = e.problem();
            throw new ProblemException(new Problem(p.type(), p.title(), p.status(), p.detail(), QuestionnaireResponses.inResponse(p.errors())),
                e.headers());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
