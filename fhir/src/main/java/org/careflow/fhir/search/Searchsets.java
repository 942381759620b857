package org.careflow.fhir.search;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * One page of a search's matches as a {@code searchset} Bundle: {@code total} counts every match, the entries are the
 * page's ({@code _offset}, {@code _count}), and {@code self}, {@code next} and {@code previous} links repeat the search
 * with the paging changed. Paging is by position in the current state: a match added or removed between two pages
 * shifts the later ones, as in any live view.
 */
public final class Searchsets {

    private Searchsets() {
    }

    /**
     * The page of {@code matches} (every match, in the search's order) that {@code request} asks for.
     *
     * @param base the FHIR base the links and full URLs start with ({@code http://host:port/fhir/R4})
     * @param query the request's query parameters as sent
     */
    public static Bundle page(String base, String type, List<? extends Resource> matches, SearchRequest request,
                              Map<String, List<String>> query) {
        return page(base, type, matches, request, query, true);
    }

    /**
     * As {@link #page(String, String, List, SearchRequest, Map)}; with {@code complete} false, {@code matches} holds only the
     * first matches up to one past this page (enough to know a next page exists), and the bundle says no total.
     */
    public static Bundle page(String base, String type, List<? extends Resource> matches, SearchRequest request,
                              Map<String, List<String>> query, boolean complete) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        if (complete) {
            bundle.setTotal(matches.size());
        }
        int from = Math.min(request.offset(), matches.size());
        int to = Math.min(matches.size(), from + request.count());
        Map<String, List<String>> own = request.given(query);
        bundle.addLink().setRelation("self").setUrl(url(base, type, own, request.count(), from));
        if (to < matches.size() && to <= SearchRequest.MAX_OFFSET) {
            bundle.addLink().setRelation("next").setUrl(url(base, type, own, request.count(), to));
        }
        if (from > 0) {
            bundle.addLink().setRelation("previous").setUrl(url(base, type, own, request.count(), Math.max(0, from - request.count())));
        }
        for (Resource resource : matches.subList(from, to)) {
            add(bundle, base, resource, Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    /** Adds {@code resource} to {@code bundle} with its full URL under {@code base}. */
    public static void add(Bundle bundle, String base, Resource resource, Bundle.SearchEntryMode mode) {
        bundle.addEntry().setFullUrl(base + "/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart())
            .setResource(resource).getSearch().setMode(mode);
    }

    private static String url(String base, String type, Map<String, List<String>> own, int count, int offset) {
        StringJoiner query = new StringJoiner("&");
        own.forEach((name, values) -> values.forEach(v -> query.add(encode(name) + "=" + encode(v))));
        query.add(SearchRequest.COUNT + "=" + count);
        query.add(SearchRequest.OFFSET + "=" + offset);
        return base + "/" + type + "?" + query;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%3A", ":").replace("%2F", "/");
    }
}
