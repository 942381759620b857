package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseClassifierTest {

    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (a, b) -> true);

    @ParameterizedTest(name = "HTTP {0} with Graph code {1} is retryable={2}")
    @CsvSource({
        "400, 131048, true",
        "400, 131056, true",
        "400, 130429, true",
        "400, 80007, true",
        "400, 4, true",
        "400, 2, true",
        "500, 131000, true",
        "503, 133004, true",
        "400, 100, false",
        "400, 131026, false",
        "400, 132000, false",
        "400, 132001, false",
        "401, 190, false",
        "400, 131047, false",
        "500, 1, true",
    })
    void shouldClassifyByGraphCodeWhenBodyIsGraphError(int status, int code, boolean retryable) {
        // Given a Graph API error answer
        String body = "{\"error\":{\"message\":\"(#" + code + ") Something\",\"type\":\"OAuthException\",\"code\":" + code
            + ",\"error_subcode\":2494010}}";

        // When it is classified
        SendResult.Failed failed = ResponseClassifier.failure(status, NO_HEADERS, body, "the API");

        // Then the code is the Graph code, with the API's message
        assertThat(failed.retryable()).isEqualTo(retryable);
        assertThat(failed.code()).isEqualTo(String.valueOf(code));
        assertThat(failed.message()).isEqualTo("(#" + code + ") Something");
    }

    @ParameterizedTest(name = "HTTP {0} is retryable={1}")
    @CsvSource({"429, true", "500, true", "502, true", "503, true", "400, false", "401, false", "404, false", "410, false"})
    void shouldClassifyByStatusWhenBodyIsNotGraphError(int status, boolean retryable) {
        // Given an answer whose body is not a Graph error
        // When it is classified
        SendResult.Failed failed = ResponseClassifier.failure(status, NO_HEADERS, "<html>oops</html>", "the webhook");

        // Then the status decides, and the code names it
        assertThat(failed.retryable()).isEqualTo(retryable);
        assertThat(failed.code()).isEqualTo("HTTP_" + status);
        assertThat(failed.message()).isEqualTo("the webhook answered HTTP " + status);
    }

    @Test
    void shouldCountOnlyFailuresWithoutARefusalAsPossiblyArrived() {
        // No answer in time, a broken exchange, a bare 5xx: the provider may have accepted the message
        assertThat(ResponseClassifier.mayHaveArrived(ResponseClassifier.failure(new HttpTimeoutException("t"), Duration.ofSeconds(1), "api")))
            .isTrue();
        assertThat(ResponseClassifier.mayHaveArrived(ResponseClassifier.failure(new IOException("reset"), Duration.ofSeconds(1), "api")))
            .isTrue();
        assertThat(ResponseClassifier.mayHaveArrived(ResponseClassifier.failure(504, NO_HEADERS, "", "api"))).isTrue();
        // A refused connection, a 429 and a Graph error are answers that it was not taken
        assertThat(ResponseClassifier.mayHaveArrived(ResponseClassifier.failure(new ConnectException("refused"), Duration.ofSeconds(1),
            "api"))).isFalse();
        assertThat(ResponseClassifier.mayHaveArrived(ResponseClassifier.failure(429, NO_HEADERS, "", "api"))).isFalse();
        assertThat(ResponseClassifier.mayHaveArrived(ResponseClassifier.failure(500, NO_HEADERS,
            "{\"error\":{\"code\":2,\"message\":\"Service temporarily unavailable\"}}", "api"))).isFalse();
    }

    @Test
    void shouldReadRetryAfterSecondsWhenHeaderIsPresent() {
        // Given a 429 with Retry-After: 7
        HttpHeaders headers = HttpHeaders.of(Map.of("Retry-After", List.of("7")), (a, b) -> true);

        // When it is classified
        SendResult.Failed failed = ResponseClassifier.failure(429, headers, "", "the API");

        // Then the wait is carried along
        assertThat(failed.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(failed.retryable()).isTrue();
    }

    @Test
    void shouldIgnoreRetryAfterWhenItIsADate() {
        // Given a Retry-After in its HTTP-date form
        HttpHeaders headers = HttpHeaders.of(Map.of("Retry-After", List.of("Wed, 21 Oct 2026 07:28:00 GMT")), (a, b) -> true);

        // When / Then: it is ignored, and the backoff alone decides the wait
        assertThat(ResponseClassifier.failure(503, headers, "", "the API").retryAfter()).isNull();
    }

    @Test
    void shouldTruncateMessageTo300CharactersWhenApiMessageIsLong() {
        // Given an error message of 1,000 characters
        String body = "{\"error\":{\"code\":100,\"message\":\"" + "x".repeat(1000) + "\"}}";

        // When it is classified
        SendResult.Failed failed = ResponseClassifier.failure(400, NO_HEADERS, body, "the API");

        // Then the message kept is 300 characters long
        assertThat(failed.message()).hasSize(300);
        assertThat(failed.retryable()).isFalse();
    }

    @Test
    void shouldUseTitleWhenErrorHasNoMessage() {
        // Given the newer error shape, with a title and no message
        String body = "{\"error\":{\"code\":131026,\"title\":\"Message undeliverable\"}}";

        // When / Then: the title is the message
        assertThat(ResponseClassifier.failure(400, NO_HEADERS, body, "the API").message()).isEqualTo("Message undeliverable");
    }

    @Test
    void shouldRetryWhenNetworkFailsOrTimesOut() {
        // Given calls that got no answer at all
        SendResult.Failed timeout = ResponseClassifier.failure(new HttpTimeoutException("timed out"), Duration.ofSeconds(2), "the API");
        SendResult.Failed refused = ResponseClassifier.failure(new ConnectException("refused"), Duration.ofSeconds(2), "the API");
        SendResult.Failed reset = ResponseClassifier.failure(new IOException("reset"), Duration.ofSeconds(2), "the API");

        // Then all are worth repeating
        assertThat(timeout.code()).isEqualTo("TIMEOUT");
        assertThat(refused.code()).isEqualTo("CONNECTION_FAILED");
        assertThat(reset.code()).isEqualTo("IO_ERROR");
        assertThat(List.of(timeout, refused, reset)).allSatisfy(f -> assertThat(f.retryable()).isTrue());
    }
}
