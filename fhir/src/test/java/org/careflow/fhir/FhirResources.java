package org.careflow.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's validator against the base R4 definitions (the core profiles, vital signs among them, and the code systems it
 * can check offline), shared by every test that checks what careflow returns: {@link #errors} is what must be empty.
 */
public final class FhirResources {

    private static final FhirValidator VALIDATOR = validator();

    private FhirResources() {
    }

    private static FhirValidator validator() {
        FhirContext context = FhirJson.context();
        ValidationSupportChain chain = new ValidationSupportChain(
            new DefaultProfileValidationSupport(context),
            new InMemoryTerminologyServerValidationSupport(context),
            new CommonCodeSystemsTerminologyService(context));
        FhirValidator validator = context.newValidator();
        validator.registerValidatorModule(new FhirInstanceValidator(chain));
        return validator;
    }

    /** Every error and fatal message of validating {@code resource}, each with where it was found. */
    public static synchronized List<String> errors(IBaseResource resource) {
        return messages(VALIDATOR.validateWithResult(resource).getMessages());
    }

    /** As {@link #errors(IBaseResource)}, for a resource as JSON text. */
    public static synchronized List<String> errors(String json) {
        return messages(VALIDATOR.validateWithResult(json).getMessages());
    }

    private static List<String> messages(List<SingleValidationMessage> messages) {
        return messages.stream()
            .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
            .map(m -> m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage())
            .toList();
    }
}
