package org.careflow.masterdata.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.security.AccessPolicy;
import org.careflow.security.EndpointClass;
import org.careflow.security.Principal;
import org.careflow.security.ResourceScope;
import org.careflow.security.Role;
import org.junit.jupiter.api.Test;

/** The resource scope streams-masterdata's provider route checks on the owning instance, against the access policy. */
class MasterDataScopesTest {

    @Test
    void shouldLetSchedulersOfTheFacilityAndOpsReadAProviderWhenOthersAreRefused() {
        ProviderSchedule schedule = new ProviderSchedule();
        schedule.setProviderId("dr-1");
        schedule.setFacilityId("F1");
        ResourceScope scope = MasterDataQueryRoutes.scope(schedule);

        assertThat(allowed(principal(Role.SCHEDULER, Set.of("F1"), null), scope)).isTrue();
        assertThat(allowed(principal(Role.OPS, Set.of(), null), scope)).isTrue();
        assertThat(allowed(principal(Role.SCHEDULER, Set.of("F2"), null), scope)).isFalse();
        assertThat(allowed(principal(Role.CLINICIAN, Set.of("F1"), null), scope)).isFalse();
        assertThat(allowed(principal(Role.PATIENT, Set.of(), "p-1"), scope)).isFalse();
    }

    private static boolean allowed(Principal principal, ResourceScope scope) {
        return AccessPolicy.check(principal, EndpointClass.MASTERDATA_READ, scope).allowed();
    }

    private static Principal principal(Role role, Set<String> facilities, String patientId) {
        return new Principal("sub-" + role, null, role, facilities, patientId, "jti", Instant.now().plusSeconds(60));
    }
}
