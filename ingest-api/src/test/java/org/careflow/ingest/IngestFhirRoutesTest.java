package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.avro.specific.SpecificRecord;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.FhirResources;
import org.careflow.security.JwtTestKit;
import org.careflow.security.Role;
import org.careflow.security.SecurityGate;
import org.careflow.topics.Topics;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest API's FHIR routes behind the real gate: a QuestionnaireResponse becomes the JSON route's very event. */
class IngestFhirRoutesTest {

    private static final ECKey KEY = JwtTestKit.ecKey("ingest-fhir");
    private static final String FHIR = "application/fhir+json";
    private static final String RESPONSE = """
        {"resourceType": "QuestionnaireResponse", "status": "completed",
         "identifier": {"value": "s-%s"}, "subject": {"reference": "Patient/%s"},
         "extension": [{"url": "https://careflow.org/fhir/StructureDefinition/facility", "valueReference": {"reference": "Organization/f-1"}},
                       {"url": "https://careflow.org/fhir/StructureDefinition/channel", "valueCode": "KIOSK"}],
         "questionnaire": "https://careflow.org/fhir/Questionnaire/general-v1|1", "authored": "2026-11-21T10:00:00Z",
         "item": [{"linkId": "vitals", "item": [
             {"linkId": "respiratoryRate", "answer": [{"valueInteger": %s}]},
             {"linkId": "spo2", "answer": [{"valueInteger": 93}]},
             {"linkId": "onSupplementalOxygen", "answer": [{"valueBoolean": false}]},
             {"linkId": "heartRate", "answer": [{"valueInteger": 95}]},
             {"linkId": "consciousness", "answer": [{"valueCoding": {"code": "ALERT"}}]},
             {"linkId": "temperature", "answer": [{"valueDecimal": 38.4}]}]},
           {"linkId": "chiefComplaint", "answer": [{"valueString": "cough"}]}]}
        """;
    private static final String JSON = """
        {"submissionId": "s-1", "patientId": "p-1", "facilityId": "f-1", "formId": "general-v1", "formVersion": 1, "channel": "KIOSK",
         "submittedAt": "2026-11-21T10:00:00Z", "chiefComplaint": "cough",
         "vitals": {"respiratoryRate": 22, "spo2": 93, "onSupplementalOxygen": false, "heartRate": 95, "consciousness": "ALERT",
                    "temperature": 38.4}}
        """;

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
    void shouldWriteTheSameEventAsTheJsonRouteWhenAQuestionnaireResponseIsPosted() throws Exception {
        String integration = JwtTestKit.mint(KEY).role(Role.INTEGRATION).facilities("f-1").sign();

        HttpResponse<String> fhir = post(String.format(RESPONSE, "1", "p-1", "22"), integration);
        HttpResponse<String> json = server.sendJson("POST", "/v1/triage-submissions", JSON, integration);

        assertThat(fhir.statusCode()).as(fhir.body()).isEqualTo(202);
        assertThat(FhirResources.errors(fhir.body())).isEmpty();
        assertThat(FhirJson.parse(OperationOutcome.class, fhir.body()).getIssueFirstRep().getSeverity())
            .isEqualTo(OperationOutcome.IssueSeverity.INFORMATION);
        assertThat(json.statusCode()).isEqualTo(202);
        List<ProducerRecord<String, SpecificRecord>> written = server.producer.history();
        assertThat(written).hasSize(2).allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.TRIAGE_SUBMISSIONS.name()));
        TriageSubmission fromFhir = (TriageSubmission) written.get(0).value();
        TriageSubmission fromJson = (TriageSubmission) written.get(1).value();
        assertThat(written.get(0).key()).isEqualTo(written.get(1).key());
        assertThat(fromFhir).usingRecursiveComparison().ignoringFields("eventId", "occurredAt").isEqualTo(fromJson);
    }

    @Test
    void shouldNameEachBadAnswerByItsFhirPathAndWriteNothing() throws Exception {
        String integration = JwtTestKit.mint(KEY).role(Role.INTEGRATION).facilities("f-1").sign();

        HttpResponse<String> response = post(String.format(RESPONSE, "2", "p-1", "-4"), integration);

        assertThat(response.statusCode()).isEqualTo(400);
        OperationOutcome outcome = FhirJson.parse(OperationOutcome.class, response.body());
        assertThat(FhirResources.errors(response.body())).isEmpty();
        assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getExpression().get(0).getValue())
            .isEqualTo("QuestionnaireResponse.repeat(item).where(linkId = 'respiratoryRate')"));
        assertThat(server.producer.history()).isEmpty();
    }

    @Test
    void shouldRefuseAPatientSubmittingForAnotherAndAnotherFacilitysIntegration() throws Exception {
        String otherPatient = JwtTestKit.mint(KEY).role(Role.PATIENT).patient("p-2").facilities().sign();
        String otherFacility = JwtTestKit.mint(KEY).role(Role.INTEGRATION).facilities("f-2").sign();

        HttpResponse<String> patient = post(String.format(RESPONSE, "3", "p-1", "22"), otherPatient);
        HttpResponse<String> facility = post(String.format(RESPONSE, "4", "p-1", "22"), otherFacility);

        for (HttpResponse<String> response : List.of(patient, facility)) {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(FhirJson.parse(OperationOutcome.class, response.body()).getIssueFirstRep().getCode())
                .isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
        }
        assertThat(server.producer.history()).isEmpty();
    }

    @Test
    void shouldAnswerAnOperationOutcomeForWhatIsNoQuestionnaireResponse() throws Exception {
        String integration = JwtTestKit.mint(KEY).role(Role.INTEGRATION).facilities("f-1").sign();

        HttpResponse<String> notJson = post("{not json", integration);
        HttpResponse<String> patientResource = post("{\"resourceType\": \"Patient\"}", integration);
        HttpResponse<String> anonymous = post(String.format(RESPONSE, "5", "p-1", "22"), null);

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(patientResource.statusCode()).isEqualTo(400);
        assertThat(FhirJson.parse(OperationOutcome.class, patientResource.body()).getIssueFirstRep().getCode())
            .isEqualTo(OperationOutcome.IssueType.INVALID);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(FhirJson.parse(OperationOutcome.class, anonymous.body()).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.LOGIN);
        assertThat(server.producer.history()).isEmpty();
    }

    @Test
    void shouldLetASmartScopedTokenDoOnlyTheFhirInteractionsItsScopesGrant() throws Exception {
        String submitOnly = JwtTestKit.mint(KEY).role(Role.PATIENT).patient("p-1").facilities().claim("scope", "openid patient/QuestionnaireResponse.c").sign();
        String readOnly = JwtTestKit.mint(KEY).role(Role.PATIENT).patient("p-1").facilities().claim("scope", "patient/*.rs").sign();

        HttpResponse<String> granted = post(String.format(RESPONSE, "6", "p-1", "22"), submitOnly);
        HttpResponse<String> json = server.sendJson("POST", "/v1/triage-submissions", JSON.replace("s-1", "s-7"), submitOnly);
        HttpResponse<String> notGranted = post(String.format(RESPONSE, "8", "p-1", "22"), readOnly);

        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(202);
        assertThat(json.statusCode()).isEqualTo(403);
        assertThat(json.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
        assertThat(notGranted.statusCode()).isEqualTo(403);
        assertThat(FhirJson.parse(OperationOutcome.class, notGranted.body()).getIssueFirstRep().getDiagnostics()).contains("smart-scope-insufficient");
        assertThat(server.producer.history()).hasSize(1);
    }

    @Test
    void shouldPublishAValidCapabilityStatementWithoutAToken() throws Exception {
        HttpResponse<String> response = server.send("GET", "/fhir/R4/metadata", null, null, null, Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(FhirResources.errors(response.body())).isEmpty();
        CapabilityStatement statement = FhirJson.parse(CapabilityStatement.class, response.body());
        assertThat(statement.getRestFirstRep().getResource()).extracting(r -> r.getType()).containsExactly("QuestionnaireResponse", "Appointment");
        assertThat(statement.getRestFirstRep().getResource().get(1).getOperation()).extracting(o -> o.getName()).containsExactly("hold", "book");
        assertThat(statement.getRestFirstRep().getResource().get(1).getInteraction()).isEmpty();
    }

    private HttpResponse<String> post(String body, String token) throws Exception {
        return server.send("POST", "/fhir/R4/QuestionnaireResponse", FHIR, body.getBytes(StandardCharsets.UTF_8), token, Map.of());
    }
}
