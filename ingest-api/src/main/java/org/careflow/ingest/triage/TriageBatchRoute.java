package org.careflow.ingest.triage;

import org.careflow.validation.FieldError;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.ingest.EventPublisher;
import org.careflow.ingest.IngestRoutes;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.Problem;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.http.ProblemException;
import org.careflow.security.EndpointClass;
import org.careflow.security.SecurityGate;
import org.careflow.security.SecurityRejection;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/triage-submissions:batch}: many triage submissions in one request, for integrations and load tests.
 * Items are read one by one from the body with Jackson's streaming parser, with no tree per item (a batch of hundreds
 * would otherwise build hundreds of maps only to read them once), and each is checked by {@link TriageSubmissionParser}
 * with exactly the checks {@code POST /v1/triage-submissions} applies to its body ({@link SubmissionMembers}); the valid
 * ones are written like it writes them, all sent before any acknowledgement is awaited, so the producer batches them.
 * The answer gives every item's outcome, in item order.
 */
public final class TriageBatchRoute {

    /** The colon is literal: Javalin only treats a segment starting with {@code :} specially. */
    public static final String PATH = "/v1/triage-submissions:batch";
    /**
     * {@link #PATH} as clients that percent-encode {@code :} send it (JavaScript's {@code encodeURIComponent}, Python's
     * {@code quote}); Javalin matches the raw path, so these are registered too.
     */
    private static final List<String> ENCODED_PATHS = List.of("/v1/triage-submissions%3Abatch", "/v1/triage-submissions%3abatch");
    /** Media type of a batch sent as one submission object per line. */
    public static final String NDJSON = "application/x-ndjson";

