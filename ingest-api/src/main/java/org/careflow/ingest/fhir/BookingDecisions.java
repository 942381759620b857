package org.careflow.ingest.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.careflow.fhir.FhirIds;
import org.careflow.fhir.FhirJson;
import org.careflow.http.HttpServerFactory;
import org.hl7.fhir.r4.model.Appointment;

/**
 * Waits for streams-scheduling to decide a request the ingest API has just written, by reading its answers with the
 * caller's own token, as the caller could: first the request's decision (refused, or accepted for the saga), then the
 * booking until it reaches the state asked for. Polls with a growing pause, never blocking a thread, and gives up at
 * the deadline (the caller is then told where to look).
 */
final class BookingDecisions {

    private static final long FIRST_PAUSE_MS = 25;
    private static final long LONGEST_PAUSE_MS = 250;

    /** What became of a request: refused with a reason, decided (the booking as it now stands), or not known in time. */
    sealed interface Outcome permits Refused, Decided, Undecided {
    }

    record Refused(String reason) implements Outcome {
    }

    record Decided(Appointment appointment) implements Outcome {
    }

    record Undecided() implements Outcome {
    }

    private final HttpClient client;
    private final String schedulingUrl;
    private final Duration wait;

    BookingDecisions(String schedulingUrl, Duration wait) {
        this.schedulingUrl = Objects.requireNonNull(schedulingUrl, "schedulingUrl");
        this.wait = Objects.requireNonNull(wait, "wait");
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Whether decisions can be read at all (a streams-scheduling URL is set and waiting is allowed). */
    boolean enabled() {
        return !schedulingUrl.isEmpty() && !wait.isZero();
    }

    /** Where the booking can be read on streams-scheduling: absolute when its URL is known. */
    String location(String bookingId) {
        return schedulingUrl + "/fhir/R4/Appointment/" + FhirIds.logical(bookingId);
    }

    /** The outcome of request {@code requestId} on booking {@code bookingId}, once the booking satisfies {@code decided}. */
    CompletableFuture<Outcome> await(String requestId, String bookingId, String authorization, Predicate<Appointment> decided) {
        long deadline = System.nanoTime() + wait.toNanos();
        return decision(requestId, authorization, deadline, FIRST_PAUSE_MS).thenCompose(refusal -> {
            if (refusal instanceof Refused || refusal instanceof Undecided) {
                return CompletableFuture.completedFuture(refusal);
            }
            return booking(bookingId, authorization, decided, deadline, FIRST_PAUSE_MS);
        });
    }

    /** Refused, Undecided (deadline), or null when the request was accepted for the saga. */
    private CompletableFuture<Outcome> decision(String requestId, String authorization, long deadline, long pause) {
        return get("/v1/scheduling-decisions/" + requestId, authorization).thenCompose(response -> {
            if (response != null && response.statusCode() == 200) {
                JsonNode body = json(response.body());
                if (body != null && "REFUSED".equals(body.path("status").asText())) {
                    return CompletableFuture.completedFuture(new Refused(body.path("reason").asText("REFUSED")));
                }
                if (body != null && "ACCEPTED".equals(body.path("status").asText())) {
                    return CompletableFuture.completedFuture(null);
                }
            }
            return later(deadline, pause, next -> decision(requestId, authorization, deadline, next));
        });
    }

    private CompletableFuture<Outcome> booking(String bookingId, String authorization, Predicate<Appointment> decided, long deadline, long pause) {
        return get("/fhir/R4/Appointment/" + FhirIds.logical(bookingId), authorization).thenCompose(response -> {
            if (response != null && response.statusCode() == 200) {
                Appointment appointment = FhirJson.parse(Appointment.class, response.body());
                if (decided.test(appointment)) {
                    return CompletableFuture.completedFuture(new Decided(appointment));
                }
            }
            return later(deadline, pause, next -> booking(bookingId, authorization, decided, deadline, next));
        });
    }

    private static CompletableFuture<Outcome> later(long deadline, long pause, java.util.function.LongFunction<CompletableFuture<Outcome>> poll) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
            return CompletableFuture.completedFuture(new Undecided());
        }
        long next = Math.min(LONGEST_PAUSE_MS, pause * 2);
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS))
            .thenCompose(ignored -> poll.apply(next));
    }

    /** The answer to a GET, or null when streams-scheduling could not be reached (it is asked again). */
    private CompletableFuture<HttpResponse<String>> get(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(schedulingUrl + path)).timeout(Duration.ofSeconds(2)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).exceptionally(error -> null);
    }

    private static JsonNode json(String body) {
        try {
            return HttpServerFactory.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
