package org.careflow.ingest.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.careflow.events.triage.TriageSubmission;
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
    /** What the ingest API serves. */
    public static final List<ResourceSupport> SUPPORTED = List.of(TriageFhir.QUESTIONNAIRE_RESPONSE);

    private final IngestRoutes intake;
    private final CapabilityStatement capabilities;

    public IngestFhirRoutes(IngestRoutes intake) {
        this.intake = intake;
        String version = IngestFhirRoutes.class.getPackage().getImplementationVersion();
        this.capabilities = CapabilityStatements.of("ingest-api", version == null ? "development" : version, SUPPORTED, new Date());
    }

    public void register(JavalinConfig config) {
        config.routes.get(METADATA_PATH, ctx -> FhirHttp.respond(ctx, 200, capabilities), EndpointClass.PUBLIC);
        config.routes.post(QUESTIONNAIRE_RESPONSE_PATH, this::submit, EndpointClass.TRIAGE_SUBMIT);
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
