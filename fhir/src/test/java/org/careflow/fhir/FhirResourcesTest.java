package org.careflow.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class FhirResourcesTest {

    @Test
    void shouldReportAnObservationWithoutStatusOrCode() {
        assertThat(FhirResources.errors(new Observation())).isNotEmpty();
    }

    @Test
    void shouldHoldAnObservationToTheVitalSignsProfileItClaims() {
        Observation respiratoryRate = new Observation().setStatus(Observation.ObservationStatus.FINAL)
            .setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "9279-1", "Respiratory rate")))
            .addCategory(new CodeableConcept().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")))
            .setSubject(new Reference("Patient/p-1")).setEffective(new DateTimeType("2026-12-01T09:00:00Z"));
        respiratoryRate.getMeta().addProfile("http://hl7.org/fhir/StructureDefinition/resprate");

        respiratoryRate.setValue(new Quantity().setValue(20).setSystem("http://unitsofmeasure.org").setCode("/min").setUnit("breaths/minute"));
        assertThat(FhirResources.errors(respiratoryRate)).isEmpty();
        respiratoryRate.setValue(new Quantity().setValue(20).setSystem("http://unitsofmeasure.org").setCode("%").setUnit("%"));
        assertThat(FhirResources.errors(respiratoryRate)).isNotEmpty();
    }
}
