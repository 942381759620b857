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

    /**
     * A logical id made of careflow ids ({@code facility}, {@code provider}, ...), reversible by {@link #parts}: each part
     * with {@code -} written {@code --}, {@code _} {@code -u}, {@code :} {@code -c} and {@code .} {@code -d}, the parts joined
     * by {@code .}. Null when the result would be longer than a logical id may be.
     */
    public static String compound(String... parts) {
        StringBuilder id = new StringBuilder();
        for (String part : parts) {
            if (id.length() > 0) {
                id.append('.');
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                switch (c) {
                    case '-' -> id.append("--");
                    case '_' -> id.append("-u");
                    case ':' -> id.append("-c");
                    case '.' -> id.append("-d");
                    default -> {
                        if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                            return null;
                        }
                        id.append(c);
                    }
                }
            }
        }
        return id.length() <= 64 ? id.toString() : null;
    }

    /** The careflow ids a {@link #compound} id was made of; null when {@code logicalId} is not one made of {@code count} parts. */
    public static java.util.List<String> parts(String logicalId, int count) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < logicalId.length(); i++) {
            char c = logicalId.charAt(i);
            if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else if (c == '-') {
                if (++i == logicalId.length()) {
                    return null;
                }
                switch (logicalId.charAt(i)) {
                    case '-' -> part.append('-');
                    case 'u' -> part.append('_');
                    case 'c' -> part.append(':');
                    case 'd' -> part.append('.');
                    default -> {
                        return null;
                    }
                }
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts.size() == count && parts.stream().noneMatch(String::isEmpty) ? parts : null;
    }

    /** The first 22 base64url characters of the SHA-256 of {@code text}: an id that names {@code text} without spelling it. */
    public static String digest(String text) {
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sha).substring(0, 22);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
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
