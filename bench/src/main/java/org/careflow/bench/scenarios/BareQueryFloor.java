package org.careflow.bench.scenarios;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.careflow.bench.infra.BenchApps;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.http.HttpServerFactory;

/**
 * The floor of the queries scenario: the least a Kafka Streams app can do to answer a patient's latest assessment. A
 * Kafka Streams app holds, per patient, the bytes streams-triage answered for it (fetched once from careflow before
 * measuring) in a store of the same type as streams-triage's patient-history store (persistent RocksDB key-value,
 * cached), and a route of a server built by the same {@link HttpServerFactory} answers {@code GET} with those bytes:
 * one {@code get}, nothing decoded or rendered, the store handle taken once. What it leaves out is careflow's own work
 * per query: routing metadata, decoding the history, rendering JSON, the security gate and metrics.
 */
final class BareQueryFloor implements AutoCloseable {

    static final String STORE = "bench-bare-answers";
    static final String PATH = "/bare/patients/{patientId}/triage";
    private static final Duration START_DEADLINE = Duration.ofMinutes(2);

    private final KafkaStreams streams;
    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final String contentType;
    private final Javalin server;

    private BareQueryFloor(KafkaStreams streams, ReadOnlyKeyValueStore<String, byte[]> store, String contentType, String host) {
        this.streams = streams;
        this.store = store;
        this.contentType = contentType;
        this.server = HttpServerFactory.builder(host, 0).maxRequestBytes(64 * 1024)
            .routes(http -> http.routes.get(PATH, this::answer)).build().start();
    }

    /**
     * Writes {@code answers} (patient id to answer body) to {@code topic} (created here, with {@code partitions}),
     * starts a Kafka Streams app {@code applicationId} that loads them into its store, waits until it holds every one,
     * and starts the route on {@code host}.
     */
    static BareQueryFloor start(BenchStack stack, String host, String applicationId, String topic, int partitions,
                                Map<String, byte[]> answers, String contentType) throws Exception {
        Objects.requireNonNull(answers, "answers");
        stack.admin().createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get();
        awaitLeaders(stack, topic);
        // Not idempotent: a topic this new can answer NOT_LEADER first, after which an idempotent producer's sequence
        // numbers were seen to disagree with the broker's for minutes. Every write is checked below.
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> writes = new java.util.ArrayList<>();
            for (Map.Entry<String, byte[]> answer : answers.entrySet()) {
                writes.add(producer.send(new ProducerRecord<>(topic, answer.getKey(), answer.getValue())));
            }
            for (java.util.concurrent.Future<?> write : writes) {
                write.get(START_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()),
            Materialized.<String, byte[]>as(Stores.persistentKeyValueStore(STORE)).withCachingEnabled());
        Properties streamsProps = BenchApps.streamsApp(stack, host, applicationId, stack.newDirectory("streams/" + applicationId))
            .streamsProperties();
        KafkaStreams streams = new KafkaStreams(builder.build(), streamsProps);
        try {
            streams.start();
            StreamsRuns.awaitRunning(streams, START_DEADLINE, "bare query floor");
            ReadOnlyKeyValueStore<String, byte[]> store = awaitStore(streams);
            awaitLoaded(store, answers);
            return new BareQueryFloor(streams, store, contentType, host);
        } catch (Exception | Error e) {
            streams.close(Duration.ofSeconds(10));
            throw e;
        }
    }

    /** Waits until every partition of the new {@code topic} has a leader (a topic just created may not be known yet). */
    private static void awaitLeaders(BenchStack stack, String topic) throws Exception {
        long end = System.nanoTime() + START_DEADLINE.toNanos();
        while (!hasLeaders(stack, topic)) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("The bare query floor's topic has partitions without a leader");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static boolean hasLeaders(BenchStack stack, String topic) throws Exception {
        try {
            return stack.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    private static ReadOnlyKeyValueStore<String, byte[]> awaitStore(KafkaStreams streams) {
        long end = System.nanoTime() + START_DEADLINE.toNanos();
        while (true) {
            try {
                return streams.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    private static void awaitLoaded(ReadOnlyKeyValueStore<String, byte[]> store, Map<String, byte[]> answers) {
        long end = System.nanoTime() + START_DEADLINE.toNanos();
        for (String key : answers.keySet()) {
            while (store.get(key) == null) {
                if (System.nanoTime() - end > 0) {
                    throw new IllegalStateException("The bare query floor's store did not hold every answer within "
                        + START_DEADLINE.toSeconds() + " s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    URI uri(String key) {
        return URI.create("http://127.0.0.1:" + server.port() + PATH.replace("{patientId}", key));
    }

    private void answer(Context ctx) {
        byte[] body = store.get(ctx.pathParam("patientId"));
        if (body == null) {
            ctx.status(404);
        } else {
            ctx.contentType(contentType).result(body);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }
}
