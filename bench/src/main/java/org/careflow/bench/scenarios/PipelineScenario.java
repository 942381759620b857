package org.careflow.bench.scenarios;

import org.careflow.query.StreamsHttpApp;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchApps;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.DrainClock;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.careflow.config.StreamsAppConfig;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;
import org.careflow.triage.TriageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * streams-triage as it runs in production (TriageApp, Avro through the registry, every store and output), draining a
 * pre-filled {@code triage-submissions}: records/s from the instance RUNNING until the last assessment can be read
 * ({@code read_committed}), under exactly_once_v2 and at_least_once, as a fraction of the raw aggregate's ceiling under
 * the same guarantee.
 */
public final class PipelineScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineScenario.class);

    public static final String NAME = "pipeline";
    static final String UNIT = "records/s";

    static String metric(String guarantee) {
        return "streams-triage " + guarantee;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "streams-triage draining pre-filled triage-submissions until every assessment is readable (exactly_once_v2, at_least_once)";
    }

    @Override
    public List<String> needs() {
        return List.of(CeilingScenario.NAME);
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        int records = settings.pipelineRecords();
        try (Serde<TriageSubmission> serde = context.stack().serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS)) {
            // Indices from 0: the ingest scenario posts from IngestScenario.FIRST_INDEX, so no submission id repeats.
            writeSubmissions(context, "pre-fill " + Topics.TRIAGE_SUBMISSIONS.name(), 0, records, serde);
        }

        Map<String, List<Double>> rates = new LinkedHashMap<>();
        CeilingScenario.GUARANTEES.forEach(g -> rates.put(g, new ArrayList<>()));
        long drained = 0;
        try (KafkaConsumer<byte[], byte[]> assessments = new KafkaConsumer<>(consumerProps(context))) {
            for (int w = 0; w < settings.warmupRounds(); w++) {
                String guarantee = CeilingScenario.GUARANTEES.get(w % CeilingScenario.GUARANTEES.size());
                round(context, settings, assessments, guarantee, String.format(Locale.ROOT, "streams-triage %s warm-up %d/%d",
                    guarantee, w + 1, settings.warmupRounds()));
            }
            for (int r = 0; r < settings.rounds(); r++) {
                for (String guarantee : CeilingScenario.GUARANTEES) {
                    Round result = round(context, settings, assessments, guarantee,
                        String.format(Locale.ROOT, "streams-triage %s round %d/%d", guarantee, r + 1, settings.rounds()));
                    rates.get(guarantee).add(result.rate());
                    drained = result.records();
                }
            }
        }
        List<Metric> metrics = new ArrayList<>();
        rates.forEach((guarantee, values) -> metrics.add(Metric.of(metric(guarantee), UNIT, values)
            .comparedWith(CeilingScenario.NAME, CeilingScenario.aggregate(guarantee))));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("prefilledSubmissions", records);
        details.put("recordsPerRound", drained);
        details.put("streamThreads", 1);
        details.put("triageSettings", new java.util.TreeMap<>(settings.triageSettings()));
        details.put("commitIntervalMs", settings.triageSettings().getOrDefault(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG,
            "Kafka Streams' defaults as streams-triage runs: 100 (exactly_once_v2), 30000 (at_least_once)"));
        details.put("measuredFrom", "assessments read back with isolation.level=read_committed, " + DrainClock.method());
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    private record Round(double rate, long records) {
    }

    private static Round round(BenchContext context, BenchSettings settings, KafkaConsumer<byte[], byte[]> assessments, String guarantee,
                               String label) {
        BenchStack stack = context.stack();
        // Everything in the topic is read: earlier scenarios' submissions too, each with an id of its own.
        long expected = stack.endOffsetSum(Topics.TRIAGE_SUBMISSIONS.name());
        // A transaction the last round left open would hold back what this one writes from the read_committed counter.
        Duration waited = stack.awaitNoOpenTransactions(Topics.TRIAGE_ASSESSMENTS.name(), Duration.ofMinutes(2));
        if (waited.toMillis() > 1_000) {
            LOG.warn("Waited {} ms for an open transaction on {} to end before {}", waited.toMillis(), Topics.TRIAGE_ASSESSMENTS.name(), label);
        }
        Map<TopicPartition, Long> from = stack.endOffsets(Topics.TRIAGE_ASSESSMENTS.name());
        assessments.assign(from.keySet());
        from.forEach(assessments::seek);

        String applicationId = context.uniqueName("bench-triage-" + StreamsRuns.shortName(guarantee));
        Map<String, Object> props = triageProps(stack, settings, applicationId, "streams/" + applicationId, guarantee);
        Duration deadline = StreamsRuns.drainDeadline(expected);
        try (Progress.Task task = context.progress().start(label, expected, "assessments")) {
            StreamsHttpApp app = TriageApp.start(new TriageConfig(props));
            try {
                DrainClock clock = new DrainClock(expected);
                long start = StreamsRuns.awaitRunning(app.streams(), deadline, "streams-triage");
                clock.started(start);
                StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog("streams-triage's assessments", expected, start, deadline);
                return new Round(drain(assessments, clock, task, watchdog, List.of(app)), expected);
            } finally {
                app.close();
            }
        } finally {
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    /** Writes synthetic submissions {@code first} to {@code first + count - 1} to triage-submissions, keyed by patient. */
    static void writeSubmissions(BenchContext context, String label, long first, long count, Serde<TriageSubmission> serde) {
        SyntheticData data = context.data();
        Prefill.write(context, label, first, count, serde.serializer(), i -> {
            TriageSubmission submission = data.submission(i);
            return new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), null, submission.getSubmittedAt().toEpochMilli(),
                submission.getPatientId(), submission);
        });
    }

    /**
     * Counts the assessments {@code assessments} reads until {@code clock} has them all, failing if an instance of
     * {@code apps} stops or {@code watchdog} fires; returns the rate, also shown as the task's result.
     */
    static double drain(KafkaConsumer<byte[], byte[]> assessments, DrainClock clock, Progress.Task task, StreamsRuns.Watchdog watchdog,
                        List<StreamsHttpApp> apps) {
        long count = 0;
        while (!clock.progress(count)) {
            count += assessments.poll(Duration.ofMillis(20)).count();
            task.set(count);
            for (StreamsHttpApp app : apps) {
                StreamsRuns.requireAlive(app.streams(), "streams-triage");
            }
            watchdog.check(count);
        }
        double rate = clock.rate();
        task.finish(String.format(Locale.ROOT, "%,.0f records/s", rate));
        return rate;
    }

    /** streams-triage's settings for one instance on the bench's stack: its own state directory and HTTP port, no auth. */
    static Map<String, Object> triageProps(BenchStack stack, BenchSettings settings, String applicationId, String stateDirectory,
                                           String guarantee) {
        // The user's --triage-setting values first: the scenario's own fields win over them.
        return BenchApps.streamsApp(stack, "127.0.0.1", applicationId, stack.newDirectory(stateDirectory))
            .defaults(settings.triageSettings())
            .guarantee(guarantee)
            .appConfig();
    }

    static Map<String, Object> consumerProps(BenchContext context) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-assessment-counter");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }
}
