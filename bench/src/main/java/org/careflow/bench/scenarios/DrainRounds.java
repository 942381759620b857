package org.careflow.bench.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.drain.DrainApp;
import org.careflow.bench.drain.DrainRoundConfig;
import org.careflow.bench.drain.DrainSchedule;
import org.careflow.bench.drain.ValueSizes;
import org.careflow.bench.drain.WorkShape;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.CpuClock;
import org.careflow.bench.infra.MeasuredProcesses;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.DrainClock;
import org.careflow.bench.report.Progress;
import org.careflow.config.StreamsAppConfig;
import org.careflow.config.StreamsSettings;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain rounds of streams-triage and of its two ceilings, interleaved in one loop ({@link DrainSchedule}): the count
 * aggregate (the limit of Kafka Streams itself) and the same-shape app (the limit for streams-triage's work, sized from
 * streams-triage's own topics after its first round). All three run one stream thread with the same commit interval
 * under each guarantee (streams-triage's), each round with a new application id and empty state, each app in a JVM of
 * its own ({@link DrainAppJvm}), and each round's CPU time per event is read for the app's JVM, the broker's and the
 * bench's (which only counts). The ceiling scenario runs the loop; the pipeline scenario reports streams-triage's share.
 */
final class DrainRounds {

    private static final Logger LOG = LoggerFactory.getLogger(DrainRounds.class);

    static final List<String> GUARANTEES = List.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);

    /**
     * The guarantees the drain loop measures: both, except with {@code --quick}, which measures exactly_once_v2 alone
     * (streams-triage's default and the one the targets are set under), to stay under its time budget.
     */
    static List<String> guarantees(BenchSettings settings) {
        return "quick".equals(settings.mode()) ? List.of(StreamsConfig.EXACTLY_ONCE_V2) : GUARANTEES;
    }
    /** Kafka Streams' default commit intervals, which streams-triage keeps unless told otherwise. */
    static final long EXACTLY_ONCE_COMMIT_MS = 100;
    static final long AT_LEAST_ONCE_COMMIT_MS = 30_000;
    /** Records read per topic to measure streams-triage's value sizes. */
    static final long SIZE_SAMPLE = 20_000;
    static final String BROKER = MeasuredProcesses.BROKER;
    static final String APP = "app";

    private static final long AGGREGATE_POLL_NANOS = 1_000_000;

    private DrainRounds() {
    }

    /** What one round measured: records/s over its timed part, the records it drained, CPU µs per event per process. */
    record RoundResult(double rate, long records, Map<String, Double> cpuPerEvent) {
    }

    /** A streams-triage round that ran: its application id, and where triage-assessments ended before it. */
    record FinishedTriageRound(String applicationId, Map<TopicPartition, Long> assessmentsFrom) {
    }

    /** Every measured round of the loop, by app and guarantee, and the work shape the same-shape app was given. */
    record Results(Map<DrainApp, Map<String, List<RoundResult>>> rounds, WorkShape shape, Map<String, Object> shapeDetails,
                   Map<String, Long> commitIntervalMs, long aggregateRecords, long triageRecords) {

        List<Double> rates(DrainApp app, String guarantee) {
            return rounds.get(app).get(guarantee).stream().map(RoundResult::rate).toList();
        }

        /** CPU µs per event of each process, round by round, for processes read in every round. */
        Map<String, List<Double>> cpu(DrainApp app, String guarantee) {
            return cpuPerProcess(rounds.get(app).get(guarantee));
        }
    }

    /** CPU µs per event of each process, round by round, for processes read in every one of {@code all}. */
    static Map<String, List<Double>> cpuPerProcess(List<RoundResult> all) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        // The bench's JVM first, then the others by name: samples do not keep an order.
        all.get(0).cpuPerEvent().keySet().stream()
            .sorted(java.util.Comparator.comparing((String p) -> !p.equals(CpuClock.BENCH)).thenComparing(p -> p))
            .filter(process -> all.stream().allMatch(r -> r.cpuPerEvent().containsKey(process)))
            .forEach(process -> out.put(process, all.stream().map(r -> r.cpuPerEvent().get(process)).toList()));
        return out;
    }

    /** streams-triage's commit interval under {@code guarantee}: its configured value, or Kafka Streams' default. */
    static long commitIntervalMs(String guarantee, Map<String, String> triageSettings) {
        String configured = triageSettings.get(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG);
        if (configured != null && Long.parseLong(configured.trim()) >= 0) {
            return Long.parseLong(configured.trim());
        }
        return StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee) ? EXACTLY_ONCE_COMMIT_MS : AT_LEAST_ONCE_COMMIT_MS;
    }

    /** streams-triage's record cache, which the same-shape app's stores get too. */
    static long cacheMaxBytes(Map<String, String> triageSettings) {
        String configured = triageSettings.get(StreamsAppConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);
        return configured == null ? StreamsAppConfig.DEFAULT_STATESTORE_CACHE_MAX_BYTES : Long.parseLong(configured.trim());
    }

    /** The clock over the bench's JVM, the app's and, when the bench started it, the broker's. */
    static CpuClock cpuClock(BenchStack stack, DrainAppJvm app) {
        return MeasuredProcesses.clock(stack, Map.of(APP, app.process()));
    }

    /** Starts the JVM a drain app runs in, its files under the stack's work directory and its log beside the report. */
    static DrainAppJvm appJvm(BenchContext context, BenchSettings settings, DrainApp app) {
        String name = app.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        String directory = "drain/" + context.uniqueName(name);
        return DrainAppJvm.start(name, context.stack().newDirectory(directory), settings.outputDir().resolve("drain-" + name + ".log"),
            "smoke".equals(settings.mode()));
    }

    static Results run(BenchContext context, BenchSettings settings) throws Exception {
        BenchStack stack = context.stack();
        int aggregateRecords = settings.aggregateRecords();
        String[] keys = CeilingScenario.keys(settings.keys());
        byte[][] values = CeilingScenario.values(context.data(), settings.valueBytes());
        Prefill.write(context, "pre-fill " + Topics.BENCH_CEILING_AGGREGATE_INPUT.name(), 0, aggregateRecords, new ByteArraySerializer(),
            i -> new ProducerRecord<>(Topics.BENCH_CEILING_AGGREGATE_INPUT.name(), keys[(int) (i % keys.length)], values[(int) (i % values.length)]));
        try (Serde<TriageSubmission> serde = stack.serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS)) {
            // Indices from 0: the ingest scenario posts from IngestScenario.FIRST_INDEX, so no submission id repeats.
            PipelineScenario.writeSubmissions(context, "pre-fill " + Topics.TRIAGE_SUBMISSIONS.name(), 0, settings.pipelineRecords(), serde);
        }

        Map<DrainApp, Map<String, List<RoundResult>>> rounds = new LinkedHashMap<>();
        for (DrainApp app : DrainApp.values()) {
            Map<String, List<RoundResult>> byGuarantee = new LinkedHashMap<>();
            guarantees(settings).forEach(g -> byGuarantee.put(g, new ArrayList<>()));
            rounds.put(app, byGuarantee);
        }
        Map<String, Object> shapeDetails = new LinkedHashMap<>();
        WorkShape[] shape = new WorkShape[1];
        long triageRecords = 0;
        Map<DrainApp, DrainAppJvm> jvms = new LinkedHashMap<>();
        try {
            for (DrainApp app : DrainSchedule.CYCLE) {
                jvms.put(app, context.drainJvm(app, settings));
            }
            Map<DrainApp, CpuClock> cpu = new LinkedHashMap<>();
            jvms.forEach((app, jvm) -> cpu.put(app, cpuClock(stack, jvm)));
            for (DrainSchedule.Slot slot : DrainSchedule.slots(guarantees(settings), settings.warmupRounds(), settings.rounds())) {
                long commitMs = commitIntervalMs(slot.guarantee(), settings.triageSettings());
                DrainAppJvm jvm = jvms.get(slot.app());
                RoundResult result = switch (slot.app()) {
                    case TRIAGE -> triageRound(context, settings, slot.guarantee(), Map.of(), slot.label(), jvm, cpu.get(slot.app()),
                        shape[0] != null ? null : finished -> {
                            shape[0] = measureShape(context, finished, shapeDetails);
                            LOG.info("streams-triage's work shape, measured from {}: {}", finished.applicationId(), shape[0]);
                        });
                    case AGGREGATE -> aggregateRound(context, slot.guarantee(), commitMs, aggregateRecords, slot.label(), jvm, cpu.get(slot.app()));
                    case SAME_SHAPE -> sameShapeRound(context, shape[0], slot.guarantee(), commitMs, cacheMaxBytes(settings.triageSettings()),
                        slot.label(), jvm, cpu.get(slot.app()));
                };
                if (slot.app() == DrainApp.TRIAGE) {
                    triageRecords = result.records();
                }
                if (slot.measured()) {
                    rounds.get(slot.app()).get(slot.guarantee()).add(result);
                }
            }
        } finally {
            // streams-triage's JVM stays up, warm, for the drain scenarios after this one (commit-interval, growth).
            context.closeDrainJvm(DrainApp.AGGREGATE);
            context.closeDrainJvm(DrainApp.SAME_SHAPE);
        }
        Map<String, Long> commit = new LinkedHashMap<>();
        guarantees(settings).forEach(g -> commit.put(g, commitIntervalMs(g, settings.triageSettings())));
        return new Results(rounds, shape[0], shapeDetails, commit, aggregateRecords, triageRecords);
    }

    /**
     * streams-triage's work shape from the topics of its round {@code applicationId} (run, closed, not yet deleted): the
     * assessments it wrote, its repartition by facility, its patient history changelog.
     */
    static WorkShape measureShape(BenchContext context, FinishedTriageRound round, Map<String, Object> details) {
        BenchStack stack = context.stack();
        String applicationId = round.applicationId();
        String repartition = applicationId + "-triage-queue-by-facility-repartition";
        String changelog = applicationId + "-triage-facility-patient-history-store-changelog";
        ValueSizes assessments = ValueSizes.ofTopic(stack.bootstrapServers(), Topics.TRIAGE_ASSESSMENTS.name(), round.assessmentsFrom(), SIZE_SAMPLE);
        ValueSizes repartitioned = ValueSizes.ofTopic(stack.bootstrapServers(), repartition, Map.of(), SIZE_SAMPLE);
        ValueSizes history = ValueSizes.ofTopic(stack.bootstrapServers(), changelog, Map.of(), SIZE_SAMPLE);
        details.put("measuredFromApplicationId", applicationId);
        details.put("assessmentsSampled", assessments.values());
        details.put("repartitionTopic", repartition);
        details.put("repartitionSampled", repartitioned.values());
        details.put("changelogTopic", changelog);
        details.put("changelogSampled", history.values());
        int repartitionBytes;
        if (repartitioned.values() > 0) {
            repartitionBytes = repartitioned.averageBytes();
        } else {
            // Kafka Streams purges what it consumed from repartition topics; with nothing left, the assessment stands in.
            repartitionBytes = assessments.averageBytes();
            details.put("repartitionBytesFrom", "triage-assessments: the repartition topic was already purged");
        }
        return new WorkShape(history.averageBytes(), assessments.averageBytes(), repartitionBytes, stack.partitions(repartition),
            context.data().facilityIds().size());
    }

    /**
     * One round of streams-triage ({@code TriageApp.start} in {@code jvm}) draining all of triage-submissions under
     * {@code guarantee} with {@code overrides} over the user's settings; {@code beforeCleanup}, if given, is called once
     * the app is closed and before its topics are deleted.
     */
    static RoundResult triageRound(BenchContext context, BenchSettings settings, String guarantee, Map<String, String> overrides,
                                   String label, DrainAppJvm jvm, CpuClock cpu, Consumer<FinishedTriageRound> beforeCleanup) {
        BenchStack stack = context.stack();
        // Everything in the topic is read: earlier scenarios' submissions too, each with an id of its own.
        long expected = stack.endOffsetSum(Topics.TRIAGE_SUBMISSIONS.name());
        // A transaction the last round left open would hold back what this one writes from the read_committed counter.
        Duration waited = stack.awaitNoOpenTransactions(Topics.TRIAGE_ASSESSMENTS.name(), Duration.ofMinutes(2));
        if (waited.toMillis() > 1_000) {
            LOG.warn("Waited {} ms for an open transaction on {} to end before {}", waited.toMillis(), Topics.TRIAGE_ASSESSMENTS.name(), label);
        }
        Map<TopicPartition, Long> from = stack.endOffsets(Topics.TRIAGE_ASSESSMENTS.name());
        String applicationId = context.uniqueName("bench-triage-" + StreamsRuns.shortName(guarantee));
        Map<String, Object> props = PipelineScenario.triageProps(stack, settings, applicationId, "streams/" + applicationId, guarantee);
        props.putAll(overrides);
        try {
            RoundResult result = drainOutput(context, label, expected, Topics.TRIAGE_ASSESSMENTS.name(), from, "assessments", "streams-triage",
                jvm, cpu, round -> new DrainRoundConfig(DrainApp.TRIAGE, round, strings(props), null, null, null));
            if (beforeCleanup != null) {
                beforeCleanup.accept(new FinishedTriageRound(applicationId, from));
            }
            return result;
        } finally {
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    /**
     * Starts a round in {@code jvm} and counts what it writes to {@code topic} from {@code from} on, as it becomes
     * readable ({@code read_committed}), until {@code expected}; stops the round, even when it fails.
     */
    private static RoundResult drainOutput(BenchContext context, String label, long expected, String topic, Map<TopicPartition, Long> from,
                                           String unit, String what, DrainAppJvm jvm, CpuClock cpu,
                                           java.util.function.LongFunction<DrainRoundConfig> config) {
        Duration deadline = StreamsRuns.drainDeadline(expected);
        CpuWindow window = new CpuWindow(cpu);
        DrainClock clock = window.clock(expected);
        try (KafkaConsumer<byte[], byte[]> outputs = new KafkaConsumer<>(PipelineScenario.consumerProps(context));
             Progress.Task task = context.progress().start(label, expected, unit)) {
            outputs.assign(from.keySet());
            from.forEach(outputs::seek);
            return timed(jvm, () -> jvm.startRound(config, deadline), window, clock, what + "'s " + unit, expected, deadline, task,
                count -> count + outputs.poll(Duration.ofMillis(20)).count());
        }
    }

    /**
     * Starts a round, takes looks at its count until {@code clock} has its window, stops the round, and returns its
     * figures. {@code look} gives the count after one more look.
     */
    private static RoundResult timed(DrainAppJvm jvm, java.util.function.LongSupplier start, CpuWindow window, DrainClock clock,
                                     String what, long expected, Duration deadline, Progress.Task task,
                                     java.util.function.LongUnaryOperator look) {
        try {
            long begin = start.getAsLong();
            window.running();
            clock.started(begin);
            StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog(what, expected, begin, deadline);
            long count = 0;
            while (!clock.progress(count)) {
                count = look.applyAsLong(count);
                task.set(count);
                jvm.requireAlive();
                watchdog.check(count);
            }
            window.done();
        } finally {
            jvm.stopRound();
        }
        double rate = clock.rate();
        task.finish(String.format(Locale.ROOT, "%,.0f records/s", rate));
        return new RoundResult(rate, expected, window.perEvent(clock));
    }

    /** One round of the count aggregate draining the aggregate's input topic, counted by the aggregator itself. */
    private static RoundResult aggregateRound(BenchContext context, String guarantee, long commitMs, long records, String label,
                                              DrainAppJvm jvm, CpuClock cpu) {
        String applicationId = context.uniqueName("bench-aggregate-" + StreamsRuns.shortName(guarantee));
        CpuWindow window = new CpuWindow(cpu);
        DrainClock clock = window.clock(records);
        // Plain Kafka Streams, none of careflow's: no registry, no dead-letter handlers, Kafka's cache and RocksDB defaults.
        Map<String, String> props = rawStreams(context, applicationId, guarantee, commitMs, null);
        Duration deadline = StreamsRuns.drainDeadline(records);
        try (Progress.Task task = context.progress().start(label, records, "records")) {
            return timed(jvm, () -> jvm.startRound(round -> new DrainRoundConfig(DrainApp.AGGREGATE, round, props,
                    Topics.BENCH_CEILING_AGGREGATE_INPUT.name(), null, null), deadline), window, clock, "The raw aggregate", records,
                deadline, task, count -> {
                    // Its count is in shared memory: a look every millisecond times the window to within one.
                    LockSupport.parkNanos(AGGREGATE_POLL_NANOS);
                    return jvm.count();
                });
        } finally {
            context.stack().deleteDirectory("streams/" + applicationId);
            context.stack().deleteTopicsStartingWith(applicationId + "-");
        }
    }

    /**
     * One round of the same-shape app draining all of triage-submissions (the same records, keys and partitions as
     * streams-triage), counted as its output records become readable ({@code read_committed}), as streams-triage's are.
     */
    private static RoundResult sameShapeRound(BenchContext context, WorkShape shape, String guarantee, long commitMs, long cacheBytes,
                                              String label, DrainAppJvm jvm, CpuClock cpu) {
        BenchStack stack = context.stack();
        long expected = stack.endOffsetSum(Topics.TRIAGE_SUBMISSIONS.name());
        String applicationId = context.uniqueName("bench-same-shape-" + StreamsRuns.shortName(guarantee));
        // Its output topic is the round's own, deleted with its internal topics.
        String output = applicationId + "-assessments";
        stack.createTopic(output, stack.partitions(Topics.TRIAGE_ASSESSMENTS.name()));
        Map<String, String> props = rawStreams(context, applicationId, guarantee, commitMs, cacheBytes);
        try {
            return drainOutput(context, label, expected, output, stack.endOffsets(output), "records", "The same-shape app", jvm, cpu,
                round -> new DrainRoundConfig(DrainApp.SAME_SHAPE, round, props, Topics.TRIAGE_SUBMISSIONS.name(), output, shape));
        } finally {
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    static Map<String, String> strings(Map<String, ?> props) {
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /**
     * The Kafka Streams properties of a raw app of the bench's own: one thread, from the start of its input; a null cache
     * keeps Kafka's default.
     */
    private static Map<String, String> rawStreams(BenchContext context, String applicationId, String guarantee, long commitMs,
                                                  Long cacheBytes) {
        StreamsSettings.Builder settings = StreamsSettings.builder()
            .applicationId(applicationId)
            .bootstrapServers(context.stack().bootstrapServers())
            .stateDir(context.stack().newDirectory("streams/" + applicationId))
            .guarantee(guarantee)
            .commitIntervalMs(commitMs)
            // The client buffers careflow's apps have, so that the ceilings fetch and produce as they do.
            .clientBufferMaxBytes(StreamsAppConfig.DEFAULT_CLIENT_BUFFER_MAX_BYTES)
            .override(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1)
            .override(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        if (cacheBytes != null) {
            settings.cacheMaxBytes(cacheBytes);
        }
        Map<String, String> out = new LinkedHashMap<>();
        settings.streamsProperties().forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }
}
