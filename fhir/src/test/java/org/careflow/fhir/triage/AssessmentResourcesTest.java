package org.careflow.fhir.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.careflow.fhir.FhirCodes;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.FhirResources;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class AssessmentResourcesTest {

    @Test
    void shouldGiveValidResourcesWhenEveryVitalSignIsMeasured() {
        AssessmentResources resources = AssessmentResources.of(Assessments.complete());

        for (Resource resource : resources.all()) {
            assertThat(FhirResources.errors(resource)).as(resource.getIdElement().getIdPart()).isEmpty();
        }
        assertThat(resources.vitals()).hasSize(7);
    }

    @Test
    void shouldCodeEachVitalSignWithTheVitalSignsProfilesLoincCodeAndUnit() {
        List<Observation> vitals = AssessmentResources.of(Assessments.complete()).vitals();

        assertThat(code(vitals, "9279-1").getValueQuantity()).satisfies(q -> assertUnit(q, 24, "/min"));
        assertThat(code(vitals, "2708-6").getValueQuantity()).satisfies(q -> assertUnit(q, 95, "%"));
        assertThat(code(vitals, "2708-6").getCode().getCoding()).extracting("code").contains("59408-5");
        assertThat(code(vitals, "8867-4").getValueQuantity()).satisfies(q -> assertUnit(q, 112, "/min"));
        assertThat(code(vitals, "8310-5").getValueQuantity().getValue()).isEqualByComparingTo("38.6");
        assertThat(code(vitals, "8310-5").getValueQuantity().getCode()).isEqualTo("Cel");
        assertThat(code(vitals, "85354-9").getComponentFirstRep().getValueQuantity()).satisfies(q -> assertUnit(q, 105, "mm[Hg]"));
        assertThat(code(vitals, FhirCodes.ACVPU).getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("130987000");
        assertThat(code(vitals, FhirCodes.ON_OXYGEN).getValueBooleanType().booleanValue()).isFalse();
        assertThat(vitals).allSatisfy(o -> assertThat(o.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs"));
    }

    @Test
    void shouldGiveTheNews2TotalWithEachParametersPoints() {
        Observation news2 = AssessmentResources.of(Assessments.complete()).news2();

        assertThat(news2.getCode().getCodingFirstRep().getCode()).isEqualTo("1104051000000101");
        assertThat(news2.getValueQuantity().getValue()).isEqualByComparingTo(BigDecimal.TEN);
        assertThat(news2.getComponent()).hasSize(7);
        assertThat(news2.getComponent().stream().mapToInt(c -> c.getValueQuantity().getValue().intValue()).sum()).isEqualTo(10);
        assertThat(news2.getDerivedFrom()).hasSize(7);
    }

    @Test
    void shouldLeaveAMissingVitalSignOutAndGiveItsPointsADataAbsentReasonNeverAZero() {
        AssessmentResources resources = AssessmentResources.of(Assessments.incomplete());

        assertThat(resources.vitals()).extracting(o -> o.getCode().getCodingFirstRep().getCode()).containsExactlyInAnyOrder("8867-4", "8310-5");
        List<Observation.ObservationComponentComponent> absent = resources.news2().getComponent().stream()
            .filter(c -> !c.hasValue()).toList();
        assertThat(absent).hasSize(5).allSatisfy(c -> assertThat(c.getDataAbsentReason().getCodingFirstRep().getCode()).isEqualTo("not-performed"));
        assertThat(resources.news2().getNoteFirstRep().getText()).startsWith("Incomplete");
        for (Resource resource : resources.all()) {
            assertThat(FhirResources.errors(resource)).as(resource.getIdElement().getIdPart()).isEmpty();
        }
    }

    @Test
    void shouldStateTheBandMonitoringAndRedFlagsInTheRiskAssessment() {
        AssessmentResources resources = AssessmentResources.of(Assessments.complete());

        assertThat(resources.risk().getPredictionFirstRep().getQualitativeRisk().getCoding())
            .extracting("system", "code").contains(org.assertj.core.groups.Tuple.tuple(FhirCodes.RISK_BAND_SYSTEM, "HIGH"),
                org.assertj.core.groups.Tuple.tuple(FhirCodes.RISK_PROBABILITY, "high"));
        assertThat(resources.risk().getMitigation()).contains("CONTINUOUS");
        assertThat(resources.risk().getNote()).extracting(n -> n.getText()).containsExactly("Red flag: chest-pain");
        assertThat(resources.risk().getBasis()).hasSize(8);
        assertThat(resources.risk().getBasisFirstRep().getReference()).isEqualTo("Observation/" + resources.news2().getIdElement().getIdPart());
    }

    @Test
    void shouldReferToAPatientWhoseIdIsNoLogicalIdByIdentifierAlone() {
        AssessmentResources resources = AssessmentResources.of(Assessments.complete());

        assertThat(resources.risk().getSubject().hasReference()).isFalse();
        assertThat(resources.risk().getSubject().getIdentifier().getValue()).isEqualTo("p:1_x");
        assertThat(resources.risk().getIdElement().getIdPart()).isEqualTo("assessment-Ab.cdEFghIJklMNopQRst.u");
        assertThat(new String(FhirJson.encode(resources.risk()))).contains("\"resourceType\":\"RiskAssessment\"");
    }

    private static Observation code(List<Observation> vitals, String code) {
        return vitals.stream().filter(o -> o.getCode().getCodingFirstRep().getCode().equals(code)).findFirst().orElseThrow();
    }

    private static void assertUnit(Quantity q, int value, String unit) {
        assertThat(q.getValue().intValue()).isEqualTo(value);
        assertThat(q.getCode()).isEqualTo(unit);
        assertThat(q.getSystem()).isEqualTo(FhirCodes.UCUM);
    }
}
