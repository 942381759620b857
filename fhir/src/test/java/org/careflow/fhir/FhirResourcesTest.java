package org.careflow.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

class FhirResourcesTest {

    @Test
    void shouldReportAnObservationWithoutStatusOrCode() {
        assertThat(FhirResources.errors(new Observation())).isNotEmpty();
    }
}
