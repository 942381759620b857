package org.careflow.security;

import static org.careflow.security.EndpointClass.*;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who may do what: pure functions of the caller, the endpoint class and the scope of the data, with no HTTP in
 * sight. The matrix is documented in {@code security/README.md}; {@code AccessPolicyTest} pins it.
 *
 * <p>Facility-bound roles (clinician, scheduler, integration) reach data of their token's facilities only; a patient
 * reaches their own data only; ops reach no patient data beyond notification delivery status.
 */
public final class AccessPolicy {

    public static final String REASON_ROLE = "role-not-allowed";
    public static final String REASON_FACILITY = "facility-out-of-scope";
    public static final String REASON_FACILITY_REQUIRED = "facility-required";
    public static final String REASON_PATIENT = "patient-out-of-scope";
    public static final String REASON_UNCLASSIFIED = "route-unclassified";

    private static final Map<EndpointClass, Set<Role>> ROLES = new EnumMap<>(EndpointClass.class);
    /** Classes whose data a role may reach regardless of facility or patient. */
    private static final Map<Role, Set<EndpointClass>> UNSCOPED = new EnumMap<>(Role.class);

    static {
        Set<Role> everyone = EnumSet.allOf(Role.class);
        ROLES.put(PUBLIC, everyone);
        ROLES.put(WEBHOOK, everyone);
        ROLES.put(TRIAGE_SUBMIT, EnumSet.of(Role.PATIENT, Role.INTEGRATION));
        ROLES.put(TRIAGE_BATCH, EnumSet.of(Role.INTEGRATION));
        ROLES.put(DISPOSITION, EnumSet.of(Role.CLINICIAN));
        ROLES.put(FORM_ADMIN, EnumSet.of(Role.OPS));
        ROLES.put(FACILITY_ADMIN, EnumSet.of(Role.OPS));
        ROLES.put(SCHEDULE_WRITE, EnumSet.of(Role.SCHEDULER, Role.INTEGRATION));
        ROLES.put(BOOKING_WRITE, EnumSet.of(Role.PATIENT, Role.SCHEDULER, Role.INTEGRATION));
        ROLES.put(CONTACT_WRITE, EnumSet.of(Role.PATIENT, Role.INTEGRATION));
        ROLES.put(PATIENT_TRIAGE_READ, EnumSet.of(Role.PATIENT, Role.CLINICIAN));
        ROLES.put(FACILITY_TRIAGE_READ, EnumSet.of(Role.CLINICIAN));
        ROLES.put(FORM_READ, everyone);
        // Integrations write schedules and bookings: they read the decisions and bookings of their facilities.
        ROLES.put(BOOKING_READ, EnumSet.of(Role.PATIENT, Role.SCHEDULER, Role.INTEGRATION));
        ROLES.put(PROVIDER_READ, EnumSet.of(Role.SCHEDULER, Role.PATIENT));
        ROLES.put(PROVIDER_CONFLICTS_READ, EnumSet.of(Role.SCHEDULER));
        ROLES.put(FACILITY_SLOTS_READ, EnumSet.of(Role.SCHEDULER, Role.PATIENT));
        ROLES.put(PATIENT_APPOINTMENTS_READ, EnumSet.of(Role.PATIENT, Role.SCHEDULER));
        ROLES.put(PATIENT_REMINDERS_READ, EnumSet.of(Role.PATIENT, Role.SCHEDULER));
        // Messages carry no facility, so staff cannot be scoped to them: patients only.
        ROLES.put(PATIENT_MESSAGES_READ, EnumSet.of(Role.PATIENT));
        ROLES.put(NOTIFICATION_READ, EnumSet.of(Role.PATIENT, Role.SCHEDULER, Role.CLINICIAN, Role.OPS));
        ROLES.put(MASTERDATA_READ, EnumSet.of(Role.SCHEDULER, Role.OPS));
        ROLES.put(AUDIT_READ, EnumSet.of(Role.OPS));
        ROLES.put(OPS, EnumSet.of(Role.OPS));

        // Free slots hold no patient data and patients need them to book.
        UNSCOPED.put(Role.PATIENT, EnumSet.of(PUBLIC, WEBHOOK, FORM_READ, PROVIDER_READ, FACILITY_SLOTS_READ));
        UNSCOPED.put(Role.CLINICIAN, EnumSet.of(PUBLIC, WEBHOOK, FORM_READ));
        UNSCOPED.put(Role.SCHEDULER, EnumSet.of(PUBLIC, WEBHOOK, FORM_READ));
        // Patient contacts have no facility; integrations (EHR, CRM) keep them current.
        UNSCOPED.put(Role.INTEGRATION, EnumSet.of(PUBLIC, WEBHOOK, FORM_READ, CONTACT_WRITE));
        // Ops' classes are global configuration and delivery diagnostics (bodies omit addresses).
        UNSCOPED.put(Role.OPS, EnumSet.allOf(EndpointClass.class));
        for (EndpointClass c : EndpointClass.values()) {
            if (!ROLES.containsKey(c)) {
                throw new ExceptionInInitializerError("AccessPolicy has no rule for " + c + ": add it to ROLES");
            }
        }
    }

