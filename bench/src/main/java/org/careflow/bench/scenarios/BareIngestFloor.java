package org.careflow.bench.scenarios;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.config.CommonConfig;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.http.HttpServerFactory;
import org.careflow.ingest.EventPublisher;
import org.careflow.ingest.IngestConfig;
import org.careflow.topics.Topics;

/**
 * The floor of the ingest scenarios: the least an HTTP route can do to turn careflow's request bodies into careflow's
 * records. A Javalin server built by the same {@link HttpServerFactory} as the ingest API (same Javalin and Jetty
 * settings: thread pool, HTTP/1.1 keep-alive, request size limit; no security gate and no request metrics, which are
 * careflow's own work) takes the same JSON bodies, finds each one's pre-encoded record (key and value bytes, made once
 * by careflow's value serializer) by the body's bytes, writes it to {@code triage-submissions} with the ingest API's
 * producer settings ({@link EventPublisher#producerConfig}, only the serializers swapped for pass-through ones), and
 * answers 202 with no body once Kafka acknowledged it. A batch body (a JSON array) is split into items without parsing
 * them ({@link JsonArrayItems}); its 202 comes after every item's acknowledgement. What the floor leaves out is what
 * careflow does per request beyond moving bytes: parsing and validating JSON, building and encoding the Avro record,
 * the security gate, metrics, the answer's JSON.
 */
final class BareIngestFloor implements AutoCloseable {

    static final String SINGLE_PATH = "/bare/triage-submissions";
    static final String BATCH_PATH = "/bare/triage-submissions/batch";
    private static final String TOPIC = Topics.TRIAGE_SUBMISSIONS.name();

    /** One request body's record as careflow writes it: the patient id as key, the Avro value as careflow's serializer encodes it. */
    record Encoded(String key, byte[] value) {
    }

    /**
     * A fixed set of distinct submissions: the JSON bodies the floor's clients send in turn, and each one's record.
     * Kept small (the bodies repeat) so that memory does not grow with the length of a run.
     */
    static final class Events {

        private final List<String> bodies;
        private final Map<ByteBuffer, Encoded> byBody;

        private Events(List<String> bodies, Map<ByteBuffer, Encoded> byBody) {
            this.bodies = List.copyOf(bodies);
            this.byBody = byBody;
        }

        /** Events {@code first} .. {@code first + count - 1} of {@code data}, values encoded by {@code serializer}. */
        static Events encode(SyntheticData data, long first, int count, Serializer<TriageSubmission> serializer) {
            List<String> bodies = new ArrayList<>(count);
            Map<ByteBuffer, Encoded> byBody = new HashMap<>(count * 2);
            for (long i = first; i < first + count; i++) {
                String json = data.json(i);
                TriageSubmission submission = data.submission(i);
                bodies.add(json);
                byBody.put(ByteBuffer.wrap(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    new Encoded(submission.getPatientId(), serializer.serialize(TOPIC, submission)));
            }
            return new Events(bodies, byBody);
        }

        /** The body of request {@code n}, cycling through the set. */
        String body(long n) {
            return bodies.get((int) Math.floorMod(n, (long) bodies.size()));
        }

        Encoded find(byte[] body, int start, int length) {
            return byBody.get(ByteBuffer.wrap(body, start, length));
        }
    }

    private final Events events;
    private final Producer<String, byte[]> producer;
    private final long maxBatchBytes;
    private final Javalin server;

    private BareIngestFloor(IngestConfig config, Events events) {
        this.events = Objects.requireNonNull(events, "events");
        Map<String, Object> props = EventPublisher.producerConfig(config, Map.of());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "careflow-bench-bare-ingest");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
        this.maxBatchBytes = config.maxBatchRequestBytes();
        try {
            this.server = HttpServerFactory.builder(config.getString(CommonConfig.HTTP_HOST_CONFIG), 0)
                .maxRequestBytes(config.getLong(IngestConfig.HTTP_MAX_REQUEST_BYTES_CONFIG))
                .routes(http -> {
                    http.routes.post(SINGLE_PATH, this::single);
                    http.routes.post(BATCH_PATH, this::batch);
                }).build().start();
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    /** Starts the floor on an ephemeral port with the ingest API's server and producer settings of {@code config}. */
    static BareIngestFloor start(IngestConfig config, Events events) {
        return new BareIngestFloor(config, events);
    }

    URI singleUri() {
        return URI.create("http://127.0.0.1:" + server.port() + SINGLE_PATH);
    }

    URI batchUri() {
        return URI.create("http://127.0.0.1:" + server.port() + BATCH_PATH);
    }

    private void single(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        Encoded record = events.find(body, 0, body.length);
        if (record == null) {
            ctx.status(400);
            return;
        }
        ctx.future(() -> {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            send(record, acked, null);
            return acked.handle((ok, error) -> {
                ctx.status(error == null ? 202 : 503);
                return null;
            });
        });
    }

    private void batch(Context ctx) throws IOException {
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) Math.min(maxBatchBytes + 1, Integer.MAX_VALUE - 8));
        }
        List<Encoded> records = new ArrayList<>();
        try {
            for (JsonArrayItems.Span item : JsonArrayItems.split(body)) {
                Encoded record = events.find(body, item.start(), item.length());
                if (record == null) {
                    ctx.status(400);
                    return;
                }
                records.add(record);
            }
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            return;
        }
        if (records.isEmpty() || body.length > maxBatchBytes) {
            ctx.status(400);
            return;
        }
        ctx.future(() -> {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            AtomicInteger pending = new AtomicInteger(records.size());
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (Encoded record : records) {
                send(record, acked, new Countdown(pending, failure));
            }
            return acked.handle((ok, error) -> {
                ctx.status(error == null ? 202 : 503);
                return null;
            });
        });
    }

    /** Counts a batch's acknowledgements down; the last one completes the batch, failed if any item failed. */
    private record Countdown(AtomicInteger pending, AtomicReference<Exception> failure) {
        boolean last(Exception error) {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
            return pending.decrementAndGet() == 0;
        }
    }

    private void send(Encoded record, CompletableFuture<Void> acked, Countdown countdown) {
        try {
            producer.send(new ProducerRecord<>(TOPIC, record.key(), record.value()), (metadata, error) -> {
                if (countdown != null && !countdown.last(error)) {
                    return;
                }
                Exception failed = countdown == null ? error : countdown.failure().get();
                if (failed != null) {
                    acked.completeExceptionally(failed);
                } else {
                    acked.complete(null);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            producer.close();
        }
    }
}
