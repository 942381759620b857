package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessPolicyTest {

    /**
     * The matrix of security/README.md, written out independently of AccessPolicy. Columns: clinician, scheduler,
     * patient, integration, ops. A = any data, F = own facilities only, P = own patient only, - = role refused.
     */
    private static final String MATRIX = """
        PUBLIC                     A A A A A
        WEBHOOK                    A A A A A
        TRIAGE_SUBMIT              - - P F -
        TRIAGE_BATCH               - - - F -
        DISPOSITION                F - - - -
        FORM_ADMIN                 - - - - A
        FACILITY_ADMIN             - - - - A
        SCHEDULE_WRITE             - F - F -
        BOOKING_WRITE              - F P F -
        CONTACT_WRITE              - - P A -
        PATIENT_TRIAGE_READ        F - P - -
        FACILITY_TRIAGE_READ       F - - - -
        FORM_READ                  A A A A A
        BOOKING_READ               - F P F -
        PROVIDER_READ              - F A - -
        PROVIDER_CONFLICTS_READ    - F - - -
        FACILITY_SLOTS_READ        - F A - -
        PATIENT_APPOINTMENTS_READ  - F P - -
        PATIENT_REMINDERS_READ     - F P - -
        PATIENT_MESSAGES_READ      - - P - -
        NOTIFICATION_READ          F F P - A
        MASTERDATA_READ            - F - - A
        AUDIT_READ                 - - - - A
        OPS                        - - - - A
        """;
    private static final Role[] COLUMNS = {Role.CLINICIAN, Role.SCHEDULER, Role.PATIENT, Role.INTEGRATION, Role.OPS};

    private static final ResourceScope OWN_FACILITY = ResourceScope.of("F1", "pt-2");
    private static final ResourceScope OTHER_FACILITY = ResourceScope.of("F2", "pt-2");
    private static final ResourceScope OWN_PATIENT = ResourceScope.of("F2", "pt-1");
    private static final ResourceScope OTHER_PATIENT = ResourceScope.of("F1", "pt-2");

    private static Map<EndpointClass, String> matrix() {
        Map<EndpointClass, String> rows = new EnumMap<>(EndpointClass.class);
        MATRIX.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(line -> {
            String[] cells = line.split("\\s+");
            rows.put(EndpointClass.valueOf(cells[0]), String.join("", Arrays.copyOfRange(cells, 1, cells.length)));
        });
        return rows;
    }

    private static Principal principal(Role role) {
        return switch (role) {
            case PATIENT -> new Principal("p-sub", null, role, Set.of(), "pt-1", "jti", Instant.EPOCH);
            case OPS -> new Principal("ops-sub", null, role, Set.of(), null, "jti", Instant.EPOCH);
            default -> new Principal(role.claimValue() + "-sub", null, role, Set.of("F1"), null, "jti", Instant.EPOCH);
        };
    }

    static Stream<Arguments> cells() {
        return matrix().entrySet().stream().flatMap(row -> Stream.of(COLUMNS).map(role ->
            Arguments.of(role, row.getKey(), row.getValue().charAt(Arrays.asList(COLUMNS).indexOf(role)))));
    }

    @Test
    void shouldCoverEveryEndpointClassInTheMatrix() {
        assertThat(matrix().keySet()).containsExactlyInAnyOrder(EndpointClass.values());
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @MethodSource("cells")
    void shouldDecideAsTheMatrixSaysWhenDataIsInOrOutOfScope(Role role, EndpointClass endpointClass, char rule) {
        // Given
        Principal principal = principal(role);

        // When
        boolean ownFacility = AccessPolicy.check(principal, endpointClass, OWN_FACILITY).allowed();
        boolean otherFacility = AccessPolicy.check(principal, endpointClass, OTHER_FACILITY).allowed();
        boolean ownPatient = AccessPolicy.check(principal, endpointClass, OWN_PATIENT).allowed();
        boolean otherPatient = AccessPolicy.check(principal, endpointClass, OTHER_PATIENT).allowed();

        // Then
        switch (rule) {
            case 'A' -> assertThat(new boolean[] {ownFacility, otherFacility, ownPatient, otherPatient}).containsOnly(true);
            case 'F' -> assertThat(new boolean[] {ownFacility, otherFacility, ownPatient, otherPatient})
                .containsExactly(true, false, false, true);
            case 'P' -> assertThat(new boolean[] {ownFacility, otherFacility, ownPatient, otherPatient})
                .containsExactly(false, false, true, false);
            default -> {
                assertThat(new boolean[] {ownFacility, otherFacility, ownPatient, otherPatient}).containsOnly(false);
                assertThat(AccessPolicy.requireRole(principal, endpointClass)).isEqualTo(Decision.deny(AccessPolicy.REASON_ROLE));
            }
        }
    }

    @Test
    void shouldRefuseFacilityBoundCallerWhenDataHasNoFacility() {
        assertThat(AccessPolicy.check(principal(Role.SCHEDULER), EndpointClass.BOOKING_WRITE, ResourceScope.patient("pt-2")))
            .isEqualTo(Decision.deny(AccessPolicy.REASON_FACILITY_REQUIRED));
    }

    @Test
    void shouldRefuseOtherFacilityInPathButDeferPatientPathToTheResourceCheck() {
        Principal clinician = principal(Role.CLINICIAN);

        assertThat(AccessPolicy.checkPath(clinician, EndpointClass.FACILITY_TRIAGE_READ, "F2", null))
            .isEqualTo(Decision.deny(AccessPolicy.REASON_FACILITY));
        assertThat(AccessPolicy.checkPath(clinician, EndpointClass.FACILITY_TRIAGE_READ, "F1", null).allowed()).isTrue();
        assertThat(AccessPolicy.checkPath(clinician, EndpointClass.PATIENT_TRIAGE_READ, null, "pt-9").allowed()).isTrue();
        assertThat(AccessPolicy.checkPath(clinician, EndpointClass.DISPOSITION, "F2", "pt-9").allowed()).isFalse();
    }

    @Test
    void shouldHoldPatientToOwnPathButLetThemBrowseSlotsOfAnyFacility() {
        Principal patient = principal(Role.PATIENT);

        assertThat(AccessPolicy.checkPath(patient, EndpointClass.PATIENT_TRIAGE_READ, null, "pt-1").allowed()).isTrue();
        assertThat(AccessPolicy.checkPath(patient, EndpointClass.PATIENT_TRIAGE_READ, null, "pt-2"))
            .isEqualTo(Decision.deny(AccessPolicy.REASON_PATIENT));
        assertThat(AccessPolicy.checkPath(patient, EndpointClass.FACILITY_SLOTS_READ, "F7", null).allowed()).isTrue();
        assertThat(AccessPolicy.checkPath(patient, EndpointClass.FACILITY_TRIAGE_READ, "F7", null))
            .isEqualTo(Decision.deny(AccessPolicy.REASON_ROLE));
    }
}
