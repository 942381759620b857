package org.careflow.fhir;

import java.util.Date;
import java.util.List;
import org.careflow.fhir.search.ResourceSupport;
import org.careflow.fhir.search.SearchParam;
import org.careflow.fhir.search.SearchRequest;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;

/**
 * The CapabilityStatement of one app's FHIR interface, written from the same {@link ResourceSupport} its routes parse
 * requests with: it lists exactly the resources, interactions, search parameters and operations that app serves, and
 * says what it does not (no transactions, JSON only).
 */
public final class CapabilityStatements {

    static final String SMART_SERVICE = "http://terminology.hl7.org/CodeSystem/restful-security-service";

    private CapabilityStatements() {
    }

    /** The statement of the app {@code app} (streams-triage, say) serving {@code resources}, as of now, at careflow's version. */
    public static CapabilityStatement of(String app, List<ResourceSupport> resources) {
        String version = CapabilityStatements.class.getPackage().getImplementationVersion();
        return of(app, version == null ? "development" : version, resources, new Date());
    }

    /** The statement of the app {@code app}, published at {@code date}. */
    public static CapabilityStatement of(String app, String version, List<ResourceSupport> resources, Date date) {
        CapabilityStatement statement = new CapabilityStatement();
        statement.setStatus(Enumerations.PublicationStatus.ACTIVE);
        statement.setDate(date);
        statement.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        statement.setName("careflow_" + app.replace('-', '_'));
        statement.setTitle("careflow " + app + " FHIR R4 interface");
        statement.getSoftware().setName("careflow " + app).setVersion(version);
        statement.getImplementation().setDescription("careflow " + app + ": answers from the Kafka Streams stores of whichever "
            + "instance owns the data; any instance answers any search");
        statement.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        statement.addFormat("json");
        statement.addFormat(FhirJson.CONTENT_TYPE);
        CapabilityStatement.CapabilityStatementRestComponent rest = statement.addRest();
        rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.setDocumentation("Each page holds at most " + SearchRequest.MAX_COUNT + " entries (_count, default "
            + SearchRequest.DEFAULT_COUNT + "); _offset pages, up to " + SearchRequest.MAX_OFFSET + ". A search parameter, "
            + "modifier or prefix not listed here is refused (400 OperationOutcome), never ignored. Bundle transactions "
            + "and batches are not supported. Errors are OperationOutcomes.");
        rest.getSecurity().setCors(false)
            .addService(new CodeableConcept().addCoding(new Coding(SMART_SERVICE, "SMART-on-FHIR", "SMART-on-FHIR")))
            .setDescription("Bearer tokens from the identity provider careflow trusts, with careflow's role and facility or "
                + "patient claims; a SMART v2 scope (patient/, user/ or system/ Resource.cruds) in the token narrows what it may "
                + "reach further. See docs/fhir.md.");
        for (ResourceSupport support : resources) {
            CapabilityStatement.CapabilityStatementRestResourceComponent resource = rest.addResource().setType(support.type());
            resource.setDocumentation(support.documentation());
            for (ResourceSupport.Interaction interaction : ResourceSupport.Interaction.values()) {
                if (support.supports(interaction)) {
                    resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.fromCode(interaction.code()));
                }
            }
            for (SearchParam param : support.params()) {
                resource.addSearchParam().setName(param.name()).setType(Enumerations.SearchParamType.fromCode(param.type().code()))
                    .setDocumentation(param.documentation());
            }
            for (ResourceSupport.Operation operation : support.operations()) {
                resource.addOperation().setName(operation.name()).setDefinition(operation.definition()).setDocumentation(operation.documentation());
            }
        }
        return statement;
    }
}
