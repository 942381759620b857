package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmartScopesTest {

    @Test
    void shouldLeaveATokenWithoutResourceScopesToItsRole() {
        SmartScopes scopes = SmartScopes.parse("openid fhirUser launch/patient offline_access");

        assertThat(scopes.narrowed()).isFalse();
        assertThat(scopes.permits("Observation", 's')).isTrue();
        assertThat(SmartScopes.parse(null)).isEqualTo(SmartScopes.NONE);
    }

    @Test
    void shouldGrantExactlyTheV2InteractionsNamed() {
        SmartScopes scopes = SmartScopes.parse("openid patient/Observation.rs user/Appointment.c");

        assertThat(scopes.narrowed()).isTrue();
        assertThat(scopes.permits("Observation", 's')).isTrue();
        assertThat(scopes.permits("Observation", 'r')).isTrue();
        assertThat(scopes.permits("Observation", 'c')).isFalse();
        assertThat(scopes.permits("Appointment", 'c')).isTrue();
        assertThat(scopes.permits("Appointment", 'u')).isFalse();
        assertThat(scopes.permits("RiskAssessment", 's')).isFalse();
    }

    @Test
    void shouldReadTheV1FormsAndWildcards() {
        assertThat(SmartScopes.parse("patient/*.read").permits("Encounter", 's')).isTrue();
        assertThat(SmartScopes.parse("patient/*.read").permits("Appointment", 'c')).isFalse();
        assertThat(SmartScopes.parse("user/Appointment.write").permits("Appointment", 'u')).isTrue();
        assertThat(SmartScopes.parse("system/*.*").permits("Slot", 'd')).isTrue();
    }

    @Test
    void shouldLetAScopeCareflowCannotHonourExactlyNarrowAndGrantNothing() {
        SmartScopes granular = SmartScopes.parse("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs");
        SmartScopes outOfOrder = SmartScopes.parse("patient/Observation.sr");

        assertThat(granular.narrowed()).isTrue();
        assertThat(granular.permits("Observation", 's')).isFalse();
        assertThat(outOfOrder.narrowed()).isTrue();
        assertThat(outOfOrder.permits("Observation", 's')).isFalse();
    }
}
