package org.careflow.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a failed HTTP call is worth repeating. Retryable: HTTP 429, any 5xx, network trouble and
 * timeouts, and the Graph API error codes for throttling and temporary trouble, whatever the HTTP status (the
 * Cloud API answers some of them with 400). Everything else is permanent.
 */
final class ResponseClassifier {

    /** Graph API codes for rate limits and temporary outages; they may come with HTTP 400. */
    static final Set<Integer> RETRYABLE_GRAPH_CODES = Set.of(2, 4, 80007, 130429, 131000, 131048, 131056, 133004);

    private ResponseClassifier() {
    }

    /**
     * Classifies a non-2xx answer.
     *
     * @param service who answered, for the message when the body says nothing useful
     */
    static SendResult.Failed failure(int status, HttpHeaders headers, String body, String service) {
        Duration retryAfter = retryAfter(headers).orElse(null);
        Optional<GraphError> graph = GraphError.parse(body);
        if (graph.isPresent()) {
            GraphError error = graph.get();
            boolean retryable = RETRYABLE_GRAPH_CODES.contains(error.code()) || isRetryableStatus(status);
            return new SendResult.Failed(String.valueOf(error.code()), error.message(), retryable, retryAfter);
        }
        return new SendResult.Failed("HTTP_" + status, service + " answered HTTP " + status, isRetryableStatus(status), retryAfter);
    }

    /** Classifies a call that got no answer: always retryable, since the server may just be slow or restarting. */
    static SendResult.Failed failure(IOException e, Duration timeout, String service) {
        if (e instanceof HttpTimeoutException) {
            return new SendResult.Failed("TIMEOUT", service + " did not answer within " + timeout, true, null);
        }
        if (e instanceof ConnectException) {
            return new SendResult.Failed("CONNECTION_FAILED", "Could not connect to " + service, true, null);
        }
        return new SendResult.Failed("IO_ERROR", "Network error talking to " + service + " (" + e.getClass().getSimpleName() + ")",
            true, null);
    }

    /**
     * True when a failed attempt may nevertheless have reached the provider and been accepted: no answer came in time,
     * the connection broke after the request was written, or a 5xx without a Graph error said nothing about it. A
     * refused connection, a 429 and a Graph error are answers that it was not taken.
     */
    static boolean mayHaveArrived(SendResult.Failed failed) {
        String code = failed.code();
        return code.equals("TIMEOUT") || code.equals("IO_ERROR") || (code.startsWith("HTTP_5") && code.length() == "HTTP_500".length());
    }

    static boolean isRetryableStatus(int status) {
        return status == 429 || status >= 500;
    }

    /** The {@code Retry-After} header in its delay-seconds form; the rarer HTTP-date form is ignored. */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The {@code error} object of a Graph API answer. */
    record GraphError(int code, String message) {

        static Optional<GraphError> parse(String body) {
            if (body == null || body.isBlank()) {
                return Optional.empty();
            }
            try {
                JsonNode error = Json.MAPPER.readTree(body).path("error");
                if (!error.path("code").canConvertToInt()) {
                    return Optional.empty();
                }
                int code = error.path("code").asInt();
                // Newer error shapes carry a short title next to, or instead of, the message.
                String message = error.path("message").asText(error.path("title").asText("Graph API error " + code));
                return Optional.of(new GraphError(code, message.isBlank() ? "Graph API error " + code : message));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }
}
