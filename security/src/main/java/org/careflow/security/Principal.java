package org.careflow.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The verified caller of a request, taken from its token's claims. It never holds the token itself, and
 * {@link #toString()} leaves the patient id (and a patient's subject) out so that it can be logged.
 *
 * @param subject the token's {@code sub}
 * @param clientId the client that obtained the token ({@code azp} or {@code client_id}), else the subject
 * @param facilities facilities the caller acts for; empty for patients and ops
 * @param patientId the patient the caller is, for {@link Role#PATIENT}; null otherwise
 * @param tokenId the token's {@code jti}, null if absent
 * @param smart the token's SMART resource scopes, which narrow what it may do ({@link SmartScopes#NONE}: none)
 */
public record Principal(String subject, String clientId, Role role, Set<String> facilities, String patientId,
                        String tokenId, Instant expiresAt, SmartScopes smart) {

    /** A caller whose token carries no SMART scopes. */
    public Principal(String subject, String clientId, Role role, Set<String> facilities, String patientId, String tokenId, Instant expiresAt) {
        this(subject, clientId, role, facilities, patientId, tokenId, expiresAt, SmartScopes.NONE);
    }

    public Principal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expiresAt, "expiresAt");
        smart = smart == null ? SmartScopes.NONE : smart;
        clientId = clientId == null ? subject : clientId;
        facilities = facilities == null ? Set.of() : Set.copyOf(facilities);
        if (role == Role.PATIENT) {
            Objects.requireNonNull(patientId, "a patient principal needs its patientId");
        }
    }

    @Override
    public String toString() {
        // A patient's subject may itself identify the patient.
        boolean patient = role == Role.PATIENT;
        return "Principal[subject=" + (patient ? "<redacted>" : subject) + ", clientId=" + (patient ? "<redacted>" : clientId) + ", role=" + role + ", facilities=" + facilities
            + ", patientId=" + (patientId == null ? "none" : "<redacted>") + ", tokenId=" + tokenId + ", expiresAt=" + expiresAt
            + ", smartScopes=" + smart.grants().size() + "]";
    }
}
