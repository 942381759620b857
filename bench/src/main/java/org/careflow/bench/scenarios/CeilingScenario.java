package org.careflow.bench.scenarios;

import org.careflow.bench.BenchSettings;
import org.careflow.bench.drain.DrainApp;
import org.careflow.bench.drain.SameShapeTopology;
import org.careflow.topics.Topics;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.DrainClock;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.report.Stats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What raw Kafka does on this machine and this broker, in this run: the ceiling careflow is measured against.
 * (a) one producer (acks=all, idempotent, lz4) writing ~300-byte records over 10,000 keys into 6 partitions, and one
 * consumer reading them back; (b) the streams ceilings of {@link DrainRounds}, under exactly_once_v2 and at_least_once:
 * one Kafka Streams thread counting records per key with {@code groupByKey().aggregate()} on RocksDB (the limit of Kafka
 * Streams itself), and the same-shape app ({@link SameShapeTopology}: streams-triage's work shape on bytes), each with
 * CPU per event of the bench's and the broker's JVM.
 */
public final class CeilingScenario implements Scenario {

    public static final String NAME = "ceiling";
    static final String PRODUCE = "produce";
    static final String CONSUME = "consume";
    static final String UNIT = "records/s";
    static final String CPU_UNIT = "µs/event";

    private static final int VALUE_POOL = 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "raw Kafka on the same broker: producer and consumer records/s; a Kafka Streams count per key on RocksDB and the "
            + "same-shape raw app (streams-triage's work on bytes), exactly_once_v2 and at_least_once, interleaved with streams-triage's rounds";
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        String[] keys = keys(settings.keys());
        byte[][] values = values(context.data(), settings.valueBytes());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("valueBytes", settings.valueBytes());
        details.put("keys", settings.keys());
        details.put("partitions", settings.partitions());
        details.put("producer", producerProps(context));
        List<Metric> metrics = new ArrayList<>();

        List<Double> produced = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(context), new StringSerializer(), new ByteArraySerializer())) {
            forEachRound(settings, (label, measured) -> {
                double rate = produceRound(context, producer, keys, values, settings.produceRecords(), "produce " + label);
                if (measured) {
                    produced.add(rate);
                }
            });
        }
        metrics.add(Metric.of(PRODUCE, UNIT, produced));

        List<Double> consumed = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(context))) {
            List<TopicPartition> partitions = new ArrayList<>(context.stack().endOffsets(Topics.BENCH_CEILING_PRODUCE.name()).keySet());
            consumer.assign(partitions);
            // Every round reads all the producer rounds wrote: a longer, steadier measurement at no extra cost.
            long written = context.stack().endOffsetSum(Topics.BENCH_CEILING_PRODUCE.name());
            details.put("consumeRecordsPerRound", written);
            forEachRound(settings, (label, measured) -> {
                double rate = consumeRound(context, consumer, partitions, written, "consume " + label);
                if (measured) {
                    consumed.add(rate);
                }
            });
        }
        metrics.add(Metric.of(CONSUME, UNIT, consumed));

        // The streams ceilings run interleaved with streams-triage's rounds, which the pipeline scenario reports.
        DrainRounds.Results drain = DrainRounds.run(context, settings);
        context.drainRounds(drain);
        for (DrainApp app : List.of(DrainApp.AGGREGATE, DrainApp.SAME_SHAPE)) {
            for (String guarantee : DrainRounds.guarantees(settings)) {
                metrics.add(Metric.of(app.metric(guarantee), UNIT, drain.rates(app, guarantee)));
            }
        }
        for (DrainApp app : List.of(DrainApp.AGGREGATE, DrainApp.SAME_SHAPE)) {
            for (String guarantee : DrainRounds.guarantees(settings)) {
                drain.cpu(app, guarantee).forEach((process, perEvent) -> metrics.add(Metric.of(app.cpuMetric(guarantee, process), CPU_UNIT, perEvent)));
            }
        }
        details.put("aggregateRecordsPerRound", drain.aggregateRecords());
        details.put("sameShapeRecordsPerRound", drain.triageRecords());
        details.put("commitIntervalMs", drain.commitIntervalMs());
        details.put("sameShapeCacheMaxBytes", DrainRounds.cacheMaxBytes(settings.triageSettings()));
        details.put("sameShapeWorkShape", drain.shape().describe());
        details.put("sameShapeWorkShapeMeasurement", drain.shapeDetails());
        details.put("streamThreads", 1);
        details.put("roundOrder", "interleaved with streams-triage: per guarantee, streams-triage, aggregate, same-shape (see pipeline)");
        details.put("cpuProcesses", "app: the app's own JVM (DrainAppMain, " + DrainAppJvm.HEAP + ", kept up across rounds); bench: the "
            + "bench's JVM, which only counts (a read_committed consumer, or the aggregate's count in shared memory); broker: the broker's JVM");
        details.put("measuredFrom", "produce: first send to flush() returning; consume: first poll to the last record; "
            + "aggregate: records counted by the aggregator; same-shape: its output records read back with isolation.level=read_committed; "
            + DrainClock.method() + "; CPU per event over the same records");
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    /** Runs {@code round} for every warm-up round, then every measured one. */
    static void forEachRound(BenchSettings settings, RoundBody round) throws Exception {
        for (int w = 0; w < settings.warmupRounds(); w++) {
            round.run(String.format(Locale.ROOT, "warm-up %d/%d", w + 1, settings.warmupRounds()), false);
        }
        for (int r = 0; r < settings.rounds(); r++) {
            round.run(String.format(Locale.ROOT, "round %d/%d", r + 1, settings.rounds()), true);
        }
    }

    @FunctionalInterface
    interface RoundBody {
        void run(String label, boolean measured) throws Exception;
    }

    private static double produceRound(BenchContext context, KafkaProducer<String, byte[]> producer, String[] keys, byte[][] values,
                                       int records, String label) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (Progress.Task task = context.progress().start(label, records, "records")) {
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(Topics.BENCH_CEILING_PRODUCE.name(), keys[i % keys.length], values[i % values.length]), (m, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
                if ((i & 0x3FFF) == 0) {
                    task.set(i);
                }
            }
            producer.flush();
            long elapsed = System.nanoTime() - start;
            if (failure.get() != null) {
                throw new IllegalStateException("The raw producer failed during " + label, failure.get());
            }
            double rate = Stats.perSecond(records, elapsed);
            task.finish(String.format(Locale.ROOT, "%,.0f records/s", rate));
            return rate;
        }
    }

    private static double consumeRound(BenchContext context, KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                       long records, String label) {
        consumer.seekToBeginning(partitions);
        Duration deadline = StreamsRuns.drainDeadline(records);
        try (Progress.Task task = context.progress().start(label, records, "records")) {
            long start = System.nanoTime();
            StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog("The raw consumer", records, start, deadline);
            long count = 0;
            while (count < records) {
                count += consumer.poll(Duration.ofMillis(100)).count();
                task.set(count);
                watchdog.check(count);
            }
            double rate = Stats.perSecond(records, System.nanoTime() - start);
            task.finish(String.format(Locale.ROOT, "%,.0f records/s", rate));
            return rate;
        }
    }

    private static Map<String, Object> producerProps(BenchContext context) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-ceiling-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return props;
    }

    private static Map<String, Object> consumerProps(BenchContext context) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-ceiling-consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /** {@code count} keys, spread over the partitions as any string keys are. */
    static String[] keys(int count) {
        String[] keys = new String[count];
        for (int k = 0; k < count; k++) {
            keys[k] = String.format("bench-key-%05d", k);
        }
        return keys;
    }

    /** Values of exactly {@code size} bytes: synthetic submissions as JSON, cut or padded, so they compress like real ones. */
    static byte[][] values(SyntheticData data, int size) {
        byte[][] values = new byte[VALUE_POOL][];
        for (int v = 0; v < VALUE_POOL; v++) {
            byte[] json = data.json(v).getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[size];
            java.util.Arrays.fill(value, (byte) ' ');
            System.arraycopy(json, 0, value, 0, Math.min(json.length, size));
            values[v] = value;
        }
        return values;
    }
}
