package org.careflow.bench.scenarios;

import org.careflow.query.StreamsHttpApp;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.drain.DrainApp;
import org.apache.kafka.streams.StreamsConfig;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.careflow.config.StreamsAppConfig;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;

/**
 * streams-triage as it runs in production (TriageApp, Avro through the registry, every store and output), draining a
 * pre-filled {@code triage-submissions} until every assessment can be read ({@code read_committed}), under
 * exactly_once_v2 and at_least_once, as a fraction of the same-shape app and of the count aggregate under the same
 * guarantee, with CPU per event. Its rounds run in {@link DrainRounds}, interleaved with the ceilings' (the ceiling
 * scenario runs the loop); this scenario reports them.
 */
public final class PipelineScenario implements Scenario {

    public static final String NAME = "pipeline";
    static final String UNIT = "records/s";
    /** Issue 18's targets under exactly-once: streams-triage's share of the same-shape app, and of the count aggregate. */
    static final double SAME_SHAPE_TARGET = 0.60;
    static final double AGGREGATE_TARGET = 0.12;

    static String metric(String guarantee) {
        return DrainApp.TRIAGE.metric(guarantee);
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
    public ScenarioResult run(BenchContext context, BenchSettings settings) {
        long begin = System.nanoTime();
        DrainRounds.Results drain = context.drainRounds().orElseThrow(() -> new IllegalStateException(
            "The pipeline's rounds run interleaved with the ceiling's: run the ceiling scenario first"));
        List<Metric> metrics = new ArrayList<>();
        for (String guarantee : DrainRounds.guarantees(settings)) {
            Metric rate = Metric.of(metric(guarantee), UNIT, drain.rates(DrainApp.TRIAGE, guarantee));
            // The targets are set under exactly-once, streams-triage's default.
            if (StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee)) {
                rate = rate.comparedWith(CeilingScenario.NAME, DrainApp.SAME_SHAPE.metric(guarantee), SAME_SHAPE_TARGET)
                    .comparedWith(CeilingScenario.NAME, DrainApp.AGGREGATE.metric(guarantee), AGGREGATE_TARGET);
            } else {
                rate = rate.comparedWith(CeilingScenario.NAME, DrainApp.SAME_SHAPE.metric(guarantee))
                    .comparedWith(CeilingScenario.NAME, DrainApp.AGGREGATE.metric(guarantee));
            }
            metrics.add(rate);
        }
        for (String guarantee : DrainRounds.guarantees(settings)) {
            drain.cpu(DrainApp.TRIAGE, guarantee).forEach((process, values) ->
                metrics.add(Metric.of(DrainApp.TRIAGE.cpuMetric(guarantee, process), CeilingScenario.CPU_UNIT, values)));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("prefilledSubmissions", settings.pipelineRecords());
        details.put("recordsPerRound", drain.triageRecords());
        details.put("streamThreads", 1);
        details.put("placement", "streams-triage in a JVM of its own (TriageApp.start in DrainAppMain, " + DrainAppJvm.HEAP
            + ", kept up across rounds); the bench's JVM only counts its assessments");
        details.put("triageSettings", new java.util.TreeMap<>(settings.triageSettings()));
        details.put("commitIntervalMs", drain.commitIntervalMs());
        details.put("commitIntervalSource", settings.triageSettings().containsKey(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG)
            ? "--triage-setting commit.interval.ms, for the ceilings too" : "Kafka Streams' defaults, as streams-triage runs; the ceilings use the same");
        details.put("roundOrder", "one loop: per guarantee streams-triage, then the aggregate, then the same-shape app, every cycle");
        details.put("targets", Map.of("vsSameShape", SAME_SHAPE_TARGET, "vsAggregate", AGGREGATE_TARGET, "under", StreamsConfig.EXACTLY_ONCE_V2));
        details.put("measuredFrom", "assessments read back with isolation.level=read_committed, " + DrainClock.method()
            + "; CPU per event over the same records");
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
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
