package org.careflow.bench.scenarios;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
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
public final class BareIngestFloor implements AutoCloseable {

    static final String SINGLE_PATH = "/bare/triage-submissions";
    static final String BATCH_PATH = "/bare/triage-submissions/batch";
    private static final String TOPIC = Topics.TRIAGE_SUBMISSIONS.name();

    /** One request body's record as careflow writes it: the patient id as key, the Avro value as careflow's serializer encodes it. */
    record Encoded(String key, byte[] value) {
    }

    /**
     * A fixed set of distinct submissions, each one's record found by its JSON body. Kept small (the floor's clients
     * cycle through the bodies: {@link IngestScenario#floorBodies}) so that memory does not grow with a run's length.
     */
    static final class Events {

        private final Map<ByteBuffer, Encoded> byBody;

        private Events(Map<ByteBuffer, Encoded> byBody) {
            this.byBody = byBody;
        }

        /** Events {@code first} .. {@code first + count - 1} of {@code data}, values encoded by {@code serializer}. */
        static Events encode(SyntheticData data, long first, int count, Serializer<TriageSubmission> serializer) {
            Map<ByteBuffer, Encoded> byBody = new HashMap<>(count * 2);
            for (long i = first; i < first + count; i++) {
                String json = data.json(i);
                TriageSubmission submission = data.submission(i);
                byBody.put(ByteBuffer.wrap(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    new Encoded(submission.getPatientId(), serializer.serialize(TOPIC, submission)));
            }
            return new Events(byBody);
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
            this.server = HttpServerFactory.builder(config.getString(CommonConfig.HTTP_HOST_CONFIG), config.getInt(CommonConfig.HTTP_PORT_CONFIG))
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

    /** Starts the floor on {@code config}'s host and port with the ingest API's server and producer settings of {@code config}. */
    static BareIngestFloor start(IngestConfig config, Events events) {
        return new BareIngestFloor(config, events);
    }

    /**
     * Runs the floor in a JVM of its own ({@link IngestServers}): {@code CONFIG_FILE SEED EPOCH_MILLIS FIRST_INDEX COUNT}, the
     * ingest API's configuration file and which synthetic events to pre-encode (the bench's {@link SyntheticData}).
     */
    public static void main(String[] args) {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: CONFIG_FILE SEED EPOCH_MILLIS FIRST_INDEX COUNT");
        }
        IngestConfig config = new IngestConfig(org.careflow.config.ConfigSources.readFile(java.nio.file.Path.of(args[0]),
            IngestConfig.CONFIG.names()));
        SyntheticData data = new SyntheticData(Long.parseLong(args[1]), java.time.Instant.ofEpochMilli(Long.parseLong(args[2])),
            SyntheticData.DEFAULT_FACILITIES, SyntheticData.DEFAULT_PATIENTS, SyntheticData.DEFAULT_DETERIORATING_SHARE);
        org.careflow.topics.RegistryEventSerdes serdes = new org.careflow.topics.RegistryEventSerdes(
            config.getString(CommonConfig.REGISTRY_URL_CONFIG), false);
        Events events;
        try (org.apache.kafka.common.serialization.Serde<TriageSubmission> serde = serdes.valueSerde(Topics.TRIAGE_SUBMISSIONS)) {
            events = Events.encode(data, Long.parseLong(args[3]), Integer.parseInt(args[4]), serde.serializer());
        }
        BareIngestFloor floor = start(config, events);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            floor.close();
            org.careflow.topics.RegistryEventSerdes.releaseSharedResources();
        }, "bare-ingest-shutdown"));
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
