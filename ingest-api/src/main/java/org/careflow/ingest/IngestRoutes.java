package org.careflow.ingest;

import org.careflow.validation.FieldError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.careflow.events.notifications.ContactWriter;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.forms.FormDefinitionParser;
import org.careflow.forms.FormDefinitions;
import org.careflow.forms.FormKey;
import org.careflow.events.facilities.Facility;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.facilities.FacilityParser;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.ingest.notifications.PatientContactParser;
import org.careflow.ingest.scheduling.BookingCancellationParser;
import org.careflow.ingest.scheduling.BookingRequestParser;
import org.careflow.ingest.scheduling.ProviderScheduleParser;
import org.careflow.ingest.triage.TriageBatchRoute;
import org.careflow.ingest.triage.TriageDispositionParser;
import org.careflow.ingest.triage.TriageSubmissionParser;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import org.careflow.rules.booking.BookingPolicy;
import org.careflow.rules.booking.BookingRequester;
import org.careflow.security.EndpointClass;
import org.careflow.security.Principal;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.careflow.security.SecurityRejection;
import org.careflow.topics.OnCallWebhookRule;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest API's routes: parse, validate, check that the body stays within the caller's scope, publish, and answer
 * 202 only once Kafka acknowledged. Every route is registered with one {@link EndpointClass}; the {@link SecurityGate}
 * has already checked the token, the role and any facility or patient in the path before a handler runs, and the
 * handler checks what the body names ({@link SecurityGate#requireWrite}) before anything is written.
 */
public final class IngestRoutes {

    public static final String TRIAGE_SUBMISSIONS_PATH = "/v1/triage-submissions";
    public static final String FORM_PATH = "/v1/forms/{formId}";
    public static final String DISPOSITION_PATH = "/v1/facilities/{facilityId}/queue/{patientId}/disposition";
    public static final String PROVIDER_SCHEDULE_PATH = "/v1/providers/{providerId}/schedule";
    public static final String BOOKINGS_PATH = "/v1/bookings";
    public static final String BOOKING_CANCEL_PATH = "/v1/bookings/{bookingId}/cancel";
    public static final String BOOKING_RESCHEDULE_PATH = "/v1/bookings/{bookingId}/reschedule";
    /** Where streams-scheduling answers the decision on a scheduling request (its query API). */
    public static final String DECISION_PATH_PREFIX = "/v1/scheduling-decisions/";
    public static final String PATIENT_CONTACT_PATH = "/v1/patients/{patientId}/contact";
    public static final String FACILITY_PATH = "/v1/facilities/{facilityId}";

    /** Problem type of a form version that cannot be published as sent. */
    public static final String FORM_VERSION_CONFLICT_TYPE = "https://careflow.org/problems/form-version-conflict";

    private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final EventPublisher publisher;
    private final FormCatalog forms;
    private final FacilityCatalog facilities;
    private final TriageSubmissionParser triageParser;
    private final TriageDispositionParser dispositionParser;
    private final FormDefinitionParser formParser;
    private final ProviderScheduleParser scheduleParser;
    private final BookingRequestParser bookingParser;
    private final BookingCancellationParser cancellationParser;
    private final PatientContactParser contactParser;
    private final FacilityParser facilityParser;
    private final TriageBatchRoute triageBatch;
    /** Form versions this instance is publishing, so two PUTs racing here cannot write one version twice. */
    private final ConcurrentMap<String, FormDefinition> formsInFlight = new ConcurrentHashMap<>();

    /**
     * What the routes allow beyond the catalogs.
     *
     * @param maxClockSkew how far in the future a client's {@code submittedAt}, {@code decidedAt} or {@code consent.at} may lie
     * @param batchLimits  how much one {@code POST /v1/triage-submissions:batch} may carry
     * @param webhooks     where a facility's on-call webhooks may point
     */
    public record Options(Duration maxClockSkew, TriageBatchRoute.Limits batchLimits, OnCallWebhookRule webhooks) {
        public Options {
            Objects.requireNonNull(maxClockSkew, "maxClockSkew");
            Objects.requireNonNull(batchLimits, "batchLimits");
            Objects.requireNonNull(webhooks, "webhooks");
        }

        /** The default batch limits and no webhook host allow-listed. */
        public static Options defaults(Duration maxClockSkew) {
            return new Options(maxClockSkew, new TriageBatchRoute.Limits(IngestConfig.DEFAULT_BATCH_MAX_ITEMS,
                IngestConfig.DEFAULT_HTTP_MAX_BATCH_REQUEST_BYTES), OnCallWebhookRule.strict());
        }
    }

    /** Routes with the default batch limits ({@code batch.max.items}, {@code http.max.batch.request.bytes}) and no allow-listed webhook host. */
    public IngestRoutes(EventPublisher publisher, FormCatalog forms, FacilityCatalog facilities, Clock clock, Duration maxClockSkew) {
        this(publisher, forms, facilities, clock, Options.defaults(maxClockSkew));
    }

    public IngestRoutes(EventPublisher publisher, FormCatalog forms, FacilityCatalog facilities, Clock clock, Options options) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.forms = Objects.requireNonNull(forms, "forms");
        this.facilities = Objects.requireNonNull(facilities, "facilities");
        this.triageParser = new TriageSubmissionParser(clock, options.maxClockSkew(), forms);
        this.dispositionParser = new TriageDispositionParser(clock, options.maxClockSkew());
        this.formParser = new FormDefinitionParser(clock);
        this.scheduleParser = new ProviderScheduleParser(clock);
        this.bookingParser = new BookingRequestParser(clock);
        this.cancellationParser = new BookingCancellationParser(clock);
        this.contactParser = new PatientContactParser(clock, options.maxClockSkew());
        this.facilityParser = new FacilityParser(clock, options.webhooks());
        this.triageBatch = new TriageBatchRoute(publisher, triageParser, facilities, clock, options.batchLimits());
    }

    /** Adds the routes to a server's configuration. */
    public void register(JavalinConfig config) {
        config.routes.post(TRIAGE_SUBMISSIONS_PATH, this::submitTriage, EndpointClass.TRIAGE_SUBMIT);
        triageBatch.register(config);
        config.routes.put(FORM_PATH, this::putForm, EndpointClass.FORM_ADMIN);
        config.routes.post(DISPOSITION_PATH, this::dispose, EndpointClass.DISPOSITION);
        config.routes.put(PROVIDER_SCHEDULE_PATH, this::putSchedule, EndpointClass.SCHEDULE_WRITE);
        config.routes.delete(PROVIDER_SCHEDULE_PATH, this::withdrawSchedule, EndpointClass.SCHEDULE_WRITE);
        config.routes.post(BOOKINGS_PATH, this::book, EndpointClass.BOOKING_WRITE);
        config.routes.post(BOOKING_CANCEL_PATH, this::cancelBooking, EndpointClass.BOOKING_WRITE);
        config.routes.post(BOOKING_RESCHEDULE_PATH, this::reschedule, EndpointClass.BOOKING_WRITE);
        config.routes.put(PATIENT_CONTACT_PATH, this::putContact, EndpointClass.CONTACT_WRITE);
        config.routes.put(FACILITY_PATH, this::putFacility, EndpointClass.FACILITY_ADMIN);
        config.routes.get(FACILITY_PATH, this::getFacility, EndpointClass.FACILITY_ADMIN);
    }

    private void submitTriage(Context ctx) {
        TriageSubmission submission = triageParser.parse(jsonBody(ctx));
        acceptSubmission(ctx, submission, metadata -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("submissionId", submission.getSubmissionId());
            ctx.status(202).json(accepted(body, metadata));
        });
    }

    /** The parser every single triage submission goes through, whatever it was sent as (JSON, a FHIR QuestionnaireResponse). */
    public TriageSubmissionParser triageParser() {
        return triageParser;
    }

    /**
     * Checks a parsed submission against the caller and its facility, then publishes it; {@code onAccepted} answers once
     * Kafka holds it (503 if it does not). Every single submission route ends here, so they all write the same event.
     */
    public void acceptSubmission(Context ctx, TriageSubmission submission, Consumer<RecordMetadata> onAccepted) {
        SecurityGate.requireWrite(ctx, submission.getFacilityId(), submission.getPatientId());
        facilities.requireTriageAccepted(submission.getFacilityId(), "/facilityId", isPatient(ctx));
        publishThen(ctx, Topics.TRIAGE_SUBMISSIONS, submission.getPatientId(), submission, "Retry with the same submissionId.", onAccepted);
    }

    private void dispose(Context ctx) {
        TriageDisposition disposition = dispositionParser.parse(ctx.pathParam("facilityId"), ctx.pathParam("patientId"), jsonBody(ctx));
        // The gate checked the path's facility; this repeats it on what is written, so the two cannot drift apart.
        SecurityGate.requireWrite(ctx, disposition.getFacilityId(), disposition.getPatientId());
        facilities.requireKnown(disposition.getFacilityId(), "facilityId");
        publishThen(ctx, Topics.TRIAGE_DISPOSITIONS, disposition.getFacilityId(), disposition,
            "Retry; a disposition recorded twice is harmless.", metadata -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("eventId", disposition.getEventId());
                return accepted(body, metadata);
            });
    }

    /** Replaces the facility's whole schedule of the provider: the topic is compacted by (providerId, facilityId), so the latest PUT wins. */
    private void putSchedule(Context ctx) {
        ProviderSchedule schedule = scheduleParser.parse(ctx.pathParam("providerId"), jsonBody(ctx));
        SecurityGate.requireWrite(ctx, schedule.getFacilityId(), null);
        facilities.requireKnown(schedule.getFacilityId(), "/facilityId");
        // Keyed by provider and facility, in the provider's partition (the publisher places it: see ProviderScheduleKeys).
        publishThen(ctx, Topics.PROVIDER_SCHEDULES, ProviderScheduleKeys.of(schedule.getProviderId(), schedule.getFacilityId()), schedule,
            "Retry the same PUT; the schedule published last replaces the others.", metadata -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("providerId", schedule.getProviderId());
                body.put("facilityId", schedule.getFacilityId());
                decisionLink(ctx, body, schedule.getEventId());
                return accepted(body, metadata);
            });
    }

    /**
     * Withdraws the facility's provider (a tombstone for its key): its schedule and free slots go, booked slots stay
     * and are flagged as conflicts for the facility to resolve. Only the facility's own staff or integration may, as
     * for a schedule; another facility's provider of the same id is another key, out of reach.
     */
    private void withdrawSchedule(Context ctx) {
        String facilityId = ctx.queryParam("facilityId");
        String key = scheduleParser.withdrawalKey(ctx.pathParam("providerId"), facilityId);
        SecurityGate.requireWrite(ctx, facilityId, null);
        facilities.requireKnown(facilityId, "facilityId");
        ctx.future(() -> publisher.publish(Topics.PROVIDER_SCHEDULES, key, (ProviderSchedule) null).handle((metadata, error) -> {
            if (error != null) {
                respondUnavailable(ctx, error, "Retry the same DELETE; withdrawing twice is harmless.");
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("providerId", ctx.pathParam("providerId"));
                body.put("facilityId", facilityId);
                ctx.status(202).json(accepted(body, "WITHDRAWN", metadata));
            }
            return null;
        }));
    }

    private void book(Context ctx) {
        publishBooking(ctx, bookingParser.parse(jsonBody(ctx)));
    }

    private void reschedule(Context ctx) {
        publishBooking(ctx, bookingParser.parseReschedule(ctx.pathParam("bookingId"), jsonBody(ctx)));
    }

    private void publishBooking(Context ctx, BookingRequest request) {
        acceptBooking(ctx, request, metadata -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("bookingId", request.getBookingId());
            body.put("clientBookingId", request.getClientBookingId());
            if (request.getReplacesBookingId() != null) {
                body.put("replacesBookingId", request.getReplacesBookingId());
            }
            decisionLink(ctx, body, request.getEventId());
            ctx.status(202).json(accepted(body, "PENDING", metadata));
            return CompletableFuture.completedFuture(null);
        });
    }

    /** The parser of booking and reschedule requests, whatever they were sent as (JSON, a FHIR $book). */
    public BookingRequestParser bookingParser() {
        return bookingParser;
    }

    /** The parser of cancellations, whatever they were sent as. */
    public BookingCancellationParser cancellationParser() {
        return cancellationParser;
    }

    /**
     * Checks a parsed booking (or reschedule) request against the caller and its facility, then publishes it for the
     * saga; {@code onAccepted} answers once Kafka holds it (503 if it does not). Keyed by provider, so one task decides
     * every request for a provider's slots, in order. A reschedule is checked like a new booking; whether the booking it
     * replaces is the patient's and at one of a staff caller's facilities is known only to streams-scheduling, so the
     * caller's facilities travel with the request and it decides. Every booking route ends here.
     */
    public void acceptBooking(Context ctx, BookingRequest request, Function<RecordMetadata, CompletableFuture<Void>> onAccepted) {
        // The parser requires facilityId: a provider id alone may name providers of several facilities.
        SecurityGate.requireWrite(ctx, request.getFacilityId(), request.getPatientId());
        facilities.requireKnown(request.getFacilityId(), "/facilityId");
        request.setCallerFacilityIds(requester(ctx).facilityIds());
        String retryHint = request.getReplacesBookingId() == null ? "Retry with the same bookingId." : "Retry with the same newBookingId.";
        publishThenAsync(ctx, Topics.BOOKING_REQUESTS, request.getProviderId(), request, retryHint, onAccepted);
    }

    /** Keyed by bookingId: whoever cancels knows the booking, not always its provider. */
    private void cancelBooking(Context ctx) {
        BookingCancellation cancellation = cancellationParser.parse(ctx.pathParam("bookingId"), jsonBody(ctx));
        acceptCancellation(ctx, cancellation, metadata -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("bookingId", cancellation.getBookingId());
            decisionLink(ctx, body, cancellation.getEventId());
            ctx.status(202).json(accepted(body, "CANCELLATION_REQUESTED", metadata));
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Checks a parsed cancellation against the caller, then publishes it; every cancellation route ends here. */
    public void acceptCancellation(Context ctx, BookingCancellation cancellation, Function<RecordMetadata, CompletableFuture<Void>> onAccepted) {
        requireOwnCancellation(ctx, cancellation);
        publishThenAsync(ctx, Topics.BOOKING_CANCELLATIONS, cancellation.getBookingId(), cancellation,
            "Retry; a cancellation recorded twice cancels once.", onAccepted);
    }

    /**
     * Replaces the patient's whole contact record: the topic is compacted by patientId, so the latest PUT wins. Whether it
     * may is decided by streams-notifications, which keeps the contact and knows the patient's bookings: the caller's
     * kind and facilities travel with the record, and the decision is a ContactOutcome.
     */
    private void putContact(Context ctx) {
        PatientContact contact = contactParser.parse(ctx.pathParam("patientId"), jsonBody(ctx));
        SecurityGate.requireWrite(ctx, null, contact.getPatientId());
        recordContactWriter(ctx, contact);
        publishThen(ctx, Topics.PATIENT_CONTACTS, contact.getPatientId(), contact,
            "Retry the same PUT; the contact record published last replaces the others.", metadata -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("patientId", contact.getPatientId());
                return accepted(body, metadata);
            });
    }

    /**
     * Replaces the facility's whole record: the topic is compacted by facilityId, so the latest PUT wins. Known to this
     * instance's catalog as soon as Kafka acknowledged it; other instances learn it from the topic.
     */
    private void putFacility(Context ctx) {
        Facility facility = facilityParser.parse(ctx.pathParam("facilityId"), jsonBody(ctx));
        ctx.future(() -> publisher.publish(Topics.FACILITIES, facility.getFacilityId(), facility).handle((metadata, error) -> {
            if (error != null) {
                respondUnavailable(ctx, error, "Retry the same PUT; the facility record published last replaces the others.");
            } else {
                facilities.put(facility);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("facilityId", facility.getFacilityId());
                ctx.status(202).json(accepted(body, metadata));
            }
            return null;
        }));
    }

    /** The facility's record as this instance's catalog holds it; 404 when there is none. */
    private void getFacility(Context ctx) {
        String facilityId = ctx.pathParam("facilityId");
        Facility facility = facilities.find(facilityId).orElse(null);
        if (facility == null) {
            if (!facilities.caughtUp()) {
                throw ProblemException.unavailable("The facility catalog is still loading. Retry shortly.", RETRY_AFTER);
            }
            throw ProblemException.notFound("No facility " + facilityId + " is registered");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("facilityId", facility.getFacilityId());
        body.put("name", facility.getName());
        body.put("active", facility.getActive());
        body.put("acceptsSelfTriage", facility.getAcceptsSelfTriage());
        body.put("timeZone", facility.getTimeZone());
        body.put("onCallContacts", facility.getOnCallContacts().stream().map(c -> {
            Map<String, Object> contact = new LinkedHashMap<>();
            contact.put("channel", c.getChannel().name());
            contact.put("address", c.getAddress());
            contact.put("label", c.getLabel());
            return contact;
        }).toList());
        body.put("eventId", facility.getEventId());
        body.put("updatedAt", facility.getOccurredAt().toString());
        ctx.json(body);
    }

    /** A patient submitting for themselves is held to the facility's self-triage setting; other callers are not. */
    private static boolean isPatient(Context ctx) {
        return SecurityGate.principal(ctx).map(p -> p.role() == Role.PATIENT).orElse(false);
    }

    /**
     * Publishes a form version once: an identical re-send is answered 200 without writing, different content for a
     * published version is 409. A version below the latest is refused too (409): versions only grow, so "latest"
     * always means the one published last.
     */
    private void putForm(Context ctx) {
        FormDefinition form = formParser.parse(ctx.pathParam("formId"), jsonBody(ctx));
        if (form.getFacilityId() != null) {
            facilities.requireKnown(form.getFacilityId(), "/facilityId");
        }
        if (!forms.caughtUp()) {
            throw ProblemException.unavailable("The form catalog is still loading, so this version cannot be checked "
                + "against the published ones yet. Retry shortly.", RETRY_AFTER);
        }
        String formId = form.getFormId();
        int version = form.getVersion();
        String key = FormKey.of(formId, version);
        // Reserve the version before looking at the catalog, and put it in the catalog before releasing it:
        // a concurrent PUT then sees either the reservation or the published version.
        FormDefinition racing = formsInFlight.putIfAbsent(key, form);
        boolean reserved = racing == null;
        boolean publishing = false;
        try {
            int latest = forms.find(formId, null).map(FormDefinition::getVersion).orElse(0);
            if (racing != null && !FormDefinitions.sameContent(racing, form)) {
                throw versionConflict("Form version being published", "version " + version + " of form " + formId
                    + " is being published with other content; publish version " + (Math.max(latest, version) + 1));
            }
            Optional<FormDefinition> existing = forms.find(formId, version);
            if (existing.isPresent()) {
                if (!FormDefinitions.sameContent(existing.get(), form)) {
                    throw versionConflict("Form version exists",
                        "version " + version + " of form " + formId + " exists; publish version " + (latest + 1));
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("formId", formId);
                body.put("version", version);
                body.put("status", "UNCHANGED");
                body.put("eventId", existing.get().getEventId());
                body.put("publishedAt", existing.get().getOccurredAt());
                ctx.status(200).json(body);
                return;
            }
            if (version < latest) {
                throw versionConflict("Form version below the latest", "version " + version + " of form " + formId
                    + " is below its latest version " + latest + "; publish version " + (latest + 1));
            }
            ctx.future(() -> publisher.publish(Topics.TRIAGE_FORMS, key, form).handle((metadata, error) -> {
                if (error == null) {
                    forms.put(form);
                }
                if (reserved) {
                    formsInFlight.remove(key, form);
                }
                if (error != null) {
                    respondUnavailable(ctx, error, "Retry the same PUT.");
                } else {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("formId", formId);
                    body.put("version", version);
                    ctx.status(202).json(accepted(body, metadata));
                }
                return null;
            }));
            publishing = true;
        } finally {
            if (reserved && !publishing) {
                formsInFlight.remove(key, form);
            }
        }
    }

    /**
     * What ingest can check of a cancellation: the booking's patient and facility are known only to streams-scheduling,
     * so what it needs to decide is recorded on the event. A patient may cancel only as themselves: a patientId in the
     * body must be theirs, is recorded as theirs when absent, and cancelledBy must be PATIENT. A scheduler's or
     * integration's facilities are recorded, and the scheduler refuses a booking at any other.
     */
    private static void requireOwnCancellation(Context ctx, BookingCancellation cancellation) {
        Optional<Principal> caller = SecurityGate.principal(ctx);
        if (caller.isEmpty() || caller.get().role() != Role.PATIENT) {
            cancellation.setCallerFacilityIds(requester(ctx).facilityIds());
            return;
        }
        String patientId = BookingPolicy.cancellingPatient(caller.get().patientId(), cancellation.getPatientId());
        // The gate's own check answers a foreign patient id, so the 403 reads as on every other route.
        SecurityGate.requireWrite(ctx, null, patientId);
        Optional<BookingPolicy.Refusal> refusal = BookingPolicy.checkPatientCancellation(caller.get().patientId(),
            cancellation.getPatientId(), cancellation.getCancelledBy() == CancelledBy.PATIENT);
        if (refusal.isPresent()) {
            throw new ProblemException(new Problem(SecurityRejection.TYPE_FORBIDDEN, "Forbidden", 403,
                "Access refused: a patient cancels as PATIENT. Nothing was recorded.",
                List.of(new FieldError("/cancelledBy", "must be PATIENT (or absent) for a patient caller"))));
        }
        // Recorded, so the scheduler can compare it with the booking's patient.
        cancellation.setPatientId(patientId);
    }

    /**
     * Who wrote a contact: a patient (whose new phone streams-notifications verifies before binding it), or a facility's
     * integration with its facilities (which must be linked to the patient). Nothing is recorded with authentication off.
     */
    static void recordContactWriter(Context ctx, PatientContact contact) {
        Optional<Principal> caller = SecurityGate.principal(ctx);
        if (caller.isEmpty()) {
            return;
        }
        if (caller.get().role() == Role.PATIENT) {
            contact.setWrittenBy(ContactWriter.PATIENT);
        } else {
            contact.setWrittenBy(ContactWriter.FACILITY);
            contact.setCallerFacilityIds(staffFacilities(ctx));
        }
    }

    /** Who asks, as a booking request or cancellation records it for streams-scheduling's {@link BookingPolicy} checks. */
    private static BookingRequester requester(Context ctx) {
        return SecurityGate.principal(ctx)
            .map(p -> p.role() == Role.PATIENT ? BookingRequester.patient(p.patientId()) : BookingRequester.staff(p.facilities()))
            .orElseGet(BookingRequester::unknown);
    }

    /** The facilities of a staff or integration caller, sorted; null for a patient, or when authentication is off. */
    private static List<String> staffFacilities(Context ctx) {
        return SecurityGate.principal(ctx).filter(p -> p.role() != Role.PATIENT)
            .map(p -> p.facilities().stream().sorted().toList())
            .orElse(null);
    }

    private static ProblemException versionConflict(String title, String message) {
        return new ProblemException(new Problem(FORM_VERSION_CONFLICT_TYPE, title, 409, message,
            List.of(new FieldError("/version", message))));
    }

    /** Publishes {@code value} and answers 202 with {@code body} once Kafka acknowledged it, 503 if it did not. */
    private <V extends SpecificRecord> void publishThen(Context ctx, Topic<String, V> topic, String key, V value, String retryHint,
                                                       Function<RecordMetadata, Map<String, Object>> body) {
        publishThen(ctx, topic, key, value, retryHint, (Consumer<RecordMetadata>) metadata -> ctx.status(202).json(body.apply(metadata)));
    }

    /** Publishes {@code value}; {@code onAccepted} answers once Kafka acknowledged it, 503 if it did not. */
    private <V extends SpecificRecord> void publishThen(Context ctx, Topic<String, V> topic, String key, V value, String retryHint,
                                                       Consumer<RecordMetadata> onAccepted) {
        publishThenAsync(ctx, topic, key, value, retryHint, metadata -> {
            onAccepted.accept(metadata);
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * Publishes {@code value}; once Kafka acknowledged it, {@code onAccepted} starts the answer, which is sent when its
     * future completes (503 at once if Kafka did not acknowledge). Nothing waits on the producer's thread.
     */
    private <V extends SpecificRecord> void publishThenAsync(Context ctx, Topic<String, V> topic, String key, V value, String retryHint,
                                                            Function<RecordMetadata, CompletableFuture<Void>> onAccepted) {
        ctx.future(() -> publisher.publish(topic, key, value).handle((metadata, error) -> {
            if (error != null) {
                respondUnavailable(ctx, error, retryHint);
                return CompletableFuture.<Void>completedFuture(null);
            }
            return onAccepted.apply(metadata);
        }).thenCompose(answer -> answer));
    }

    /**
     * A scheduling request is decided by streams-scheduling, not here: the answer names the request and where its
     * decision (ACCEPTED, or REFUSED with a reason) can be read, on streams-scheduling's query API.
     */
    private static void decisionLink(Context ctx, Map<String, Object> body, String requestId) {
        String location = DECISION_PATH_PREFIX + requestId;
        body.put("requestId", requestId);
        body.put("decision", location);
        ctx.header("Location", location);
    }

    private static Map<String, Object> accepted(Map<String, Object> body, RecordMetadata metadata) {
        return accepted(body, "ACCEPTED", metadata);
    }

    private static Map<String, Object> accepted(Map<String, Object> body, String status, RecordMetadata metadata) {
        body.put("status", status);
        body.put("topic", metadata.topic());
        body.put("partition", metadata.partition());
        body.put("offset", metadata.offset());
        return body;
    }

    private void respondUnavailable(Context ctx, Throwable error, String retryHint) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.warn("Event not accepted on {}, Kafka did not acknowledge it: {}", ctx.endpoint().path, cause.getMessage());
        ctx.header("Retry-After", Long.toString(RETRY_AFTER.toSeconds()));
        HttpServerFactory.respond(ctx, unconfirmed(error, publisher.timeout(), retryHint));
    }

    /** Problem type of a write Kafka did not confirm in time, that it may nonetheless hold. */
    public static final String OUTCOME_UNKNOWN_TYPE = "https://careflow.org/problems/write-outcome-unknown";

    /**
     * The 503 of a write Kafka did not confirm: "not recorded" only when the record certainly was not written, else
     * {@value #OUTCOME_UNKNOWN_TYPE}, which says it may have been and that the same request, sent again, is safe.
     */
    public static Problem unconfirmed(Throwable error, Duration timeout, String retryHint) {
        if (WriteFailure.outcomeOf(error) == WriteFailure.Outcome.NOT_WRITTEN) {
            return Problem.of(503, "Event not accepted", "Kafka did not acknowledge the event within " + timeout.toMillis()
                + " ms; it was not recorded. " + retryHint);
        }
        return new Problem(OUTCOME_UNKNOWN_TYPE, "Write outcome unknown", 503, "Kafka did not confirm the write within "
            + timeout.toMillis() + " ms: the event may or may not have been recorded. Sending the same request again is safe, "
            + "it is recorded once (the same ids are de-duplicated downstream). " + retryHint, List.of());
    }

    /** The body as JSON: 415 unless it is declared JSON, 400 when it does not parse. */
    public static JsonNode jsonBody(Context ctx) {
        String contentType = ctx.contentType();
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase();
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new ProblemException(Problem.of(415, "Unsupported media type",
                "Send the body as application/json (got " + (contentType == null ? "no Content-Type" : mediaType) + ")"));
        }
        byte[] bytes = ctx.bodyAsBytes();
        try {
            return HttpServerFactory.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ProblemException.invalid(List.of(new FieldError("", "the body is not valid JSON" + where)));
        } catch (java.io.IOException e) {
            throw ProblemException.invalid(List.of(new FieldError("", "the body could not be read")));
        }
    }
}
