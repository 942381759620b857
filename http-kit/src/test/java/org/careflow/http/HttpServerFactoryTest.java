package org.careflow.http;

import org.careflow.validation.FieldError;
import org.careflow.validation.InvalidInputException;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpServerFactoryTest {

    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final HttpClient client = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        app = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(ready::get)
            .routes(config -> {
            config.routes.get("/invalid", ctx -> {
                throw ProblemException.invalid(List.of(new FieldError("/a", "must be set"), new FieldError("/b/c", "too big")));
            });
            config.routes.get("/domain-invalid", ctx -> {
                throw new InvalidInputException(List.of(new FieldError("/questions/0/type", "must be one of [YES_NO]")));
            });
            config.routes.get("/busy", ctx -> {
                throw ProblemException.unavailable("restoring", Duration.ofSeconds(3));
            });
            config.routes.get("/boom", ctx -> {
                throw new IllegalStateException("secret patient p-123");
            });
            config.routes.post("/echo", ctx -> ctx.result(ctx.body()));
            config.routes.get("/fhir/R4/Slot", ctx -> {
                throw ProblemException.notSupported(List.of(new FieldError("Slot.start", "start: the prefix 'sa' is not supported"),
                    new FieldError("", "_sort: not supported")));
            });
            config.routes.get("/fhir/R4/Slot/{id}", ctx -> {
                throw ProblemException.unavailable("restoring", Duration.ofSeconds(3));
            });
        }).build().start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void shouldListEveryFieldWhenRequestIsInvalid() throws Exception {
        HttpResponse<String> response = get("/invalid");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(Problem.CONTENT_TYPE));
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.at("/errors/0/field").asText()).isEqualTo("/a");
        assertThat(body.at("/errors/1/field").asText()).isEqualTo("/b/c");
    }

    @Test
    void shouldAnswer400ListingTheFieldsWhenDomainCodeRejectsInput() throws Exception {
        HttpResponse<String> response = get("/domain-invalid");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(Problem.CONTENT_TYPE));
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.at("/type").asText()).isEqualTo("https://careflow.org/problems/validation");
        assertThat(body.at("/errors/0/field").asText()).isEqualTo("/questions/0/type");
        assertThat(body.at("/errors/0/message").asText()).isEqualTo("must be one of [YES_NO]");
    }

    @Test
    void shouldAnswerAnOperationOutcomeWithAnIssuePerProblemOnFhirRoutes() throws Exception {
        HttpResponse<String> response = get("/fhir/R4/Slot?start=sa2026");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(FhirOutcomes.CONTENT_TYPE));
        JsonNode body = HttpServerFactory.MAPPER.readTree(response.body());
        assertThat(body.at("/resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(body.at("/issue/0/code").asText()).isEqualTo("not-supported");
        assertThat(body.at("/issue/0/expression/0").asText()).isEqualTo("Slot.start");
        assertThat(body.at("/issue/1/diagnostics").asText()).isEqualTo("_sort: not supported");
        assertThat(body.at("/issue/1/expression").isMissingNode()).isTrue();
    }

    @Test
    void shouldAnswerOperationOutcomesForEveryStatusOnFhirRoutes() throws Exception {
        HttpResponse<String> busy = get("/fhir/R4/Slot/s-1");
        HttpResponse<String> missing = get("/fhir/R4/Nothing");

        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(HttpServerFactory.MAPPER.readTree(busy.body()).at("/issue/0/code").asText()).isEqualTo("transient");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(HttpServerFactory.MAPPER.readTree(missing.body()).at("/issue/0/code").asText()).isEqualTo("not-found");
        assertThat(get("/nothing").headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(Problem.CONTENT_TYPE));
    }

    @Test
    void shouldSendRetryAfterWhenUnavailable() throws Exception {
        HttpResponse<String> response = get("/busy");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
    }

    @Test
    void shouldHideExceptionMessageWhenHandlerFails() throws Exception {
        HttpResponse<String> response = get("/boom");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("p-123");
    }

    @Test
    void shouldAnswerProblemWhenRouteIsUnknown() throws Exception {
        HttpResponse<String> response = get("/nowhere");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(Problem.CONTENT_TYPE));
    }

    @Test
    void shouldAnswer413WhenBodyExceedsLimit() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/echo")).POST(HttpRequest.BodyPublishers.ofString("x".repeat(2048))).build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void shouldReportReadinessWhenItChanges() throws Exception {
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        ready.set(true);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }
}
