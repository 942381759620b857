package org.careflow.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.careflow.http.HttpServerFactory;

/**
 * Plain HTTP calls for the stack's integration tests, failing the test on I/O errors. Once {@link #actAs} was given
 * the stack's {@link LocalAuth}, every call carries a bearer token of the party that would make it in production
 * ({@link ItCallers}): a clinician of the facility for its queue, the patient for their own records, the facility's
 * integration for what it posts.
 */
final class HttpCalls {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static volatile ItCallers callers;

    private HttpCalls() {
    }

    /** Calls from now on carry tokens minted by {@code auth}; null sends none (a stack with authentication off). */
    static void actAs(LocalAuth auth) {
        callers = auth == null ? null : new ItCallers(auth);
    }

    /** Sends {@code body} as JSON with {@code method}, or a GET when {@code body} is null. */
    static HttpResponse<String> send(String method, String url, String body) {
        ItCallers current = callers;
        String token = current == null ? null : current.token(method, URI.create(url).getPath(), body).orElse(null);
        return sendAs(token, method, url, body);
    }

    /** Sends like {@link #send}, with {@code token} (none when null) instead of the one the call's shape implies. */
    static HttpResponse<String> sendAs(String token, String method, String url, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends like {@link #send} and, while the answer is 503 (Kafka did not acknowledge in time, as right after a cold
     * start on a loaded machine), sends again as the API's contract says a client should, until the deadline.
     */
    static HttpResponse<String> sendUntilAccepted(String method, String url, String body) {
        return org.careflow.platform.embedded.Await.value("a non-503 answer from " + url, java.time.Duration.ofSeconds(90), () -> {
            HttpResponse<String> response = send(method, url, body);
            return response.statusCode() == 503 ? null : response;
        });
    }

    /**
     * Registers each facility as ops would ({@code PUT /v1/facilities/{id}}, active, accepting self-triage, no on-call
     * contact): writes naming a facility careflow does not serve are refused, so a test registers those it writes for.
     */
    static void registerFacilities(String ingestUrl, String... facilityIds) {
        for (String id : facilityIds) {
            HttpResponse<String> response = sendUntilAccepted("PUT", ingestUrl + "/v1/facilities/" + id,
                "{\"name\": \"Facility " + id + "\", \"acceptsSelfTriage\": true}");
            if (response.statusCode() != 202) {
                throw new IllegalStateException("Facility " + id + " was not registered: HTTP " + response.statusCode() + " " + response.body());
            }
        }
    }

    static HttpResponse<String> get(String url) {
        return send("GET", url, null);
    }

    /** The JSON body of a 200 answer to a GET, or null for any other status. */
    static JsonNode getJson(String url) {
        HttpResponse<String> response = get(url);
        return response.statusCode() == 200 ? json(response.body()) : null;
    }

    static JsonNode json(String body) {
        try {
            return HttpServerFactory.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
