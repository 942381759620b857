package org.careflow.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import org.careflow.http.RenderedBody;
import org.careflow.query.InteractiveQueryService.LocalStores;
import org.careflow.security.SecurityGate;

/**
 * Answers a question no single key answers (every provider of a facility): each instance holding the store gives the
 * part it finds locally, asked through the {@link InstanceForwarder}, and the parts are merged in one order. An
 * instance that cannot be asked makes the whole answer 503, never a partial list; an instance that refuses the caller
 * passes its refusal on.
 */
final class ScatterGather {

    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalStoreAccess stores;
    private final InstanceForwarder forwarder;

    ScatterGather(KafkaStreams streams, HostInfo self, LocalStoreAccess stores, InstanceForwarder forwarder) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = Objects.requireNonNull(self, "self");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
    }

    /**
     * Answers with every instance's part merged in {@code order}: as a JSON array, or rendered by {@code render} (null: the
     * array). The parts other instances send are always JSON arrays; only the merged answer is rendered.
     */
    void respond(Context ctx, String storeName, Function<LocalStores, List<?>> localPart, Comparator<JsonNode> order,
                 Function<List<JsonNode>, RenderedBody> render) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw ProblemException.unavailable("The stream processor is " + streams.state(), OwnerLookup.RETRY_AFTER);
        }
        List<JsonNode> gathered = new ArrayList<>();
        HttpServerFactory.MAPPER.valueToTree(localPart(localPart)).forEach(gathered::add);
        if (ctx.header(InteractiveQueryService.LOCAL_PART_HEADER) != null) {
            ctx.json(gathered);
            return;
        }
        for (StreamsMetadata instance : streams.streamsMetadataForStore(storeName)) {
            if (!self.equals(instance.hostInfo())) {
                gathered.addAll(remotePart(ctx, instance.hostInfo()));
            }
        }
        gathered.sort(order);
        if (render == null) {
            ctx.json(gathered);
        } else {
            RenderedBody rendered = render.apply(gathered);
            ctx.contentType(rendered.contentType()).result(rendered.body());
        }
    }

    private List<?> localPart(Function<LocalStores, List<?>> query) {
        try {
            return query.apply(stores.all());
        } catch (InvalidStateStoreException e) {
            throw ProblemException.unavailable("A store is not queryable yet: " + e.getClass().getSimpleName(), OwnerLookup.RETRY_AFTER);
        }
    }

    private List<JsonNode> remotePart(Context ctx, HostInfo host) {
        InstanceHttpClient.Answer response = forwarder.send(ctx, host, InteractiveQueryService.LOCAL_PART_HEADER);
        if (response == null) {
            throw ProblemException.unavailable("Instance " + host.host() + ":" + host.port() + " is unreachable", OwnerLookup.RETRY_AFTER);
        }
        JsonNode body;
        try {
            body = HttpServerFactory.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw ProblemException.unavailable("Instance " + host.host() + ":" + host.port() + " answered " + response.status(),
                OwnerLookup.RETRY_AFTER);
        }
        if (response.status() == 401 || response.status() == 403) {
            // The other instance refused the caller: pass its refusal on rather than a partial answer.
            throw new ProblemException(new Problem(body.path("type").asText("about:blank"), body.path("title").asText("Refused"),
                response.status(), body.path("detail").asText(null), List.of()),
                response.header(SecurityGate.WWW_AUTHENTICATE).map(v -> Map.of(SecurityGate.WWW_AUTHENTICATE, v)).orElse(Map.of()));
        }
        if (response.status() != 200 || !body.isArray()) {
            throw ProblemException.unavailable("Instance " + host.host() + ":" + host.port() + " answered " + response.status(),
                OwnerLookup.RETRY_AFTER);
        }
        List<JsonNode> part = new ArrayList<>();
        body.forEach(part::add);
        return part;
    }
}