    private static final Logger LOG = LoggerFactory.getLogger(TriageBatchRoute.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final String RETRY_HINT = "Retry this item with the same submissionId.";

    /**
     * How much one batch may carry.
     *
     * @param maxItems most submissions in one batch ({@code batch.max.items})
     * @param maxBytes largest body ({@code http.max.batch.request.bytes})
     */
    public record Limits(int maxItems, long maxBytes) {
        public Limits {
            if (maxItems < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("batch limits must be positive: " + maxItems + " items, " + maxBytes + " bytes");
            }
        }
    }

    /** One item's outcome; {@code problem} is set unless it was accepted. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ItemResult(int index, int status, String submissionId, Integer partition, Long offset, Problem problem) {

        static ItemResult accepted(int index, String submissionId, RecordMetadata metadata) {
            return new ItemResult(index, 202, submissionId, metadata.partition(), metadata.offset(), null);
        }

        static ItemResult refused(int index, Problem problem) {
            return new ItemResult(index, problem.status(), null, null, null, problem);
        }

        static ItemResult failed(int index, String submissionId, Problem problem) {
            return new ItemResult(index, 503, submissionId, null, null, problem);
        }
    }

    /** The answer's body. */
    record BatchAnswer(int accepted, int rejected, int failed, List<ItemResult> results) {
    }

    /** A non-blank NDJSON line: its 1-based number and its bytes {@code [start, end)}. */
    private record Line(int number, int start, int end) {
    }

    private final EventPublisher publisher;
    private final TriageSubmissionParser parser;
    private final FacilityCatalog facilities;
    private final Clock clock;
    private final Limits limits;

    /** @param clock bounds how long sending a batch may take, with the publisher's timeout */
    public TriageBatchRoute(EventPublisher publisher, TriageSubmissionParser parser, FacilityCatalog facilities, Clock clock,
                            Limits limits) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.facilities = Objects.requireNonNull(facilities, "facilities");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Adds the route to a server's configuration. */
    public void register(JavalinConfig config) {
        config.routes.post(PATH, this::submit, EndpointClass.TRIAGE_BATCH);
        ENCODED_PATHS.forEach(path -> config.routes.post(path, this::submit, EndpointClass.TRIAGE_BATCH));
    }

    private void submit(Context ctx) {
        Items items = items(ctx);
        TriageSubmission[] submissions = items.submissions.toArray(new TriageSubmission[0]);
        ItemResult[] results = items.results.toArray(new ItemResult[0]);
        ctx.future(() -> publishAll(ctx, submissions, results));
    }

    /**
     * The batch's items as read so far: each either a submission to write or the reason it is refused, in item order.
     * Items past {@code batch.max.items} are only counted.
     */
    private final class Items {
        private final Context ctx;
        private final List<TriageSubmission> submissions = new ArrayList<>();
        private final List<ItemResult> results = new ArrayList<>();
        private int count;

        Items(Context ctx) {
            this.ctx = ctx;
        }

        /** True while the batch is within {@code batch.max.items}: later items are skipped, the batch is refused. */
        boolean counting() {
            return ++count <= limits.maxItems();
        }

        /** Checks the item just read; {@code members} is null when it is not a JSON object. */
        void add(SubmissionMembers members) {
            int index = submissions.size();
            TriageSubmission submission = null;
            ItemResult result = null;
            try {
                if (members == null) {
                    throw TriageSubmissionParser.notAnObject();
                }
                submission = parser.parse(members);
                // Each item on its own: one out of the caller's scope is refused, the others go ahead.
                SecurityGate.requireWrite(ctx, submission.getFacilityId(), submission.getPatientId());
                // Integrations only (the gate), so no item is a patient's own submission.
                facilities.requireTriageAccepted(submission.getFacilityId(), "/facilityId", false);
            } catch (ProblemException e) {
                submission = null;
                result = ItemResult.refused(index, e.problem());
            } catch (SecurityRejection e) {
                submission = null;
                result = ItemResult.refused(index, new Problem(e.type(), e.title(), e.status(), e.detail(), List.of()));
            }
            submissions.add(submission);
            results.add(result);
        }
    }

    /**
     * Sends every parsed submission, then waits for all acknowledgements. A send can block (metadata, full buffer) up to
     * the publisher's timeout, so once sending has taken that long the rest are not sent: with Kafka unreachable a batch
     * is answered within about one timeout, not one per item.
     */
    private CompletableFuture<Void> publishAll(Context ctx, TriageSubmission[] submissions, ItemResult[] results) {
        long deadline = clock.millis() + publisher.timeout().toMillis();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        CompletableFuture<Void> allAcknowledged = new CompletableFuture<>();
        // One count for the sending loop itself, so the batch cannot complete before every item was sent.
        AtomicInteger pending = new AtomicInteger(1);
        for (int i = 0; i < submissions.length; i++) {
            TriageSubmission submission = submissions[i];
            if (submission == null) {
                continue;
            }
            int index = i;
            if (clock.millis() > deadline) {
                results[i] = ItemResult.failed(i, submission.getSubmissionId(), Problem.of(503, "Event not sent",
                    "Sending the batch's earlier events took longer than " + publisher.timeout().toMillis()
                        + " ms, so this one was not sent; it was not recorded. " + RETRY_HINT));
                continue;
            }
            pending.incrementAndGet();
            // No future per item: the acknowledgement (on the producer's I/O thread) only records the outcome and counts down.
            publisher.send(Topics.TRIAGE_SUBMISSIONS, submission.getPatientId(), submission, (metadata, failure) -> {
                if (failure == null) {
                    results[index] = ItemResult.accepted(index, submission.getSubmissionId(), metadata);
                } else {
                    firstError.compareAndSet(null, failure);
                    results[index] = ItemResult.failed(index, submission.getSubmissionId(),
                        IngestRoutes.unconfirmed(failure, publisher.timeout(), RETRY_HINT));
                }
                if (pending.decrementAndGet() == 0) {
                    allAcknowledged.complete(null);
                }
            });
        }
        if (pending.decrementAndGet() == 0) {
            allAcknowledged.complete(null);
        }
        // The answer is rendered off the producer's I/O thread.
        return allAcknowledged.thenRunAsync(() -> respond(ctx, results, firstError.get()), publisher.answerExecutor());
    }

    /** 202 when every item was accepted, 400 when every one was refused, 503 when none could be written, else 207. */
    private static void respond(Context ctx, ItemResult[] results, Throwable error) {
        int accepted = 0;
        int rejected = 0;
        int failed = 0;
        for (ItemResult result : results) {
            if (result.status() == 202) {
                accepted++;
            } else if (result.status() == 503) {
                failed++;
            } else {
                rejected++;
            }
        }
        int n = results.length;
        int status = accepted == n ? 202 : rejected == n ? 400 : failed == n ? 503 : 207;
        if (failed > 0) {
            ctx.header("Retry-After", Long.toString(RETRY_AFTER.toSeconds()));
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            LOG.warn("{} of {} events of a batch on {} not accepted, Kafka did not acknowledge them: {}", failed, n, PATH,
                cause.getClass().getSimpleName());
        }
        ctx.status(status).json(new BatchAnswer(accepted, rejected, failed, Arrays.asList(results)));
    }

    /**
     * The batch's items, each read, checked and built as it is reached in the body (no tree per item): 415 unless JSON
     * or NDJSON, 413 over the limits, 400 when it is not a non-empty batch. Nothing is written before the whole body
     * has been read, so a syntax error anywhere still refuses the whole batch.
     */
    private Items items(Context ctx) {
        String contentType = ctx.contentType();
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase();
        boolean ndjson = mediaType.equals(NDJSON);
        if (!ndjson && !mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new ProblemException(Problem.of(415, "Unsupported media type", "Send the batch as a JSON array "
                + "(application/json) or as one submission per line (" + NDJSON + "), got "
                + (contentType == null ? "no Content-Type" : mediaType)));
        }
        byte[] body = body(ctx);
        Items items = new Items(ctx);
        if (ndjson) {
            lines(body, items);
        } else {
            array(body, items);
        }
        if (items.count == 0) {
            throw invalid(ndjson ? "the batch is empty: send at least one submission, one per line"
                : "the batch is empty: send an array of at least one submission");
        }
        if (items.count > limits.maxItems()) {
            throw tooManyItems(items.count);
        }
        return items;
    }

    /** Read here rather than by {@code ctx.bodyAsBytes()}, which applies the server-wide {@code http.max.request.bytes}. */
    private byte[] body(Context ctx) {
        long max = limits.maxBytes();
        if (ctx.req().getContentLengthLong() > max) {
            throw tooLarge();
        }
        try {
            byte[] bytes = ctx.req().getInputStream().readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > max) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw invalid("the body could not be read");
        }
    }

