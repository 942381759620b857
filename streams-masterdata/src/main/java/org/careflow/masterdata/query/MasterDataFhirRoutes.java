package org.careflow.masterdata.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.fhir.CapabilityStatements;
import org.careflow.fhir.FhirJson;
import org.careflow.fhir.audit.AuditEvents;
import org.careflow.fhir.http.FhirHttp;
import org.careflow.fhir.search.DateBounds;
import org.careflow.fhir.search.SearchRequest;
import org.careflow.fhir.search.Tokens;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.careflow.masterdata.topology.MasterDataTopology;
import org.careflow.query.InteractiveQueryService;
import org.careflow.security.EndpointClass;
import org.careflow.security.FhirInteraction;
import org.careflow.validation.FieldError;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * streams-masterdata's FHIR R4 interface: the data-access audit as {@code AuditEvent} search, for ops. The audit store
 * is spread over every instance's partitions, so each instance gives its newest matches and the answer merges them,
 * newest first; deep pages are bounded by {@code _offset}'s limit and a page says no total.
 */
public final class MasterDataFhirRoutes {

    public static final String METADATA_PATH = FhirHttp.BASE_PATH + "/metadata";
    public static final String AUDIT_EVENT_PATH = FhirHttp.BASE_PATH + "/AuditEvent";
    static final Duration DEFAULT_RANGE = Duration.ofHours(24);
    static final Duration MAX_RANGE = Duration.ofDays(31);

    private final Supplier<InteractiveQueryService> queries;
    private final Supplier<Instant> clock;
    private final CapabilityStatement capabilities;

    public MasterDataFhirRoutes(Supplier<InteractiveQueryService> queries, Supplier<Instant> clock) {
        this.queries = queries;
        this.clock = clock;
        this.capabilities = CapabilityStatements.of("streams-masterdata", List.of(AuditEvents.SUPPORT));
    }

    public void register(JavalinConfig config) {
        config.routes.get(METADATA_PATH, ctx -> FhirHttp.respond(ctx, 200, capabilities), EndpointClass.PUBLIC);
        config.routes.get(AUDIT_EVENT_PATH, this::auditEvents, EndpointClass.AUDIT_READ, FhirInteraction.search("AuditEvent"));
    }

    private void auditEvents(Context ctx) {
        SearchRequest search = FhirHttp.search(ctx, AuditEvents.SUPPORT);
        Instant now = clock.get();
        DateBounds date = search.hasDates("date") ? search.dates("date") : new DateBounds(now.minus(DEFAULT_RANGE), now.plusSeconds(1));
        Instant to = date.to().isAfter(now.plusSeconds(1)) ? now.plusSeconds(1) : date.to();
        Instant from = date.from();
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw ProblemException.invalid(List.of(new FieldError("AuditEvent.recorded", "date: give a range of at most "
                + MAX_RANGE.toDays() + " days (ge and le)")));
        }
        String patientId = search.value("patient");
        List<String> outcomes = search.values("outcome");
        List<String> subjects = search.values("altid");
        int wanted = search.offset() + search.count() + 1;
        Comparator<JsonNode> newestFirst = Comparator.<JsonNode, String>comparing(n -> n.path("recorded").asText()).reversed()
            .thenComparing(n -> n.path("id").asText());
        InteractiveQueryService.whenStarted(queries).respondFromAll(ctx, MasterDataTopology.AUDIT_STORE, stores -> {
            ReadOnlyWindowStore<String, DataAccessAudit> store = stores.store(MasterDataTopology.AUDIT_STORE,
                QueryableStoreTypes.<String, DataAccessAudit>windowStore());
            List<JsonNode> part = new ArrayList<>();
            try (KeyValueIterator<Windowed<String>, DataAccessAudit> it = store.backwardFetchAll(from, to.minusMillis(1))) {
                while (it.hasNext() && part.size() < wanted) {
                    DataAccessAudit audit = it.next().value;
                    if ((patientId == null || patientId.equals(audit.getPatientId()))
                        && (outcomes.isEmpty() || outcomes.stream().anyMatch(o -> Tokens.matches(o, "http://hl7.org/fhir/audit-event-outcome",
                            AuditEvents.outcome(audit.getOutcome()))))
                        && (subjects.isEmpty() || subjects.stream().anyMatch(s -> Tokens.matches(s, null, audit.getSubject())))) {
                        part.add(json(AuditEvents.of(audit)));
                    }
                }
            }
            return part;
        }, newestFirst, gathered -> {
            List<AuditEvent> events = new ArrayList<>();
            for (JsonNode node : gathered.subList(0, Math.min(gathered.size(), wanted))) {
                events.add(FhirJson.parse(AuditEvent.class, node.toString()));
            }
            return FhirHttp.partialSearchset(ctx, "AuditEvent", events, search);
        });
    }

    private static JsonNode json(AuditEvent event) {
        try {
            return HttpServerFactory.MAPPER.readTree(FhirJson.encode(event));
        } catch (IOException e) {
            throw new IllegalStateException("An AuditEvent could not be read back", e);
        }
    }
}
