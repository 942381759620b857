package org.careflow.bench.scenarios;

import org.careflow.query.StreamsHttpApp;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.DrainClock;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;
import org.careflow.triage.TriageConfig;

/**
 * Instances of streams-triage sharing one application id: 1, 2 (and 3 in a full run) instances start, split the
 * partitions of {@code triage-submissions} between them and settle; then a fresh batch of submissions is written and
 * the rate at which their assessments become readable ({@code read_committed}) is measured, under exactly_once_v2.
 * Every instance runs in this JVM, on the machine's cores, so the figure shows what sharing partitions costs and gains
 * where the cores are the limit, not what separate machines would add.
 */
public final class ScaleOutScenario implements Scenario {

    public static final String NAME = "scale-out";
    static final String UNIT = "records/s";

    /** Submission indices of this scenario: apart from the other scenarios', so no submission id repeats. */
    static final long FIRST_INDEX = 5_000_000_000L;

    private static final String GUARANTEE = StreamsConfig.EXACTLY_ONCE_V2;
    private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(3);
    private static final long SETTLE_POLL_NANOS = Duration.ofMillis(100).toNanos();

    public static String metric(int instances) {
        return "streams-triage x" + instances;
    }

    static List<Integer> instanceCounts(BenchSettings settings) {
        return "full".equals(settings.mode()) ? List.of(1, 2, 3) : List.of(1, 2);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "streams-triage instances sharing one application id (1, 2, 3 in a full run): assessments/s once they split the partitions";
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        int records = settings.pipelineRecords();
        List<Integer> counts = instanceCounts(settings);
        Map<Integer, List<Double>> rates = new LinkedHashMap<>();
        counts.forEach(n -> rates.put(n, new ArrayList<>()));
        Map<String, Object> tasksPerInstance = new LinkedHashMap<>();
        long nextIndex = FIRST_INDEX;
        try (KafkaConsumer<byte[], byte[]> assessments = new KafkaConsumer<>(PipelineScenario.consumerProps(context));
             Serde<TriageSubmission> serde = context.stack().serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS)) {
            // With --quick, no warm-up: streams-triage's code is warm in this JVM from the scenarios before, and each round
            // starts its instances afresh anyway.
            int warmups = "quick".equals(settings.mode()) ? 0 : settings.warmupRounds();
            for (int w = 0; w < warmups; w++) {
                round(context, settings, assessments, serde, counts.get(0), nextIndex, records,
                    String.format(Locale.ROOT, "streams-triage x%d warm-up %d/%d", counts.get(0), w + 1, warmups));
                nextIndex += records;
            }
            for (int r = 0; r < settings.rounds(); r++) {
                for (int n : counts) {
                    Round result = round(context, settings, assessments, serde, n, nextIndex, records,
                        String.format(Locale.ROOT, "streams-triage x%d round %d/%d", n, r + 1, settings.rounds()));
                    nextIndex += records;
                    rates.get(n).add(result.rate());
                    tasksPerInstance.put("x" + n, result.activeTasks());
                }
            }
        }
        List<Metric> metrics = new ArrayList<>();
        rates.forEach((n, values) -> metrics.add(Metric.of(metric(n), UNIT, values)));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("guarantee", GUARANTEE);
        details.put("recordsPerRound", records);
        details.put("instances", counts);
        details.put("activeTasksPerInstance", tasksPerInstance);
        details.put("partitions", context.stack().endOffsets(Topics.TRIAGE_SUBMISSIONS.name()).size());
        details.put("placement", "every instance in the bench's JVM, one stream thread each, sharing the machine's cores");
        details.put("measuredFrom", "instances settled (all RUNNING, each with active tasks) before the batch is written; the clock "
            + "starts as the batch starts to be written; assessments read back with isolation.level=read_committed; "
            + DrainClock.method());
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    private record Round(double rate, List<Integer> activeTasks) {
    }

    private static Round round(BenchContext context, BenchSettings settings, KafkaConsumer<byte[], byte[]> assessments,
                               Serde<TriageSubmission> serde, int instances, long firstIndex, int records, String label) {
        BenchStack stack = context.stack();
        stack.awaitNoOpenTransactions(Topics.TRIAGE_ASSESSMENTS.name(), Duration.ofMinutes(2));
        Map<TopicPartition, Long> from = stack.endOffsets(Topics.TRIAGE_ASSESSMENTS.name());
        assessments.assign(from.keySet());
        from.forEach(assessments::seek);

        String applicationId = context.uniqueName("bench-triage-x" + instances);
        // Only this round's batch is read: what earlier scenarios left in the topic is skipped.
        StreamsRuns.startAtEnd(stack, applicationId, List.of(Topics.TRIAGE_SUBMISSIONS.name()));
        List<StreamsHttpApp> apps = new ArrayList<>();
        try (Progress.Task task = context.progress().start(label, records, "assessments")) {
            for (int i = 0; i < instances; i++) {
                apps.add(TriageApp.start(new TriageConfig(PipelineScenario.triageProps(stack, settings, applicationId,
                    "streams/" + applicationId + "-" + i, GUARANTEE))));
            }
            List<Integer> activeTasks = awaitSettled(apps, label);
            DrainClock clock = new DrainClock(records);
            long start = System.nanoTime();
            clock.started(start);
            PipelineScenario.writeSubmissions(context, label + ": write", firstIndex, records, serde);
            StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog("streams-triage x" + instances + "'s assessments", records,
                start, StreamsRuns.drainDeadline(records));
            return new Round(PipelineScenario.drain(assessments, clock, task, watchdog, apps), activeTasks);
        } finally {
            apps.forEach(StreamsHttpApp::close);
            for (int i = 0; i < instances; i++) {
                stack.deleteDirectory("streams/" + applicationId + "-" + i);
            }
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    /**
     * Waits until every instance is RUNNING with at least one active task, seen on two looks in a row (a follow-up
     * rebalance would take an instance out of RUNNING in between); returns the active task count of each.
     */
    private static List<Integer> awaitSettled(List<StreamsHttpApp> apps, String label) {
        long end = System.nanoTime() + SETTLE_DEADLINE.toNanos();
        boolean seenOnce = false;
        while (true) {
            List<Integer> tasks = new ArrayList<>();
            boolean settled = true;
            for (StreamsHttpApp app : apps) {
                KafkaStreams streams = app.streams();
                StreamsRuns.requireAlive(streams, "streams-triage");
                int active = streams.state() == KafkaStreams.State.RUNNING
                    ? streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() : 0;
                settled &= active > 0;
                tasks.add(active);
            }
            if (settled && seenOnce) {
                return tasks;
            }
            seenOnce = settled;
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException(label + ": the instances did not settle within " + SETTLE_DEADLINE.toSeconds()
                    + " s (active tasks per instance " + tasks + ")");
            }
            LockSupport.parkNanos(SETTLE_POLL_NANOS);
        }
    }
}
