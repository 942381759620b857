package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.api.MethodOutcome;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.FhirResources;
import org.careflow.platform.embedded.Await;
import org.careflow.security.Role;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * careflow's FHIR R4 interface driven by HAPI's generic client on the whole local stack, with real tokens: a schedule
 * published, $find, $book, search, cancel and $book again; a QuestionnaireResponse whose Observations and RiskAssessment
 * carry the JSON API's NEWS2 total and band; a $hold that nobody else can take and its patient then books; and 200
 * concurrent $book calls for 10 slots booking exactly 10, one per slot.
 * Every resource read is validated against base R4.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String FACILITY = "f-fhir";
    private static final String PROVIDER = "dr-fhir";
    private static final String CROWD_PROVIDER = "dr-crowd";

    private final HttpClient http = HttpClient.newHttpClient();
    private LocalStack stack;
    private String day;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        stack = LocalStack.start(StackOptions.ephemeral(dataDir));
        HttpCalls.actAs(stack.auth());
        HttpCalls.registerFacilities(stack.ingestUrl(), FACILITY);
        FhirJson.context().getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        day = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
        for (String[] provider : new String[][] {{PROVIDER, "09:00", "11:00"}, {CROWD_PROVIDER, "13:00", "18:00"}}) {
            HttpResponse<String> put = HttpCalls.sendAs(scheduler(), "PUT", stack.ingestUrl() + "/v1/providers/" + provider[0] + "/schedule", """
                {"facilityId": "%s", "timeZone": "UTC", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
                 "weekly": {}, "extraSessions": [{"date": "%s", "start": "%s", "end": "%s"}]}
                """.formatted(FACILITY, day, provider[1], provider[2]));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
        }
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(0)
    void shouldPublishAValidCapabilityStatementOnEveryApp() {
        for (String base : List.of(stack.ingestUrl(), stack.triageUrl(), stack.schedulingUrl(), stack.masterdataUrl())) {
            org.hl7.fhir.r4.model.CapabilityStatement statement = FhirJson.context().newRestfulGenericClient(base + "/fhir/R4")
                .capabilities().ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();
            assertValid(statement);
            assertThat(statement.getRestFirstRep().getResource()).as(base).isNotEmpty();
        }
    }

    @Test
    @Order(1)
    void shouldFindBookSearchCancelAndBookAgainThroughAFhirClient() {
        IGenericClient scheduling = client(stack.schedulingUrl(), scheduler());
        IGenericClient ingest = client(stack.ingestUrl(), patient("p-fhir-1"));

        // The schedule and its four slots
        Bundle schedules = Await.value("the schedule", DEADLINE, () -> {
            Bundle b = scheduling.search().forResource(org.hl7.fhir.r4.model.Schedule.class)
                .where(new ReferenceClientParam("actor").hasId("Practitioner/" + PROVIDER)).returnBundle(Bundle.class).execute();
            return b.getTotal() == 1 ? b : null;
        });
        assertValid(schedules);
        String scheduleId = schedules.getEntryFirstRep().getResource().getIdElement().getIdPart();
        Bundle slots = scheduling.search().forResource(Slot.class).where(new ReferenceClientParam("schedule").hasId("Schedule/" + scheduleId))
            .and(new TokenClientParam("status").exactly().code("free")).returnBundle(Bundle.class).execute();
        assertValid(slots);
        assertThat(slots.getTotal()).isEqualTo(4);

        // $find, by GET with the patient's token
        IGenericClient patientReads = client(stack.schedulingUrl(), patient("p-fhir-1"));
        Bundle proposed = find(patientReads, PROVIDER);
        assertValid(proposed);
        assertThat(proposed.getTotal()).isEqualTo(4);
        Appointment first = (Appointment) proposed.getEntryFirstRep().getResource();
        assertThat(first.getStatus()).isEqualTo(Appointment.AppointmentStatus.PROPOSED);

        // $book it: answered with the saga's decision
        Bundle booked = ingest.operation().onType(Appointment.class).named("$book")
            .withParameter(Parameters.class, "appointment-reference", new Reference("Appointment/" + first.getIdElement().getIdPart()))
            .returnResourceType(Bundle.class).execute();
        assertValid(booked);
        Appointment appointment = (Appointment) booked.getEntryFirstRep().getResource();
        assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(appointment.getStart()).isEqualTo(first.getStart());

        // Read and search it
        Appointment read = patientReads.read().resource(Appointment.class).withId(appointment.getIdElement().getIdPart()).execute();
        assertValid(scheduling.read().resource(org.hl7.fhir.r4.model.Schedule.class).withId(scheduleId).execute());
        assertValid(read);
        assertThat(read.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        Bundle mine = patientReads.search().forResource(Appointment.class).where(new ReferenceClientParam("patient").hasId("p-fhir-1"))
            .returnBundle(Bundle.class).execute();
        assertValid(mine);
        assertThat(mine.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(appointment.getIdElement().getIdPart());
        assertThat(find(patientReads, PROVIDER).getTotal()).isEqualTo(3);

        // Cancel it, as IHE's $book cancels: the Appointment with status cancelled
        Appointment cancel = new Appointment().setStatus(Appointment.AppointmentStatus.CANCELLED)
            .setCancelationReason(new CodeableConcept().setText("better"));
        cancel.setId(appointment.getIdElement().getIdPart());
        Bundle cancelled = ingest.operation().onType(Appointment.class).named("$book")
            .withParameter(Parameters.class, "appointment-resource", cancel).returnResourceType(Bundle.class).execute();
        assertValid(cancelled);
        assertThat(((Appointment) cancelled.getEntryFirstRep().getResource()).getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        assertThat(find(patientReads, PROVIDER).getTotal()).isEqualTo(4);

        // $book again: the same patient, the same slot, with a booking id of its own
        Appointment again = new Appointment().setStatus(Appointment.AppointmentStatus.PENDING).setStart(first.getStart()).setEnd(first.getEnd());
        again.addIdentifier(new Identifier().setSystem("urn:example:app").setValue("second-try"));
        again.addServiceType(first.getServiceTypeFirstRep());
        again.addParticipant().setActor(new Reference("Practitioner/" + PROVIDER)).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
        again.addExtension(new Extension("https://careflow.org/fhir/StructureDefinition/facility", new Reference("Organization/" + FACILITY)));
        Bundle rebooked = ingest.operation().onType(Appointment.class).named("$book")
            .withParameter(Parameters.class, "appointment-resource", again).returnResourceType(Bundle.class).execute();
        assertValid(rebooked);
        Appointment second = (Appointment) rebooked.getEntryFirstRep().getResource();
        assertThat(second.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(second.getIdElement().getIdPart()).isNotEqualTo(appointment.getIdElement().getIdPart());

        // Another patient $books the same slot: refused, the reason coded
        Bundle refused = client(stack.ingestUrl(), patient("p-fhir-2")).operation().onType(Appointment.class).named("$book")
            .withParameter(Parameters.class, "appointment-reference", new Reference("Appointment/" + first.getIdElement().getIdPart()))
            .returnResourceType(Bundle.class).execute();
        assertValid(refused);
        OperationOutcome outcome = (OperationOutcome) refused.getEntryFirstRep().getResource();
        assertThat(outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo("SLOT_TAKEN");

        // $hold another slot: offered to nobody else, taken by nobody else, then booked by the patient who holds it
        Reference secondSlot = new Reference("Appointment/" + proposed.getEntry().get(1).getResource().getIdElement().getIdPart());
        IGenericClient holder = client(stack.ingestUrl(), patient("p-fhir-3"));
        Bundle held = holder.operation().onType(Appointment.class).named("$hold")
            .withParameter(Parameters.class, "appointment-reference", secondSlot).returnResourceType(Bundle.class).execute();
        assertValid(held);
        assertThat(((Appointment) held.getEntryFirstRep().getResource()).getStatus()).isEqualTo(Appointment.AppointmentStatus.PENDING);
        assertThat(find(patientReads, PROVIDER).getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
            .hasSize(2).doesNotContain(secondSlot.getReferenceElement().getIdPart());
        Bundle takenWhileHeld = client(stack.ingestUrl(), patient("p-fhir-4")).operation().onType(Appointment.class).named("$book")
            .withParameter(Parameters.class, "appointment-reference", secondSlot).returnResourceType(Bundle.class).execute();
        assertValid(takenWhileHeld);
        assertThat(((OperationOutcome) takenWhileHeld.getEntryFirstRep().getResource()).getIssueFirstRep().getDetails().getCodingFirstRep()
            .getCode()).isEqualTo("SLOT_TAKEN");
        Bundle bookedHold = holder.operation().onType(Appointment.class).named("$book")
            .withParameter(Parameters.class, "appointment-reference", secondSlot).returnResourceType(Bundle.class).execute();
        assertValid(bookedHold);
        assertThat(((Appointment) bookedHold.getEntryFirstRep().getResource()).getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
    }

    @Test
    @Order(2)
    void shouldAssessAQuestionnaireResponseAsTheJsonApiDoes() {
        String patientId = "p-fhir-qr";
        QuestionnaireResponse response = new QuestionnaireResponse().setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED)
            .setIdentifier(new Identifier().setValue("qr-1")).setSubject(new Reference("Patient/" + patientId))
            .setQuestionnaire("https://careflow.org/fhir/Questionnaire/general-v1|1").setAuthored(new Date());
        response.addExtension(new Extension("https://careflow.org/fhir/StructureDefinition/facility", new Reference("Organization/" + FACILITY)));
        QuestionnaireResponse.QuestionnaireResponseItemComponent vitals = response.addItem().setLinkId("vitals");
        vitals.addItem().setLinkId("respiratoryRate").addAnswer().setValue(new IntegerType(22));
        vitals.addItem().setLinkId("spo2").addAnswer().setValue(new IntegerType(93));
        vitals.addItem().setLinkId("onSupplementalOxygen").addAnswer().setValue(new org.hl7.fhir.r4.model.BooleanType(false));
        vitals.addItem().setLinkId("systolicBp").addAnswer().setValue(new IntegerType(105));
        vitals.addItem().setLinkId("heartRate").addAnswer().setValue(new IntegerType(95));
        vitals.addItem().setLinkId("consciousness").addAnswer().setValue(new Coding().setCode("ALERT"));
        vitals.addItem().setLinkId("temperature").addAnswer().setValue(new org.hl7.fhir.r4.model.DecimalType("38.4"));
        response.addItem().setLinkId("chiefComplaint").addAnswer().setValue(new StringType("<script>alert(1)</script> cough"));

        MethodOutcome created = client(stack.ingestUrl(), patient(patientId)).create().resource(response).execute();
        assertThat(created.getResponseStatusCode()).isEqualTo(202);
        assertValid((Resource) created.getOperationOutcome());

        JsonNode json = Await.value("the assessment", DEADLINE, () -> HttpCalls.json(HttpCalls.sendAs(patient(patientId), "GET",
            stack.triageUrl() + "/v1/patients/" + patientId + "/triage", null).body()).path("band").isMissingNode() ? null
            : HttpCalls.json(HttpCalls.sendAs(patient(patientId), "GET", stack.triageUrl() + "/v1/patients/" + patientId + "/triage", null).body()));
        IGenericClient triage = client(stack.triageUrl(), clinician());
        Bundle observations = triage.search().forResource(Observation.class).where(new ReferenceClientParam("patient").hasId(patientId))
            .returnBundle(Bundle.class).execute();
        Bundle risks = triage.search().forResource(RiskAssessment.class).where(new ReferenceClientParam("patient").hasId(patientId))
            .returnBundle(Bundle.class).execute();
        assertValid(observations);
        assertValid(risks);
        Observation news2 = observations.getEntry().stream().map(e -> (Observation) e.getResource())
            .filter(o -> o.getCode().getCodingFirstRep().getCode().equals("1104051000000101")).findFirst().orElseThrow();
        assertThat(news2.getValueQuantity().getValue().intValue()).isEqualTo(json.get("news2Total").asInt()).isEqualTo(7);
        assertThat(((RiskAssessment) risks.getEntryFirstRep().getResource()).getPredictionFirstRep().getQualitativeRisk().getCodingFirstRep().getCode())
            .isEqualTo(json.get("band").asText());
    }

    @Test
    @Order(3)
    void shouldLetOpsSearchTheAuditOfEveryReadOfAPatientAsAuditEvents() {
        String patientId = "p-fhir-qr";
        IGenericClient ops = client(stack.masterdataUrl(), stack.auth().token(Role.OPS, Set.of(), null));

        // The clinician's searches of the patient in the test before, audited by the triage instance that read them
        Bundle audit = Await.value("the reads of the patient audited", DEADLINE, () -> {
            Bundle b = ops.search().forResource(org.hl7.fhir.r4.model.AuditEvent.class)
                .where(new ReferenceClientParam("patient").hasId(patientId)).returnBundle(Bundle.class).execute();
            return b.getEntry().size() >= 2 ? b : null;
        });
        assertValid(audit);
        org.hl7.fhir.r4.model.AuditEvent event = (org.hl7.fhir.r4.model.AuditEvent) audit.getEntryFirstRep().getResource();
        assertThat(event.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo(patientId);
        assertThat(event.getSource().getSite()).isIn("streams-triage", "streams-scheduling");

        // Only ops reads the audit trail
        HttpResponse<String> clinician = getAs(stack.masterdataUrl() + "/fhir/R4/AuditEvent?patient=" + patientId, clinician());
        assertThat(clinician.statusCode()).isEqualTo(403);
        assertThat(FhirJson.parse(OperationOutcome.class, clinician.body()).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
    }

    @Test
    @Order(4)
    void shouldBookExactlyOneOfTwoHundredConcurrentBookingsPerSlot() throws Exception {
        // Ten proposed slots of one provider
        IGenericClient reads = client(stack.schedulingUrl(), scheduler());
        Bundle proposed = Await.value("ten proposed slots", DEADLINE, () -> {
            Bundle b = find(reads, CROWD_PROVIDER);
            return b.getTotal() == 10 ? b : null;
        });
        List<String> ids = proposed.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();

        // 200 patients, twenty per slot, all at once
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<CompletableFuture<Appointment>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                String patientId = "p-crowd-" + i;
                String slot = ids.get(i % ids.size());
                calls.add(CompletableFuture.supplyAsync(() -> bookAndAwait(patientId, slot), pool));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }

        // Exactly ten booked, one per slot; every other refused
        List<Appointment> booked = calls.stream().map(CompletableFuture::join).filter(a -> a != null).toList();
        assertThat(booked).hasSize(10);
        Set<Date> starts = new HashSet<>();
        booked.forEach(a -> starts.add(a.getStart()));
        assertThat(starts).hasSize(10);
        assertThat(find(reads, CROWD_PROVIDER).getTotal()).isZero();
    }

    /** Books {@code slot} for the patient; the booked appointment, or null when careflow refused it. */
    private Appointment bookAndAwait(String patientId, String slot) {
        String body = """
            {"resourceType": "Parameters", "parameter": [{"name": "appointment-reference", "valueReference": {"reference": "Appointment/%s"}}]}
            """.formatted(slot);
        HttpResponse<String> response = post(stack.ingestUrl() + "/fhir/R4/Appointment/$book", patient(patientId), body);
        if (response.statusCode() == 202) {
            // Not decided within the wait: poll the appointment where the answer says.
            String location = response.headers().firstValue("Location").orElseThrow();
            Appointment decided = Await.value("the decision on " + location, DEADLINE, () -> {
                HttpResponse<String> r = getAs(location, patient(patientId));
                Appointment a = r.statusCode() == 200 ? FhirJson.parse(Appointment.class, r.body()) : null;
                if (a != null) {
                    assertValid(a);
                }
                return a != null && a.getStatus() != Appointment.AppointmentStatus.PENDING ? a : null;
            });
            return decided.getStatus() == Appointment.AppointmentStatus.BOOKED ? decided : null;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle bundle = FhirJson.parse(Bundle.class, response.body());
        assertValid(bundle);
        Resource resource = bundle.getEntryFirstRep().getResource();
        if (resource instanceof OperationOutcome outcome) {
            assertThat(outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo("SLOT_TAKEN");
            return null;
        }
        Appointment appointment = (Appointment) resource;
        assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        return appointment;
    }

    private Bundle find(IGenericClient client, String provider) {
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("start").setValue(new DateTimeType(day + "T00:00:00Z"));
        parameters.addParameter().setName("end").setValue(new DateTimeType(day + "T23:59:59Z"));
        parameters.addParameter().setName("practitioner").setValue(new StringType("Practitioner/" + provider));
        parameters.addParameter().setName("organization").setValue(new StringType("Organization/" + FACILITY));
        parameters.addParameter().setName("_count").setValue(new IntegerType(50));
        Bundle proposed = client.operation().onType(Appointment.class).named("$find").withParameters(parameters).useHttpGet()
            .returnResourceType(Bundle.class).execute();
        assertValid(proposed);
        return proposed;
    }

    private static void assertValid(Resource resource) {
        assertThat(FhirResources.errors(resource)).as(resource.fhirType()).isEmpty();
    }

    private static IGenericClient client(String base, String token) {
        IGenericClient client = FhirJson.context().newRestfulGenericClient(base + "/fhir/R4");
        client.registerInterceptor(new BearerTokenAuthInterceptor(token));
        return client;
    }

    private HttpResponse<String> post(String url, String token, String body) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> getAs(String url, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String patient(String patientId) {
        return stack.auth().token(Role.PATIENT, Set.of(), patientId);
    }

    private String scheduler() {
        return stack.auth().token(Role.SCHEDULER, Set.of(FACILITY), null);
    }

    private String clinician() {
        return stack.auth().token(Role.CLINICIAN, Set.of(FACILITY), null);
    }
}
