package org.careflow.fhir;

import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * careflow's ids in FHIR. careflow's own opaque ids ({@code bk-...}, {@code assessment-...}: a prefix and base64url) become
 * logical ids by writing base64url's {@code _} as {@code .}, which base64url never uses, so the mapping goes both ways.
 * Ids chosen by clients (patients, facilities, providers) may hold characters a logical id may not, so references to them
 * always carry the id as an identifier in careflow's system, and a literal reference only where the id is a valid one.
 */
public final class FhirIds {

    /** What FHIR R4 allows as a logical id. */
    public static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private FhirIds() {
    }

    /** The logical id of careflow's opaque id {@code opaqueId}. */
    public static String logical(String opaqueId) {
        return opaqueId.replace('_', '.');
    }

    /** careflow's opaque id behind the logical id {@code logicalId}. */
    public static String opaque(String logicalId) {
        return logicalId.replace('.', '_');
    }

    /** A reference to the {@code type} careflow knows as {@code id}: literal when the id is a valid logical id, always with the identifier. */
    public static Reference reference(String type, String identifierSystem, String id) {
        Reference reference = new Reference().setType(type).setIdentifier(new Identifier().setSystem(identifierSystem).setValue(id));
        if (LOGICAL_ID.matcher(id).matches()) {
            reference.setReference(type + "/" + id);
        }
        return reference;
    }

    /** A reference to patient {@code patientId}. */
    public static Reference patient(String patientId) {
        return reference("Patient", FhirCodes.PATIENT_ID_SYSTEM, patientId);
    }

    /** A reference to facility {@code facilityId} (an Organization). */
    public static Reference facility(String facilityId) {
        return reference("Organization", FhirCodes.FACILITY_ID_SYSTEM, facilityId);
    }

    /** A reference to provider {@code providerId} (a Practitioner). */
    public static Reference practitioner(String providerId) {
        return reference("Practitioner", FhirCodes.PROVIDER_ID_SYSTEM, providerId);
    }
}