    /** A JSON array of submissions, strict about trailing content: {@code [..] [..]} must not silently lose its second array. */
    private static void array(byte[] body, Items items) {
        try (JsonParser parser = HttpServerFactory.MAPPER.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_ARRAY) {
                if (first != null) {
                    // Read to its end first: a body that is not JSON at all is named as such.
                    parser.skipChildren();
                    requireEnd(parser);
                }
                throw invalid("the body must be a JSON array of submissions, or one submission per line sent as " + NDJSON);
            }
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new JsonParseException(parser, "Unexpected end-of-input: expected close marker for Array");
                }
                item(parser, token, items);
            }
            requireEnd(parser);
        } catch (JsonProcessingException e) {
            throw invalid("the body is not valid JSON" + where(e.getLocation(), true));
        } catch (IOException e) {
            throw invalid("the body could not be read");
        }
    }

    /** Reads and checks the item at {@code token}, or only skips it once the batch is over {@code batch.max.items}. */
    private static void item(JsonParser parser, JsonToken token, Items items) throws IOException {
        if (!items.counting()) {
            parser.skipChildren();
        } else if (token == JsonToken.START_OBJECT) {
            items.add(SubmissionMembers.read(parser));
        } else {
            parser.skipChildren();
            items.add(null);
        }
    }

    /** Fails as Jackson's strict tree reader does when a value is followed by anything but whitespace. */
    private static void requireEnd(JsonParser parser) throws IOException {
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new JsonParseException(parser, "Trailing token (of type " + trailing + ") found after value",
                parser.currentTokenLocation());
        }
    }

    private static String where(JsonLocation location, boolean withLine) {
        if (location == null) {
            return "";
        }
        return withLine ? " at line " + location.getLineNr() + ", column " + location.getColumnNr()
            : ", column " + location.getColumnNr();
    }

    /** Blank lines are skipped; a line that is not JSON makes the whole body invalid, as a syntax error in an array would. */
    private void lines(byte[] body, Items items) {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int number = 1;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                if (!blank(body, start, i)) {
                    lines.add(new Line(number, start, i));
                }
                start = i + 1;
                number++;
            }
        }
        // Counted before parsing: an oversized batch is refused without parsing it.
        if (lines.size() > limits.maxItems()) {
            throw tooManyItems(lines.size());
        }
        for (Line line : lines) {
            try (JsonParser parser = HttpServerFactory.MAPPER.createParser(body, line.start(), line.end() - line.start())) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    // Nothing Jackson reads as a value (a line of other white space): an item that is not an object.
                    items.counting();
                    items.add(null);
                    continue;
                }
                item(parser, token, items);
                requireEnd(parser);
            } catch (JsonProcessingException e) {
                throw invalid("line " + line.number() + " is not valid JSON" + where(e.getLocation(), false)
                    + "; send one submission object per line");
            } catch (IOException e) {
                throw invalid("the body could not be read");
            }
        }
    }

    private static boolean blank(byte[] body, int start, int end) {
        for (int i = start; i < end; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static ProblemException invalid(String message) {
        return ProblemException.invalid(List.of(new FieldError("", message)));
    }

    private ProblemException tooManyItems(int count) {
        return new ProblemException(Problem.of(413, "Too many submissions", "The batch has " + count
            + " submissions; batch.max.items allows at most " + limits.maxItems() + ". Split it; nothing was recorded."));
    }

    private ProblemException tooLarge() {
        return new ProblemException(Problem.of(413, "Request body too large", "The batch is over http.max.batch.request.bytes ("
            + limits.maxBytes() + " bytes). Split it; nothing was recorded."));
    }
}
