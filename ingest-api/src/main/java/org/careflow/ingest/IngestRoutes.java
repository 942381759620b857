package org.careflow.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.ingest.triage.TriageSubmissionParser;
import org.careflow.query.HttpServerFactory;
import org.careflow.query.Problem;
import org.careflow.query.ProblemException;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest API's routes: parse, validate, publish, and answer 202 only once Kafka acknowledged. */
public final class IngestRoutes {

    public static final String TRIAGE_SUBMISSIONS_PATH = "/v1/triage-submissions";

    private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final EventPublisher publisher;
    private final TriageSubmissionParser triageParser;

    public IngestRoutes(EventPublisher publisher, TriageSubmissionParser triageParser) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.triageParser = Objects.requireNonNull(triageParser, "triageParser");
    }

    /** Adds the routes to a server's configuration. */
    public void register(JavalinConfig config) {
        config.routes.post(TRIAGE_SUBMISSIONS_PATH, this::submitTriage);
    }

    private void submitTriage(Context ctx) {
        TriageSubmission submission = triageParser.parse(jsonBody(ctx));
        ctx.future(() -> publisher.publish(Topics.TRIAGE_SUBMISSIONS, submission.getPatientId(), submission)
            .handle((metadata, error) -> {
                if (error != null) {
                    respondUnavailable(ctx, error);
                } else {
                    ctx.status(202).json(accepted(submission.getSubmissionId(), metadata));
                }
                return null;
            }));
    }

    private static Map<String, Object> accepted(String id, RecordMetadata metadata) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("submissionId", id);
        body.put("status", "ACCEPTED");
        body.put("topic", metadata.topic());
        body.put("partition", metadata.partition());
        body.put("offset", metadata.offset());
        return body;
    }

    private void respondUnavailable(Context ctx, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.warn("Event not accepted, Kafka did not acknowledge it: {}", cause.getClass().getSimpleName());
        ctx.header("Retry-After", Long.toString(RETRY_AFTER.toSeconds()));
        HttpServerFactory.respond(ctx, Problem.of(503, "Event not accepted",
            "Kafka did not acknowledge the event within " + publisher.timeout().toMillis()
                + " ms; it was not recorded. Retry with the same submissionId."));
    }

    /** The body as JSON: 415 unless it is declared JSON, 400 when it does not parse. */
    static JsonNode jsonBody(Context ctx) {
        String contentType = ctx.contentType();
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase();
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new ProblemException(Problem.of(415, "Unsupported media type",
                "Send the body as application/json (got " + (contentType == null ? "no Content-Type" : mediaType) + ")"));
        }
        byte[] bytes = ctx.bodyAsBytes();
        try {
            return HttpServerFactory.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ProblemException.invalid(List.of(new Problem.FieldError("", "the body is not valid JSON" + where)));
        } catch (java.io.IOException e) {
            throw ProblemException.invalid(List.of(new Problem.FieldError("", "the body could not be read")));
        }
    }
}
