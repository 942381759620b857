package org.careflow.fhir.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.search.ResourceSupport;
import org.careflow.fhir.search.SearchRequest;
import org.careflow.fhir.search.Searchsets;
import org.careflow.http.FhirOutcomes;
import org.careflow.http.ProblemException;
import org.careflow.http.RenderedBody;
import org.hl7.fhir.r4.model.Resource;

/** How careflow's FHIR routes read a request and answer it; errors become OperationOutcomes in {@link FhirOutcomes}. */
public final class FhirHttp {

    /** Where every app's FHIR R4 interface lives. */
    public static final String BASE_PATH = "/fhir/R4";

    private FhirHttp() {
    }

    /** The search {@code ctx} asks for; a 400 OperationOutcome naming every part careflow lacks or cannot read. */
    public static SearchRequest search(Context ctx, ResourceSupport support) {
        SearchRequest.Parsed parsed = SearchRequest.parse(support, ctx.queryParamMap());
        if (parsed instanceof SearchRequest.Parsed.Refused refused) {
            throw refused.unsupported() ? ProblemException.notSupported(refused.errors()) : ProblemException.invalid(refused.errors());
        }
        return ((SearchRequest.Parsed.Ok) parsed).request();
    }

    /** The base URL of this interface as the caller reached it, for full URLs and links. */
    public static String base(Context ctx) {
        return ctx.scheme() + "://" + ctx.host() + BASE_PATH;
    }

    /** The page {@code request} asks for of {@code matches}, rendered. */
    public static RenderedBody searchset(Context ctx, String type, List<? extends Resource> matches, SearchRequest request) {
        Map<String, List<String>> query = ctx.queryParamMap();
        return rendered(Searchsets.page(base(ctx), type, matches, request, query));
    }

    /** The first matches up to one past the page {@code request} asks for, rendered as a page without a total. */
    public static RenderedBody partialSearchset(Context ctx, String type, List<? extends Resource> firstMatches, SearchRequest request) {
        return rendered(Searchsets.page(base(ctx), type, firstMatches, request, ctx.queryParamMap(), false));
    }

    /** {@code resource} as FHIR JSON, for the query layer to write as it is. */
    public static RenderedBody rendered(Resource resource) {
        return new RenderedBody(FhirOutcomes.CONTENT_TYPE, FhirJson.encode(resource));
    }

    /** Answers {@code ctx} with {@code resource} and {@code status}. */
    public static void respond(Context ctx, int status, Resource resource) {
        ctx.status(status).contentType(FhirOutcomes.CONTENT_TYPE).result(FhirJson.encode(resource));
    }
}
