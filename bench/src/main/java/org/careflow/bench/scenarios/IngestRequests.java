package org.careflow.bench.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.careflow.ingest.IngestRoutes;
import org.careflow.ingest.triage.TriageBatchRoute;

/**
 * The requests the ingest scenarios send through {@link HttpLoad}: synthetic submissions, each with the next index of a
 * scenario's own range, posted one per request ({@code POST /v1/triage-submissions}) or many per request
 * ({@code POST /v1/triage-submissions:batch}, a JSON array).
 */
public final class IngestRequests {

    static final int ACCEPTED = 202;
    /** The batch route's answer when some items were accepted and some not. */
    static final int MULTI_STATUS = 207;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Told of every event the API accepted, with when its 202 arrived. */
    @FunctionalInterface
    interface AcceptedListener {
        void accepted(long index, long answeredNanos);
    }

    private IngestRequests() {
    }

    static URI singleUri(int port) {
        return URI.create("http://127.0.0.1:" + port + IngestRoutes.TRIAGE_SUBMISSIONS_PATH);
    }

    static URI batchUri(int port) {
        return URI.create("http://127.0.0.1:" + port + TriageBatchRoute.PATH);
    }

    /** One event per request, from {@code nextIndex} on; a request counts when answered 202. */
    static Supplier<HttpLoad.Exchange> single(URI uri, SyntheticData data, AtomicLong nextIndex) {
        return single(uri, data, nextIndex, null);
    }

    /** As {@link #single(URI, SyntheticData, AtomicLong)}, telling {@code listener} (when not null) of each 202. */
    static Supplier<HttpLoad.Exchange> single(URI uri, SyntheticData data, AtomicLong nextIndex, AcceptedListener listener) {
        Objects.requireNonNull(data, "data");
        return single(uri, data::json, nextIndex, listener);
    }

    /** One body per request, {@code bodies} of {@code nextIndex}, {@code nextIndex + 1}, ...; a request counts when answered 202. */
    static Supplier<HttpLoad.Exchange> single(URI uri, LongFunction<String> bodies, AtomicLong nextIndex, AcceptedListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(bodies, "bodies");
        return () -> {
            long index = nextIndex.getAndIncrement();
            HttpRequest request = post(uri, "application/json", bodies.apply(index));
            return HttpLoad.Exchange.of(request, false, (status, answer, answeredNanos, tally) -> {
                if (status == ACCEPTED) {
                    tally.accepted(1);
                    if (listener != null) {
                        listener.accepted(index, answeredNanos);
                    }
                } else {
                    tally.notAccepted(status, 1);
                }
            });
        };
    }

    /**
     * {@code size} events per request, as one JSON array, from {@code nextIndex} on. 202 accepts every item; 207 is read
     * item by item; any other answer accepts none.
     */
    static Supplier<HttpLoad.Exchange> batch(URI uri, SyntheticData data, AtomicLong nextIndex, int size) {
        Objects.requireNonNull(data, "data");
        return batch(uri, data::json, nextIndex, size);
    }

    /** As {@link #batch(URI, SyntheticData, AtomicLong, int)}, the items being {@code bodies} of the indexes. */
    static Supplier<HttpLoad.Exchange> batch(URI uri, LongFunction<String> bodies, AtomicLong nextIndex, int size) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(bodies, "bodies");
        if (size < 1) {
            throw new IllegalArgumentException("A batch holds at least one event, not " + size);
        }
        return () -> {
            long first = nextIndex.getAndAdd(size);
            StringBuilder body = new StringBuilder(size * 400);
            body.append('[');
            for (int i = 0; i < size; i++) {
                if (i > 0) {
                    body.append(',');
                }
                body.append(bodies.apply(first + i));
            }
            body.append(']');
            HttpRequest request = post(uri, "application/json", body.toString());
            return HttpLoad.Exchange.of(request, true, (status, answer, answeredNanos, tally) -> {
                if (status == ACCEPTED) {
                    tally.accepted(size);
                } else if (status == MULTI_STATUS) {
                    countItems(answer, size, tally);
                } else {
                    tally.notAccepted(status, size);
                }
            });
        };
    }

    /** Counts a 207's items by their own status; an answer that cannot be read counts every item as not accepted. */
    static void countItems(String answer, int size, HttpLoad.Tally tally) {
        JsonNode results;
        try {
            results = answer == null ? null : JSON.readTree(answer).get("results");
        } catch (IOException e) {
            results = null;
        }
        if (results == null || !results.isArray() || results.size() != size) {
            tally.notAccepted(MULTI_STATUS, size);
            return;
        }
        for (JsonNode item : results) {
            int status = item.path("status").asInt(0);
            if (status == ACCEPTED) {
                tally.accepted(1);
            } else {
                tally.notAccepted(status, 1);
            }
        }
    }

    private static HttpRequest post(URI uri, String contentType, String body) {
        return HttpRequest.newBuilder(uri)
            .timeout(HttpLoad.REQUEST_TIMEOUT)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    }
}
