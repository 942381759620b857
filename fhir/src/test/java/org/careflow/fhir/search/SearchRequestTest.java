package org.careflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careflow.validation.FieldError;
import org.junit.jupiter.api.Test;

class SearchRequestTest {

    static final ResourceSupport SLOTS = ResourceSupport.of("Slot")
        .search(SearchParam.reference("schedule", "Schedule", "Slot.schedule", "the provider's schedule"),
            SearchParam.of("start", SearchParam.Type.DATE, "Slot.start", "when the slot starts"),
            SearchParam.of("status", SearchParam.Type.TOKEN, "Slot.status", "free or busy"))
        .requireOneOf("schedule").documentation("free and busy slots").build();

    @Test
    void shouldNarrowOneDateParameterGivenTwice() {
        SearchRequest request = ok(Map.of("schedule", List.of("Schedule/s-1"),
            "start", List.of("ge2026-12-01", "lt2026-12-08T00:00:00Z")));

        assertThat(request.value("schedule")).isEqualTo("s-1");
        assertThat(request.dates("start")).isEqualTo(new DateBounds(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-08T00:00:00Z")));
    }

    @Test
    void shouldReadEachPrefixAtTheValuesPrecision() {
        assertThat(ok(query("start", "2026-12")).dates("start"))
            .isEqualTo(new DateBounds(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")));
        assertThat(ok(query("start", "gt2026-12-01")).dates("start").from()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(ok(query("start", "le2026-12-01")).dates("start").to()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(ok(query("start", "lt2026-12-01T10:00:00+01:00")).dates("start").to()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
    }

    @Test
    void shouldRefuseAsNotSupportedWhatCareflowLacksNeverIgnoringIt() {
        Map<String, List<String>> query = new LinkedHashMap<>(query("start", "sa2026-12-01"));
        query.put("status:not", List.of("busy"));
        query.put("_sort", List.of("start"));
        query.put("_format", List.of("xml"));

        SearchRequest.Parsed.Refused refused = (SearchRequest.Parsed.Refused) SearchRequest.parse(SLOTS, query);

        assertThat(refused.unsupported()).isTrue();
        assertThat(refused.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("Slot.start", "Slot.status", "", "");
        assertThat(refused.errors()).extracting(FieldError::message).anySatisfy(m -> assertThat(m).startsWith("_sort:"));
    }

    @Test
    void shouldRefuseMalformedValuesNamingEachParameter() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("schedule", List.of("Practitioner/x"));
        query.put("start", List.of("yesterday"));
        query.put("_count", List.of("-1"));

        SearchRequest.Parsed.Refused refused = (SearchRequest.Parsed.Refused) SearchRequest.parse(SLOTS, query);

        assertThat(refused.unsupported()).isFalse();
        assertThat(refused.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("Slot.schedule", "Slot.start", "");
    }

    @Test
    void shouldRefuseASearchWithoutItsRequiredParameter() {
        SearchRequest.Parsed.Refused refused = (SearchRequest.Parsed.Refused) SearchRequest.parse(SLOTS, Map.of("status", List.of("free")));

        assertThat(refused.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("needs schedule"));
    }

    @Test
    void shouldBoundTheCountAndOffset() {
        Map<String, List<String>> query = new LinkedHashMap<>(query("_count", "100000"));
        query.put("schedule", List.of("s-1"));
        assertThat(ok(query).count()).isEqualTo(SearchRequest.MAX_COUNT);

        query.put("_offset", List.of(String.valueOf(SearchRequest.MAX_OFFSET + 1)));
        assertThat(SearchRequest.parse(SLOTS, query)).isInstanceOf(SearchRequest.Parsed.Refused.class);
    }

    @Test
    void shouldSplitAnyOfValuesOnCommas() {
        Map<String, List<String>> query = new LinkedHashMap<>(query("status", "free,busy"));
        query.put("schedule", List.of("s-1"));

        assertThat(ok(query).values("status")).containsExactly("free", "busy");
    }

    private static Map<String, List<String>> query(String name, String value) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put(name, List.of(value));
        if (!name.equals("schedule")) {
            query.put("schedule", List.of("s-1"));
        }
        return query;
    }

    private static SearchRequest ok(Map<String, List<String>> query) {
        SearchRequest.Parsed parsed = SearchRequest.parse(SLOTS, query);
        assertThat(parsed).isInstanceOf(SearchRequest.Parsed.Ok.class);
        return ((SearchRequest.Parsed.Ok) parsed).request();
    }
}