    private AccessPolicy() {
    }

    /** The roles that may call {@code endpointClass} at all. */
    public static Set<Role> rolesFor(EndpointClass endpointClass) {
        return Set.copyOf(ROLES.get(Objects.requireNonNull(endpointClass, "endpointClass")));
    }

    /** Whether the caller's role may use the class at all. */
    public static Decision requireRole(Principal principal, EndpointClass endpointClass) {
        return ROLES.get(endpointClass).contains(principal.role()) ? Decision.ALLOW : Decision.deny(REASON_ROLE);
    }

    /** Whether the caller acts for {@code facilityId}. */
    public static Decision requireFacility(Principal principal, String facilityId) {
        return facilityId != null && principal.facilities().contains(facilityId) ? Decision.ALLOW : Decision.deny(REASON_FACILITY);
    }

    /** Whether the caller is the patient {@code patientId}. */
    public static Decision requirePatient(Principal principal, String patientId) {
        return principal.role() == Role.PATIENT && principal.patientId().equals(patientId) ? Decision.ALLOW : Decision.deny(REASON_PATIENT);
    }

    /**
     * The check on what a request's path names, before any data is read: a {@code {facilityId}} must be one of
     * the caller's facilities and a {@code {patientId}} must be the calling patient. A patient id in the path of a
     * facility-bound caller is left to the resource check, which knows the data's facility.
     *
     * @param facilityId the path's facility, null if it names none
     * @param patientId the path's patient, null if it names none
     */
    public static Decision checkPath(Principal principal, EndpointClass endpointClass, String facilityId, String patientId) {
        Decision role = requireRole(principal, endpointClass);
        if (!role.allowed() || unscoped(principal.role(), endpointClass)) {
            return role;
        }
        if (principal.role() == Role.PATIENT) {
            return patientId == null ? Decision.ALLOW : requirePatient(principal, patientId);
        }
        return facilityId == null ? Decision.ALLOW : requireFacility(principal, facilityId);
    }

    /**
     * The full check against the data itself (or the body of a write): a patient must be the data's patient, a
     * facility-bound caller must act for every facility the data belongs to, and data of unknown facility is refused
     * to them.
     */
    public static Decision check(Principal principal, EndpointClass endpointClass, ResourceScope scope) {
        Objects.requireNonNull(scope, "scope");
        Decision role = requireRole(principal, endpointClass);
        if (!role.allowed() || unscoped(principal.role(), endpointClass)) {
            return role;
        }
        if (principal.role() == Role.PATIENT) {
            return requirePatient(principal, scope.patientId());
        }
        if (scope.facilities().isEmpty()) {
            return Decision.deny(REASON_FACILITY_REQUIRED);
        }
        return principal.facilities().containsAll(scope.facilities()) ? Decision.ALLOW : Decision.deny(REASON_FACILITY);
    }

    private static boolean unscoped(Role role, EndpointClass endpointClass) {
        return UNSCOPED.get(role).contains(endpointClass);
    }
}
