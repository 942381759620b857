package org.careflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careflow.fhir.FhirResources;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.InstantType;
import org.junit.jupiter.api.Test;

class SearchsetsTest {

    static final String BASE = "http://127.0.0.1:8082/fhir/R4";

    @Test
    void shouldServeTheAskedPageWithTotalAndLinksBothWays() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("schedule", List.of("Schedule/s-1"));
        query.put("_count", List.of("2"));
        query.put("_offset", List.of("2"));
        SearchRequest request = ((SearchRequest.Parsed.Ok) SearchRequest.parse(SearchRequestTest.SLOTS, query)).request();

        Bundle page = Searchsets.page(BASE, "Slot", slots(5), request, query);

        assertThat(page.getTotal()).isEqualTo(5);
        assertThat(page.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly("slot-2", "slot-3");
        assertThat(page.getLink("self").getUrl()).isEqualTo(BASE + "/Slot?schedule=Schedule/s-1&_count=2&_offset=2");
        assertThat(page.getLink("next").getUrl()).isEqualTo(BASE + "/Slot?schedule=Schedule/s-1&_count=2&_offset=4");
        assertThat(page.getLink("previous").getUrl()).isEqualTo(BASE + "/Slot?schedule=Schedule/s-1&_count=2&_offset=0");
        assertThat(page.getEntryFirstRep().getFullUrl()).isEqualTo(BASE + "/Slot/slot-2");
        assertThat(FhirResources.errors(page)).isEmpty();
    }

    @Test
    void shouldGiveNoNextLinkOnTheLastPage() {
        Map<String, List<String>> query = Map.of("schedule", List.of("s-1"));
        SearchRequest request = ((SearchRequest.Parsed.Ok) SearchRequest.parse(SearchRequestTest.SLOTS, query)).request();

        Bundle page = Searchsets.page(BASE, "Slot", slots(3), request, query);

        assertThat(page.getLink("next")).isNull();
        assertThat(page.getLink("previous")).isNull();
        assertThat(page.getEntry()).hasSize(3);
    }

    private static List<Slot> slots(int n) {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Slot slot = new Slot().setSchedule(new Reference("Schedule/s-1")).setStatus(Slot.SlotStatus.FREE)
                .setStartElement(new InstantType("2026-12-01T09:00:00Z")).setEndElement(new InstantType("2026-12-01T09:30:00Z"));
            slot.setId("slot-" + i);
            slots.add(slot);
        }
        return slots;
    }
}
